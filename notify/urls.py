from django.urls import path

from notify import views

app_name = "notify"

urlpatterns = [
    path("inspections/<slug:slug>/messages/", views.messages_log, name="messages"),
    path(
        "inspections/<slug:slug>/messages/progress/",
        views.messages_progress,
        name="messages-progress",
    ),
    path("inspections/<slug:slug>/messages/choices/", views.choices, name="choices"),
    path(
        "inspections/<slug:slug>/messages/choices/inspector/<int:pk>/",
        views.choice_edit,
        {"kind": "inspector"},
        name="choice-inspector",
    ),
    path(
        "inspections/<slug:slug>/messages/choices/person/<int:pk>/",
        views.choice_edit,
        {"kind": "person"},
        name="choice-person",
    ),
    path("inspections/<slug:slug>/email/", views.my_choice, name="my-choice"),
]
