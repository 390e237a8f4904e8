"""The coordinator's desk. Each area adds its own block of paths below (one block each:
requests, tracking, KITs and feedback, concerns, lines of enquiry)."""

from django.urls import path  # noqa: F401 - used by the blocks below

app_name = "desk"
base = "inspections/<slug:slug>/"
urlpatterns: list = []

# --- requests ---

# --- case tracking ---

# --- KITs and feedback ---

# --- concerns ---

# --- lines of enquiry ---
