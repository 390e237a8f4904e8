"""What the signed-in user may do on the page's inspection, so a page offers only the buttons
their role can use (the views and services refuse the rest anyway).

    {% load roles %}{% may "project_team" as can_edit %}{% if can_edit %}...{% endif %}
    {% may_tick task as tickable %}
"""

from __future__ import annotations

from typing import Any

from django import template

from inspections.access import can
from inspections.models import Role, Task
from inspections.services.tasks import may_change_status

register = template.Library()


@register.simple_tag(takes_context=True)
def may(context: template.Context, need: str) -> bool:
    request, inspection = context.get("request"), context.get("inspection")
    if request is None or inspection is None:
        return False
    return can(request.user, inspection, Role(need))


@register.simple_tag(takes_context=True)
def may_tick(context: template.Context, task: Task) -> bool:
    request, inspection = context.get("request"), context.get("inspection")
    if request is None:
        return False
    # the page's inspection, so no row costs a query for its task's
    known: Any = (
        inspection if inspection is not None and inspection.pk == task.inspection_id else None
    )
    return may_change_status(request.user, task, inspection=known)
