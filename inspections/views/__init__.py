from inspections.views.members import member_change, members
from inspections.views.people import inspectors, people, people_import

__all__ = ["inspectors", "member_change", "members", "people", "people_import"]
