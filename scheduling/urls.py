from django.urls import path

from scheduling import observation_views, plan_views, rooms, views

app_name = "scheduling"
base = "inspections/<slug:slug>/meetings/"
urlpatterns = [
    path("inspections/<slug:slug>/rooms/", rooms.rooms, name="rooms"),
    path(base, views.meeting_list, name="meetings"),
    path(base + "new/", views.meeting_new, name="meeting-new"),
    path(base + "observations/new/", observation_views.observation_new, name="observation-new"),
    path(base + "<int:pk>/consent/", observation_views.meeting_consent, name="meeting-consent"),
    path(base + "<int:pk>/", views.meeting_detail, name="meeting"),
    path(base + "<int:pk>/plan/", views.meeting_plan, name="meeting-plan"),
    path(base + "<int:pk>/edit/", views.meeting_edit, name="meeting-edit"),
    path(base + "<int:pk>/check/", views.meeting_check, name="meeting-check"),
    path(base + "<int:pk>/status/", views.meeting_status, name="meeting-status"),
    path(base + "plan/", plan_views.plan_page, name="plan"),
    path(base + "plan/start/", plan_views.plan_start, name="plan-start"),
    path(base + "plan/runs/<int:run_pk>/", plan_views.plan_run, name="plan-run"),
    path(base + "absence/", plan_views.absence, name="absence"),
    path(base + "releases/", plan_views.releases, name="releases"),
    path(base + "releases/publish/", plan_views.release_publish, name="release-publish"),
]
