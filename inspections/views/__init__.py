from inspections.views.core import day_sheet, days, home, people_import, task_status
from inspections.views.dashboard import dashboard, healthz
from inspections.views.pages import inspectors, people, rooms, search_page, tasks
from inspections.views.setup import inspection_settings, new_inspection

__all__ = [
    "dashboard",
    "day_sheet",
    "days",
    "healthz",
    "home",
    "inspection_settings",
    "inspectors",
    "new_inspection",
    "people",
    "people_import",
    "rooms",
    "search_page",
    "task_status",
    "tasks",
]
