def load_scenario_evidence(inspection, ctx):  # type: ignore[no-untyped-def]
    """Filled in by the evidence work: Annexe A lists, library, audits, deep dives."""
    return None
