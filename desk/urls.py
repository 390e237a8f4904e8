"""The coordinator's desk. Each area adds its own block of paths below (one block each:
requests, tracking, KITs and feedback, concerns, lines of enquiry)."""

from django.urls import path  # noqa: F401 - used by the blocks below

app_name = "desk"
base = "inspections/<slug:slug>/"
urlpatterns: list = []

# --- requests ---
from desk.views import requests as request_views  # noqa: E402

urlpatterns += [
    path(f"{base}requests/", request_views.requests_log, name="requests"),
    path(f"{base}requests/export.xlsx", request_views.requests_export, name="requests-export"),
    path(f"{base}requests/<int:number>/", request_views.request_detail, name="request"),
]

# --- case tracking ---
from desk.views import tracking as tracking_views  # noqa: E402

urlpatterns += [
    path(f"{base}tracking/", tracking_views.tracking_list, name="tracking"),
    path(f"{base}tracking/new/", tracking_views.tracking_new, name="tracking-new"),
    path(f"{base}tracking/<int:pk>/slot/", tracking_views.tracking_slot, name="tracking-slot"),
    path(
        f"{base}tracking/<int:pk>/accept/", tracking_views.tracking_accept, name="tracking-accept"
    ),
]

# --- KITs and feedback ---
from desk.views import feedback as feedback_views  # noqa: E402
from desk.views import kits as kit_views  # noqa: E402

urlpatterns += [
    path(f"{base}kits/", kit_views.kits, name="kits"),
    path(f"{base}kits/<int:pk>/", kit_views.kit, name="kit"),
    path(f"{base}kits/<int:pk>/notes/", kit_views.kit_notes, name="kit-notes"),
    path(f"{base}kits/<int:pk>/actions/", kit_views.kit_action_add, name="kit-action-add"),
    path(
        f"{base}kits/<int:pk>/actions/<int:action_pk>/status/",
        kit_views.kit_action_status,
        name="kit-action-status",
    ),
    path(f"{base}kits/<int:pk>/agenda/", kit_views.kit_agenda, name="kit-agenda"),
    path(f"{base}feedback/", feedback_views.feedback_rollup, name="feedback-rollup"),
    path(
        f"{base}feedback/meetings/<int:pk>/",
        feedback_views.meeting_feedback,
        name="meeting-feedback",
    ),
    path(f"{base}feedback/<int:pk>/edit/", feedback_views.feedback_edit, name="feedback-edit"),
]

# --- concerns ---
from desk.views import concerns as concern_views  # noqa: E402

urlpatterns += [
    path(f"{base}concerns/", concern_views.concern_list, name="concerns"),
    path(f"{base}concerns/new/", concern_views.concern_new, name="concern-new"),
    path(f"{base}concerns/export.xlsx", concern_views.concerns_export, name="concerns-export"),
    path(f"{base}concerns/<int:number>/", concern_views.concern_detail, name="concern"),
    path(
        f"{base}concerns/<int:number>/actions/",
        concern_views.concern_action,
        name="concern-action",
    ),
    path(
        f"{base}concerns/<int:number>/actions/done/",
        concern_views.concern_action_done,
        name="concern-action-done",
    ),
    path(
        f"{base}concerns/<int:number>/outcome/",
        concern_views.concern_outcome,
        name="concern-outcome",
    ),
    path(f"{base}concerns/<int:number>/close/", concern_views.concern_close, name="concern-close"),
]

# --- lines of enquiry ---
from desk.views import lines as line_views  # noqa: E402

urlpatterns += [
    path(f"{base}lines/", line_views.line_list, name="lines"),
    path(f"{base}lines/new/", line_views.line_new, name="line-new"),
    path(f"{base}lines/<slug:ref>/", line_views.line_detail, name="line"),
    path(f"{base}lines/<slug:ref>/edit/", line_views.line_edit, name="line-edit"),
    path(f"{base}lines/<slug:ref>/link/", line_views.line_link, name="line-link"),
]
