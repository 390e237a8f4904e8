from planner.views.dashboard import dashboard, healthz
from planner.views.days import day_sheet, days, home, task_status
from planner.views.hand_tasks import task_delete, task_edit, task_new
from planner.views.history import history, history_export
from planner.views.setup import inspection_settings, new_inspection
from planner.views.tasks import search_page, tasks

__all__ = [
    "dashboard",
    "day_sheet",
    "days",
    "healthz",
    "history",
    "history_export",
    "home",
    "inspection_settings",
    "new_inspection",
    "search_page",
    "task_delete",
    "task_edit",
    "task_new",
    "task_status",
    "tasks",
]
