from inspections.models.inspection import Inspection, InspectionType
from inspections.models.membership import ROLE_ORDER, Membership, Role
from inspections.models.people import Inspector, InspectorRole, Person, PersonKind, PersonRole
from inspections.models.tasks import Task, TaskQuerySet, TaskStatus

__all__ = [
    "Inspection",
    "InspectionType",
    "Inspector",
    "InspectorRole",
    "Membership",
    "Person",
    "PersonKind",
    "PersonRole",
    "ROLE_ORDER",
    "Role",
    "Task",
    "TaskQuerySet",
    "TaskStatus",
]
