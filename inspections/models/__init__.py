from inspections.models.inspection import Inspection, InspectionType
from inspections.models.people import Inspector, InspectorRole, Person, PersonKind, PersonRole
from inspections.models.tasks import Task, TaskQuerySet, TaskStatus

__all__ = [
    "Inspection",
    "InspectionType",
    "Inspector",
    "InspectorRole",
    "Person",
    "PersonKind",
    "PersonRole",
    "Task",
    "TaskQuerySet",
    "TaskStatus",
]
