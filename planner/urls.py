from django.urls import path, register_converter

from planner import views


class DayConverter:
    """Working day numbers: day 1 is day one, negative days fall before it (at most 4 digits,
    so no URL asks the calendar to count millions of working days)."""

    regex = r"-?[0-9]{1,4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(DayConverter, "day")

app_name = "planner"
urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    # before the dashboard: "new" would otherwise be read as a slug
    path("inspections/new/", views.new_inspection, name="new"),
    path("inspections/<slug:slug>/", views.dashboard, name="dashboard"),
    path("inspections/<slug:slug>/days/", views.days, name="days"),
    path("inspections/<slug:slug>/days/<day:day>/", views.day_sheet, name="day"),
    path("inspections/<slug:slug>/tasks/", views.tasks, name="tasks"),
    path("inspections/<slug:slug>/tasks/<int:pk>/status/", views.task_status, name="task-status"),
    path("inspections/<slug:slug>/tasks/new/", views.task_new, name="task-new"),
    path("inspections/<slug:slug>/tasks/<int:pk>/edit/", views.task_edit, name="task-edit"),
    path("inspections/<slug:slug>/tasks/<int:pk>/delete/", views.task_delete, name="task-delete"),
    path("inspections/<slug:slug>/settings/", views.inspection_settings, name="settings"),
    path("inspections/<slug:slug>/search/", views.search_page, name="search"),
    path("inspections/<slug:slug>/history/", views.history, name="history"),
    path(
        "inspections/<slug:slug>/history/export.xlsx",
        views.history_export,
        name="history-export",
    ),
]
