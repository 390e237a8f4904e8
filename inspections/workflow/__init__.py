from inspections.workflow.template import (
    EVENTS,
    OWNER_ROLES,
    PHASES,
    ConcreteTask,
    TaskSpec,
    WorkflowError,
    WorkflowTemplate,
    event_due_date,
    expand_tasks,
    load_template,
    parse_template,
)

__all__ = [
    "EVENTS",
    "OWNER_ROLES",
    "PHASES",
    "ConcreteTask",
    "TaskSpec",
    "WorkflowError",
    "WorkflowTemplate",
    "event_due_date",
    "expand_tasks",
    "load_template",
    "parse_template",
]
