"""The private .ics feeds, and the page where the project team manages their links."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import get_conditional_response
from django.utils.http import http_date
from django.views.decorators.http import require_http_methods, require_POST

from calendars import publishing, tokens
from calendars.forms import FeedLinkActionForm
from calendars.models import FeedToken
from inspections.access import inspection_for
from inspections.history import latest_changes
from inspections.models import Inspection, Role

# Clients poll hourly; a short private max-age lets them reuse a copy, then revalidate (304).
CACHE_CONTROL = "private, max-age=300, must-revalidate"


@require_http_methods(["GET", "HEAD"])
def feed(request: HttpRequest, secret: str) -> HttpResponse:
    token = tokens.find_active(secret)
    if token is None:
        raise Http404("No such feed.")
    # The ETag and Last-Modified come from the feed's inputs: a poll that has the feed already
    # is answered 304 before anything is built or fetched from the cache.
    state = publishing.state_for_token(token)
    last_modified = int(state.last_modified.timestamp())
    response = get_conditional_response(request, etag=state.etag, last_modified=last_modified)
    if response is None:
        body = publishing.body_for(state)
        response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'inline; filename="{state.filename}"'
    response["ETag"] = state.etag
    response["Last-Modified"] = http_date(last_modified)
    response["Cache-Control"] = CACHE_CONTROL
    response["X-Robots-Tag"] = "noindex, nofollow"
    response["Referrer-Policy"] = "no-referrer"
    return response


def _absolute(request: HttpRequest, path: str) -> str:
    return request.build_absolute_uri(path)


@login_required
def links(request: HttpRequest, slug: str) -> HttpResponse:
    # every secret, the whole-inspection feed's among them: coordinators only
    return _links_page(request, inspection_for(request, slug, need=Role.COORDINATOR))


def _links_page(
    request: HttpRequest,
    inspection: Inspection,
    shown: FeedToken | None = None,
    form: FeedLinkActionForm | None = None,
) -> HttpResponse:
    rows = tokens.listing(inspection)
    shown_url = _absolute(request, tokens.feed_path(shown)) if shown else ""
    return render(
        request,
        "calendars/links.html",
        {
            "inspection": inspection,
            "rows": rows,
            "missing": sum(1 for _, t in rows if t is None),
            "orphans": tokens.orphans(inspection, [sub for sub, _ in rows]),
            "shown": shown,
            "shown_url": shown_url,
            "shown_webcal": shown_url.replace("https://", "webcal://").replace(
                "http://", "webcal://"
            ),
            "form": form,
            # shown, regenerated, revoked: by whom and when
            "history": latest_changes(FeedToken.history.filter(inspection_id=inspection.pk)),  # type: ignore[attr-defined]
        },
        status=400 if form is not None and form.errors else 200,
    )


@login_required
@require_POST
def link_action(request: HttpRequest, slug: str) -> HttpResponse:
    inspection = inspection_for(request, slug, need=Role.COORDINATOR)
    form = FeedLinkActionForm(request.POST)
    if not form.is_valid():
        return _links_page(request, inspection, form=form)
    action = form.cleaned_data["action"]
    if action == "create":
        created = len(tokens.ensure_tokens(inspection, actor=request.user))
        messages.success(request, f"Every subscriber has a feed link ({created} links).")
        return redirect("calendars:links", slug=slug)
    token = FeedToken.objects.filter(inspection=inspection, pk=form.cleaned_data["token"]).first()
    if token is None:
        messages.error(request, "That feed link no longer exists: reload the page and try again.")
        return redirect("calendars:links", slug=slug)
    if action == "show":
        if token.is_revoked:
            messages.error(request, f"The link for {token.label} is revoked: regenerate it first.")
            return redirect("calendars:links", slug=slug)
        token = tokens.show(token, actor=request.user)  # recorded: who saw the secret, when
        return _links_page(request, inspection, shown=token)
    if action == "regenerate":
        token = tokens.regenerate(token, actor=request.user)
        messages.success(request, f"New link for {token.label}: the old one no longer works.")
        return _links_page(request, inspection, shown=token)
    tokens.revoke(token, actor=request.user)  # the form allows no other action
    messages.success(request, f"The link for {token.label} is revoked.")
    return redirect("calendars:links", slug=slug)
