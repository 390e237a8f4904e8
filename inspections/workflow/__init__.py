from inspections.workflow.template import (
    OWNER_ROLES,
    PHASES,
    TaskSpec,
    WorkflowError,
    WorkflowTemplate,
    expand_tasks,
    load_template,
    parse_template,
)

__all__ = [
    "OWNER_ROLES",
    "PHASES",
    "TaskSpec",
    "WorkflowError",
    "WorkflowTemplate",
    "expand_tasks",
    "load_template",
    "parse_template",
]
