from django.urls import path

from inspections import views

app_name = "inspections"
urlpatterns = [
    path("inspections/<slug:slug>/people/", views.people, name="people"),
    path("inspections/<slug:slug>/people/import/", views.people_import, name="people-import"),
    path("inspections/<slug:slug>/inspectors/", views.inspectors, name="inspectors"),
    path("inspections/<slug:slug>/members/", views.members, name="members"),
    path("inspections/<slug:slug>/members/<int:pk>/", views.member_change, name="member-change"),
]
