from django.urls import path

from council import views

app_name = "council"
urlpatterns = [
    path("councils/<slug:council>/", views.council_page, name="page"),
    path("councils/<slug:council>/readiness/", views.readiness, name="readiness"),
    path(
        "councils/<slug:council>/readiness/<slug:key>/reviewed/",
        views.readiness_reviewed,
        name="reviewed",
    ),
    path(
        "councils/<slug:council>/readiness/<slug:key>/edit/",
        views.readiness_edit,
        name="edit",
    ),
]
