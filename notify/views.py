"""The coordinator's view of what the planner has sent: every message and what became of it,
those that failed first."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.db.models import Case, IntegerField, Value, When
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from inspections.access import inspection_for
from inspections.models import Role
from notify.delivery import MAX_ATTEMPTS
from notify.models import Message, MessageStatus


@login_required
def messages_log(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, Role.PROJECT_TEAM)
    rows = (
        Message.objects.filter(inspection=inspection)
        .select_related("person", "inspector")
        .annotate(
            failed_first=Case(
                When(status=MessageStatus.FAILED, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("failed_first", "-created_at", "-pk")
    )
    failed = Message.objects.filter(inspection=inspection, status=MessageStatus.FAILED).count()
    return render(
        request,
        "notify/messages.html",
        {
            "inspection": inspection,
            "rows": rows[:500],
            "failed": failed,
            "max_attempts": MAX_ATTEMPTS,
        },
    )
