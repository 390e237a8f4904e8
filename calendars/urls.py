from django.urls import path, re_path

from calendars.views import feeds, pages
from calendars.views import lead_timetable as lead

app_name = "calendars"
urlpatterns = [
    re_path(r"^feeds/(?P<secret>[A-Za-z0-9_-]{20,100})\.ics$", feeds.feed, name="feed"),
    path("inspections/<slug:slug>/feeds/", feeds.links, name="links"),
    path("inspections/<slug:slug>/feeds/action/", feeds.link_action, name="link-action"),
    path("inspections/<slug:slug>/calendar/", pages.index, name="index"),
    path("inspections/<slug:slug>/calendar/days/<int:day>/", pages.day, name="day"),
    path(
        "inspections/<slug:slug>/calendar/days/<int:day>/run-sheet/",
        pages.run_sheet,
        name="run-sheet",
    ),
    path("inspections/<slug:slug>/calendar/weeks/<int:week>/", pages.week, name="week"),
    path("inspections/<slug:slug>/calendar/rooms/<slug:key>/", pages.room, name="room"),
    path("inspections/<slug:slug>/calendar/venues/<slug:key>/", pages.venue, name="venue"),
    path("inspections/<slug:slug>/calendar/people/<str:ref>/", pages.person, name="person"),
    path("inspections/<slug:slug>/calendar/lead-timetable/", lead.page, name="lead-timetable"),
]
