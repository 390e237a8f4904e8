from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("calendars.urls")),
    path("", include("scheduling.urls")),
    path("", include("evidence.urls")),
    path("", include("annex_a.urls")),
    path("", include("inspections.urls")),
    path("", include("planner.urls")),
]
