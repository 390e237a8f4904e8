from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

from inspections.access import sees_concerns
from inspections.models import Inspection, Role
from planner.navigation import evidence_nav, inspection_slug, nav_items


def _sees_concerns(request: HttpRequest, slug: str, role: Role | None) -> bool:
    """The Concerns link: coordinators always (no query); a member below them only when a
    senior leader, asked through the one rule (inspections.access.sees_concerns)."""
    if role is None:
        return False
    if role.allows(Role.COORDINATOR):
        return True
    inspection = Inspection.objects.filter(slug=slug).first()
    return inspection is not None and sees_concerns(request.user, inspection)


def council(request: HttpRequest) -> dict[str, object]:
    context: dict[str, object] = {
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        # countdowns in the browser count from the server's clock, not the client's
        "SERVER_NOW": timezone.now().isoformat(timespec="seconds"),
    }
    slug = inspection_slug(request)
    if slug and getattr(request, "user", None) and request.user.is_authenticated:
        context["nav_slug"] = slug
        # the role the page's inspection_for found: no query of its own
        role = getattr(request, "inspection_role", None)
        context["nav_items"] = nav_items(
            slug, request.path, role, concerns=_sees_concerns(request, slug, role)
        )
        context["evidence_nav"] = evidence_nav(slug, role)
    return context
