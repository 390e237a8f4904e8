"""The lead inspector's timetable: the published release as a workbook (a sheet a day, a column
per inspector) and a printable page, the coordinator's only."""

import io
import re
from html import unescape

from django.core.management import call_command
from django.test import Client
from office import convert_with_libreoffice
from openpyxl import load_workbook

from evidence.models import Audit, DeepDive
from inspections.calendar import LONDON
from inspections.models import Inspector, Person, Role
from scheduling.models import Release, Travel

SLUG = "shropshire-2025"
URL = f"/inspections/{SLUG}/calendar/lead-timetable/"
DAY = 7
# Shropshire 2025: day one Monday 16 June; the inspectors are on site in weeks 2 and 3.
ONSITE_DAYS = list(range(6, 16))


def _opened_by_libreoffice(path, tmp_path):
    """The workbook as LibreOffice reads and saves it again."""
    return load_workbook(convert_with_libreoffice(path, "xlsx", tmp_path / "lo", tmp_path))


def _release_rows_on(inspection, day):
    """The latest release's Meeting rows starting on that day (UK time), by start, read
    straight from the database."""
    date = inspection.calendar.date_for_day(day)
    release = Release.objects.filter(inspection=inspection).order_by("-number").first()
    rows = [rm for rm in release.meetings.all() if rm.start.astimezone(LONDON).date() == date]
    return sorted(rows, key=lambda rm: rm.start)


def _expected_travel(inspection, rows, ref):
    """First line of each of the inspector's meetings -> its travel line: the drive from the
    last venue they were at that day (Teams meetings go nowhere), from the Travel rows."""
    minutes = {}
    for t in Travel.objects.filter(origin__inspection=inspection):
        minutes[(t.origin.name, t.destination.name)] = t.minutes
        minutes[(t.destination.name, t.origin.name)] = t.minutes
    out, last = {}, None
    for rm in rows:
        if not any(i["ref"] == ref for i in rm.inspectors):
            continue
        line = None
        if rm.mode != "teams" and rm.venue:
            if last and last != rm.venue:
                line = f"Travel: {minutes[(last, rm.venue)]} min from {last}"
            last = rm.venue
        out[_line(rm)] = line
    return out


def _child_ids_known(inspection):
    """Every child ID the inspection holds: the timetable's and the evidence trackers'."""
    release = Release.objects.filter(inspection=inspection).order_by("-number").first()
    ids = {c for rm in release.meetings.all() for c in rm.child_ids}
    ids |= set(Audit.objects.filter(inspection=inspection).values_list("child_id", flat=True))
    ids |= set(DeepDive.objects.filter(inspection=inspection).values_list("child_id", flat=True))
    return ids


def _line(rm):
    return f"{rm.start.astimezone(LONDON):%H:%M}–{rm.end.astimezone(LONDON):%H:%M} {rm.title}"


def _columns(sheet):
    """Header -> the non-empty cells below it."""
    rows = list(sheet.iter_rows(values_only=True))
    return {h: [r[i] for r in rows[1:] if r[i]] for i, h in enumerate(rows[0])}


