from django.urls import path

from annex_a import views

app_name = "annex_a"
urlpatterns = [
    path("inspections/<slug:slug>/annex-a/", views.tracker, name="tracker"),
    path("inspections/<slug:slug>/annex-a/lists/<int:number>/", views.checklist, name="checklist"),
    path("inspections/<slug:slug>/annex-a/export.xlsx", views.export, name="export"),
    path("inspections/<slug:slug>/annex-a/checks/", views.upload, name="upload"),
    path("inspections/<slug:slug>/annex-a/checks/<int:pk>/", views.check_detail, name="check"),
    path(
        "inspections/<slug:slug>/annex-a/checks/<int:pk>/progress/",
        views.check_progress,
        name="check-progress",
    ),
]
