def load_scenario_meetings(inspection, ctx):  # type: ignore[no-untyped-def]
    """Filled in by the timetabling work: venues, rooms and meetings of the scenario."""
    return None