def test_the_day_7_workbook_holds_each_inspectors_published_meetings(
    published, tmp_path, member_client
):
    path = tmp_path / "day7.xlsx"
    call_command(
        "lead_timetable", SLUG, "--day", str(DAY), "--out", str(path), stdout=io.StringIO()
    )
    book = _opened_by_libreoffice(path, tmp_path)
    assert len(book.sheetnames) == 1
    columns = _columns(book.worksheets[0])

    rows = _release_rows_on(published, DAY)
    labels = {
        i.ref: f"{i.full_name} ({i.get_role_display()})"
        for i in Inspector.objects.filter(inspection=published)
    }
    expected = {}
    for rm in rows:
        for who in rm.inspectors:
            expected.setdefault(labels[who["ref"]], []).append(_line(rm))
        if not rm.inspectors:
            expected.setdefault("No inspector", []).append(_line(rm)[:11])
    shown = {
        h: sorted(c.split("\n")[0] if h != "No inspector" else c[:11] for c in cells)
        for h, cells in columns.items()
        if cells and not h.startswith("Start")
    }
    # every meeting of the day, each in the column of every inspector in it, and no other
    assert shown == {h: sorted(lines) for h, lines in expected.items()}

    # child IDs only in the meetings the column's inspector attends
    by_line = {}
    for rm in rows:
        by_line.setdefault(_line(rm), set()).update(rm.child_ids)
    known = _child_ids_known(published)
    seen = set()
    for h, cells in columns.items():
        for cell in cells:
            ids = {c for c in known if re.search(rf"(?<![\w-]){re.escape(c)}(?![\w-])", cell)}
            attended = h in labels.values()
            allowed = by_line.get(cell.split("\n")[0], set()) if attended else set()
            assert ids <= allowed, (h, cell)
            seen |= ids
    assert seen == {c for rm in rows if rm.inspectors for c in rm.child_ids}
    assert seen  # day 7 has case work: the check above is not vacuous

    # council staff and partners by role: no person's name anywhere (a child has none here)
    text = "\n".join(str(c) for cells in columns.values() for c in cells)
    inspector_names = {i.full_name for i in Inspector.objects.filter(inspection=published)}
    names = (
        set(Person.objects.filter(inspection=published).values_list("full_name", flat=True))
        - inspector_names
    )
    assert [n for n in names if n in text] == []

    # travel between venues, from the travel matrix
    travel_lines = []
    for ref, label in labels.items():
        shown_travel = {
            c.split("\n")[0]: next((x for x in c.split("\n") if x.startswith("Travel: ")), None)
            for c in columns.get(label, [])
        }
        assert shown_travel == _expected_travel(published, rows, ref), label
        travel_lines += [x for x in shown_travel.values() if x]
    assert travel_lines  # someone drives between venues on day 7: the check is not vacuous

    # the whole on-site fortnight: a sheet a day
    whole = tmp_path / "fortnight.xlsx"
    call_command("lead_timetable", SLUG, "--out", str(whole), stdout=io.StringIO())
    titles = load_workbook(whole).sheetnames
    assert [int(t.split()[1]) for t in titles] == ONSITE_DAYS

    # the printable page and the download, for the coordinator
    coordinator = member_client(published, Role.COORDINATOR)
    page = coordinator.get(URL, {"day": DAY})
    assert page.status_code == 200
    html = unescape(page.content.decode())
    assert [n for n in names if n in html] == []
    assert all(_line(rm).split(" ", 1)[1] in html for rm in rows if rm.inspectors)
    download = coordinator.get(URL, {"day": DAY, "format": "xlsx"})
    assert download.status_code == 200
    assert download["Content-Disposition"] == (
        f'attachment; filename="{SLUG}-lead-timetable-day-{DAY}.xlsx"'
    )
    assert load_workbook(io.BytesIO(download.content)).sheetnames == book.sheetnames


def test_only_the_coordinator_sees_it_and_only_once_published(
    scenario, member_client, django_user_model
):
    coordinator = member_client(scenario, Role.COORDINATOR)
    index = coordinator.get(f"/inspections/{SLUG}/calendar/").content.decode()
    assert URL in index
    team = member_client(scenario, Role.PROJECT_TEAM)
    assert URL not in team.get(f"/inspections/{SLUG}/calendar/").content.decode()
    statuses = {
        role: member_client(scenario, role).get(URL, {"day": DAY}).status_code
        for role in (Role.PROJECT_TEAM, Role.STAFF, Role.VIEWER)
    }
    assert statuses == {Role.PROJECT_TEAM: 403, Role.STAFF: 403, Role.VIEWER: 403}
    assert member_client(scenario, Role.VIEWER).get(URL, {"format": "xlsx"}).status_code == 403
    outsider = Client()
    outsider.force_login(django_user_model.objects.create_user("outsider"))
    assert outsider.get(URL).status_code == 404
    # nothing to show before the first release: the draft is never the lead's timetable
    before = coordinator.get(URL, {"day": DAY})
    assert before.status_code == 404
    assert "No timetable has been published yet" in before.content.decode()
