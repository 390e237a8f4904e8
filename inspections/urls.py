from django.urls import path

from inspections import views

app_name = "inspections"
urlpatterns = [
    path("", views.home, name="home"),
    path("inspections/<slug:slug>/", views.overview, name="overview"),
    path("inspections/<slug:slug>/days/<int:day>/", views.day_sheet, name="day"),
    path("inspections/<slug:slug>/tasks/<int:pk>/status/", views.task_status, name="task-status"),
    path("inspections/<slug:slug>/people/import/", views.people_import, name="people-import"),
]
