from inspections.views.people import inspectors, people, people_import

__all__ = ["inspectors", "people", "people_import"]
