from django.urls import path

from notify import views

app_name = "notify"

urlpatterns = [
    path("inspections/<slug:slug>/messages/", views.messages_log, name="messages"),
]
