from django.urls import path

from evidence import views

app_name = "evidence"
base = "inspections/<slug:slug>/"
urlpatterns = [
    path(f"{base}library/", views.library, name="library"),
    path(f"{base}library/status/", views.library_status, name="library-status"),
    path(f"{base}library/import/", views.library_import, name="library-import"),
    path(f"{base}library/export.xlsx", views.library_export, name="library-export"),
    path(f"{base}audits/", views.audits, name="audits"),
    path(f"{base}audits/import/", views.audits_import, name="audits-import"),
    path(f"{base}audits/<int:pk>/choose/", views.audit_choose, name="audit-choose"),
    path(f"{base}deep-dives/", views.deep_dives, name="deep-dives"),
    path(
        f"{base}deep-dives/<int:pk>/unchoose/", views.deep_dive_unchoose, name="deep-dive-unchoose"
    ),
    path(f"{base}deep-dives/parts/<int:pk>/", views.pack_part_update, name="pack-part"),
    path(f"{base}children/<str:child_id>/", views.child, name="child"),
]
