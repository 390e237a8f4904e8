from django.urls import path

from aftermath import views

app_name = "aftermath"
base = "inspections/<slug:slug>/aftermath/"
urlpatterns = [
    path(base, views.aftermath, name="index"),
    path(f"{base}events/<str:kind>/", views.event, name="event"),
    path(f"{base}events/<str:kind>/clear/", views.event_clear, name="event-clear"),
    path(f"{base}comments/new/", views.comment_new, name="comment-new"),
    path(f"{base}comments/<int:pk>/", views.comment_edit, name="comment-edit"),
    path(f"{base}comments/<int:pk>/delete/", views.comment_delete, name="comment-delete"),
    path(f"{base}comments/export.xlsx", views.comments_export, name="comments-export"),
]
