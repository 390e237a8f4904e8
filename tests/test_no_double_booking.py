"""No double booking: one writer at a time per timetable, and on PostgreSQL the database itself
refuses a room, an inspector or a person in two live meetings at once, whoever writes them."""

import datetime as dt
import io
import threading
from types import SimpleNamespace

import pytest
from django import forms
from django.core.management import call_command
from django.db import IntegrityError, OperationalError, connection, transaction

from inspections.calendar import LONDON, to_utc
from inspections.models import Inspection, Inspector, Person
from scheduling import solver
from scheduling.catalogue import load_meeting_types
from scheduling.conflicts import PlanConflict, refuse_double_booking
from scheduling.creating import NewMeeting, add_meeting
from scheduling.editing import Proposal, mark_inspector_absent, move_meeting, set_status
from scheduling.locks import lock_schedule
from scheduling.models import (
    Booking,
    Meeting,
    MeetingStatus,
    MeetingType,
    PlanRun,
    PlanRunStatus,
    Room,
    Venue,
)
from scheduling.planning import apply_solution, build_problem
from scheduling.releases import publish
from scheduling.runs import execute_plan_run

postgres_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="PostgreSQL only: exclusion constraints, row locks and concurrent connections "
    "(CI runs the whole suite on PostgreSQL as its second half)",
)

MONDAY = dt.date(2025, 6, 23)  # day 6, on site
CROWD = 20


def at(hh, mm=0, date=MONDAY):
    return to_utc(date, dt.time(hh, mm))


def _inspection(slug, inspectors, people, rooms):
    load_meeting_types()
    insp = Inspection.objects.create(
        slug=slug, title=slug.title(), local_authority="Test", day_one=dt.date(2025, 6, 16)
    )
    hub = Venue.objects.create(inspection=insp, ref="hub", name="Hub", kind="hub")
    return SimpleNamespace(
        inspection=insp,
        inspectors=[
            Inspector.objects.create(
                inspection=insp,
                ref=f"i{n}",
                full_name=f"Inspector {n}",
                role="team",
                onsite_days=[6, 7],
            )
            for n in range(inspectors)
        ],
        people=[
            Person.objects.create(
                inspection=insp, ref=f"p{n}", full_name=f"Person {n}", kind="practitioner"
            )
            for n in range(people)
        ],
        rooms=[
            Room.objects.create(venue=hub, ref=f"r{n}", name=f"Room {n}", capacity=6)
            for n in range(rooms)
        ],
    )


def _meeting(ns, ref, attendees, **kw):
    m = Meeting.objects.create(
        inspection=ns.inspection,
        ref=ref,
        meeting_type=MeetingType.objects.get(key="case_discussion"),
        title=ref,
        duration=60,
        mode="in_person",
        inspector_rule="any",
        inspectors_needed=1,
        window_days=[6, 7],
        **kw,
    )
    m.attendees.set(attendees)
    return m


def _crowd(resource):
    """20 unplaced meetings and, for each, a move to Monday 10:00 that clashes with the others
    only on `resource`: one room, one inspector, or one person who attends them all."""
    ns = _inspection("crowd", CROWD, CROWD, CROWD)
    moves = []
    for n in range(CROWD):
        person = ns.people[0] if resource == "person" else ns.people[n]
        m = _meeting(ns, f"meeting-{n:02d}", [person])
        room = ns.rooms[0] if resource == "room" else ns.rooms[n]
        inspector = ns.inspectors[0] if resource == "inspector" else ns.inspectors[n]
        moves.append((m, Proposal(at(10), room, (inspector,))))
    ns.moves = moves
    ns.held = {
        "room": "Room 0, Hub is booked for",
        "inspector": "Inspector Inspector 0 is in",
        "person": "Person 0 is in",
    }[resource]
    return ns


def _move(meeting, proposal):
    return move_meeting(meeting, proposal, opened_version=meeting.version)


def _one_after_another(calls):
    out = []
    for call in calls:
        try:
            out.append(call())
        except Exception as exc:  # noqa: BLE001 - the test sorts the outcomes
            out.append(exc)
    return out


def _all_at_once(calls):
    """Each call in its own thread and database connection, released together."""
    barrier = threading.Barrier(len(calls))
    out: list[object] = [None] * len(calls)

    def run(i, call):
        try:
            barrier.wait()
            out[i] = call()
        except Exception as exc:  # noqa: BLE001 - the test sorts the outcomes
            out[i] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return out


def _assert_one_saved_and_the_rest_refused(ns, resource, outcomes):
    saved = [o for o in outcomes if isinstance(o, Meeting)]
    refused = [o for o in outcomes if isinstance(o, PlanConflict)]
    assert (len(saved), len(refused)) == (1, CROWD - 1), outcomes
    winner = saved[0].title
    for (meeting, _), outcome in zip(ns.moves, outcomes, strict=True):
        if outcome is saved[0]:
            continue
        loser = meeting.title
        assert outcome.args[0] == "That change breaks these rules, so it was not saved:"
        assert [v.message for v in outcome.violations] in (
            [f"{ns.held} '{winner}' and '{loser}' at once (day 6 10:00)."],
            [f"{ns.held} '{loser}' and '{winner}' at once (day 6 10:00)."],
        )
    placed = Meeting.objects.for_inspection(ns.inspection).placed()
    assert list(placed.values_list("pk", flat=True)) == [saved[0].pk]
    out = io.StringIO()
    call_command("check_plan", "crowd", stdout=out)
    assert out.getvalue().splitlines()[0] == "Crowd: 0 hard-rule violation(s)."


@pytest.mark.parametrize("resource", ["room", "inspector", "person"])
def test_moves_into_one_slot_one_after_another_leave_one_saved(db, resource):
    ns = _crowd(resource)
    outcomes = _one_after_another([lambda m=m, p=p: _move(m, p) for m, p in ns.moves])
    assert isinstance(outcomes[0], Meeting)
    _assert_one_saved_and_the_rest_refused(ns, resource, outcomes)


@postgres_only
@pytest.mark.parametrize("resource", ["room", "inspector", "person"])
def test_twenty_moves_into_one_slot_at_once_leave_one_saved(transactional_db, resource):
    ns = _crowd(resource)
    outcomes = _all_at_once([lambda m=m, p=p: _move(m, p) for m, p in ns.moves])
    _assert_one_saved_and_the_rest_refused(ns, resource, outcomes)


def test_the_schedule_lock_needs_a_transaction(transactional_db):
    ns = _inspection("solo", 1, 1, 1)
    with pytest.raises(RuntimeError, match="in a transaction"):
        lock_schedule(ns.inspection.pk)


def test_restoring_a_cancelled_meeting_into_a_taken_slot_is_refused(db):
    ns = _inspection("restore", 2, 2, 1)
    a = _meeting(ns, "a", [ns.people[0]])
    b = _meeting(ns, "b", [ns.people[1]])
    a = _move(a, Proposal(at(10), ns.rooms[0], (ns.inspectors[0],)))
    a = set_status(a, MeetingStatus.CANCELLED, opened_version=a.version)
    _move(b, Proposal(at(10), ns.rooms[0], (ns.inspectors[1],)))  # the freed slot
    with pytest.raises(PlanConflict) as exc:
        set_status(a, MeetingStatus.PLANNED, opened_version=a.version)
    assert [v.message for v in exc.value.violations] == [
        "Room 0, Hub is booked for 'a' and 'b' at once (day 6 10:00)."
    ]
    assert Meeting.objects.get(pk=a.pk).status == MeetingStatus.CANCELLED


# -- a plan written on top of edits made during the solve --------------------------------------
def test_a_plan_that_clashes_with_an_edit_made_during_the_solve_is_refused(db, monkeypatch):
    ns = _inspection("solve", 3, 3, 1)
    room = ns.rooms[0]
    a = _move(_meeting(ns, "a", [ns.people[0]]), Proposal(at(10), room, (ns.inspectors[0],)))
    b = _move(_meeting(ns, "b", [ns.people[1]]), Proposal(at(15), room, (ns.inspectors[1],)))
    c = _meeting(ns, "c", [ns.people[2]])  # new: the re-plan places it
    replan = solver.replan

    def someone_moves_b_into_cs_slot(problem, previous, **kwargs):
        solution = replan(problem, previous, **kwargs)
        slot = solution.placements[str(c.pk)]
        free = next(i for i in ns.inspectors[1:] if i.ref not in slot.inspectors)
        start = problem.epoch + dt.timedelta(minutes=slot.start)
        _move(Meeting.objects.get(pk=b.pk), Proposal(start, room, (free,)))
        return solution

    monkeypatch.setattr(solver, "replan", someone_moves_b_into_cs_slot)
    run = PlanRun.objects.create(inspection=ns.inspection, time_limit=2)
    run = execute_plan_run(run.pk)
    assert run.status == PlanRunStatus.FAILED
    assert run.error.startswith("The plan clashes with changes saved while it was being worked")
    assert "Room 0, Hub is booked for " in run.error and "at once" in run.error
    assert Meeting.objects.get(pk=c.pk).start is None  # nothing of the plan was written
    assert Meeting.objects.get(pk=a.pk).start == at(10)


def test_a_plan_with_nothing_new_against_it_is_written(db):
    ns = _inspection("clean", 2, 2, 1)
    m = _meeting(ns, "a", [ns.people[0]])
    problem = build_problem(ns.inspection)
    moves, skipped = apply_solution(ns.inspection, problem, solver.greedy(problem))
    assert ([mv.meeting_id for mv in moves], skipped) == ([m.pk], [])
    assert Meeting.objects.get(pk=m.pk).start is not None


# -- every path takes the lock (PostgreSQL: a held lock makes the path wait) --------------------
def _paths(ns):
    m = _meeting(ns, "a", [ns.people[0]])
    m = _move(m, Proposal(at(10), ns.rooms[0], (ns.inspectors[0],)))
    problem = build_problem(ns.inspection)
    mtype = MeetingType.objects.get(key="case_discussion")
    return {
        "move": lambda: _move(m, Proposal(at(11), ns.rooms[0], (ns.inspectors[0],))),
        "confirm": lambda: set_status(m, MeetingStatus.CONFIRMED, opened_version=m.version),
        "cancel": lambda: set_status(m, MeetingStatus.CANCELLED, opened_version=m.version),
        "absent": lambda: mark_inspector_absent(ns.inspection, ns.inspectors[0], 7),
        "apply": lambda: apply_solution(ns.inspection, problem, solver.greedy(problem)),
        "publish": lambda: publish(ns.inspection),
        "add": lambda: add_meeting(ns.inspection, NewMeeting(mtype, "New")),
    }


@postgres_only
@pytest.mark.parametrize("path", ["move", "confirm", "cancel", "absent", "apply", "publish", "add"])
def test_every_schedule_write_waits_for_the_lock(transactional_db, path):
    ns = _inspection("locked", 1, 1, 1)
    call = _paths(ns)[path]
    holding, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                lock_schedule(ns.inspection.pk)
                holding.set()
                release.wait()
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert holding.wait(timeout=60)
        with connection.cursor() as cursor:
            cursor.execute("SET lock_timeout = '200ms'")  # give up waiting, rather than hang
        with pytest.raises(OperationalError, match="lock timeout"):
            call()
    finally:
        release.set()
        holder.join()
        with connection.cursor() as cursor:
            cursor.execute("RESET lock_timeout")
    call()  # and goes ahead once the lock is free


# -- the database refuses what bypasses the app (PostgreSQL) -------------------------------------
def _placed_a(ns):
    a = _meeting(ns, "a", [ns.people[0]])
    a = _move(a, Proposal(at(10), ns.rooms[0], (ns.inspectors[0],)))
    return a


def _overlapping_insert(ns, resource):
    person = ns.people[0] if resource == "person" else ns.people[1]
    b = Meeting.objects.create(
        inspection=ns.inspection,
        ref="b",
        meeting_type=MeetingType.objects.get(key="case_discussion"),
        title="b",
        duration=60,
        mode="in_person",
        inspector_rule="any",
        inspectors_needed=1,
        status=MeetingStatus.PLANNED,
        start=at(10, 30),
        end=at(11, 30),
        room=ns.rooms[0] if resource == "room" else ns.rooms[1],
    )
    b.attendees.set([person])
    b.assigned_inspectors.set([ns.inspectors[0] if resource == "inspector" else ns.inspectors[1]])


@postgres_only
@pytest.mark.parametrize("resource", ["room", "inspector", "person"])
def test_an_overlapping_insert_through_the_orm_is_refused(transactional_db, resource):
    ns = _inspection("orm", 2, 2, 2)
    _placed_a(ns)
    with pytest.raises(IntegrityError, match="exclusion constraint"), transaction.atomic():
        _overlapping_insert(ns, resource)
    assert list(Meeting.objects.values_list("ref", flat=True)) == ["a"]


@postgres_only
@pytest.mark.parametrize("resource", ["room", "inspector", "person"])
def test_an_update_through_the_orm_cannot_bypass_the_constraint(transactional_db, resource):
    ns = _inspection("update", 2, 2, 2)
    a = _placed_a(ns)
    b = _meeting(ns, "b", [ns.people[0] if resource == "person" else ns.people[1]])
    b = _move(b, Proposal(at(14), ns.rooms[0], (ns.inspectors[0],)))
    if resource != "inspector":
        b.assigned_inspectors.set([ns.inspectors[1]])
    room = ns.rooms[0] if resource == "room" else ns.rooms[1]
    with pytest.raises(IntegrityError, match="exclusion constraint"), transaction.atomic():
        Meeting.objects.filter(pk=b.pk).update(start=a.start, end=a.end, room=room)
    assert Meeting.objects.get(pk=b.pk).start == at(14)


@postgres_only
def test_bookings_follow_the_meeting_and_free_the_slot_when_cancelled(transactional_db):
    ns = _inspection("follow", 2, 2, 2)
    a = _placed_a(ns)
    assert sorted(Booking.objects.values_list("kind", "resource_id", "start")) == [
        ("inspector", ns.inspectors[0].pk, at(10)),
        ("person", ns.people[0].pk, at(10)),
    ]
    Meeting.objects.filter(pk=a.pk).update(status=MeetingStatus.CANCELLED)
    assert Booking.objects.count() == 0
    with transaction.atomic():  # the cancelled meeting's slot, room and people are free
        _overlapping_insert(ns, "room")
        Meeting.objects.get(ref="b").attendees.set([ns.people[0]])
        Meeting.objects.get(ref="b").assigned_inspectors.set([ns.inspectors[0]])
    assert Booking.objects.filter(meeting__ref="b").count() == 2


@postgres_only
def test_the_databases_refusal_becomes_the_clash_message(transactional_db):
    ns = _inspection("message", 2, 2, 2)
    a = _placed_a(ns)
    b = _meeting(ns, "b", [ns.people[1]])
    with transaction.atomic():
        # written past the app's checks, as a shell or a racing writer could
        Meeting.objects.filter(pk=b.pk).update(start=a.start, end=a.end, room=ns.rooms[0])
        with pytest.raises(PlanConflict) as exc:
            refuse_double_booking()
        transaction.set_rollback(True)
    assert exc.value.args[0] == "That change double-books, so it was not saved:"
    assert [v.message for v in exc.value.violations] == [
        "Room 0, Hub is booked for 'a' and 'b' at once (day 6 10:00)."
    ]


# -- the admin: same checks, a form error rather than a 500 ------------------------------------
def _admin_post_data(form):
    """What the admin's change form posts back unchanged."""
    data: dict[str, object] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        widget = getattr(field.widget, "widget", field.widget)  # past the related-field wrapper
        if isinstance(widget, forms.MultiWidget):
            for suffix, part in zip(widget.widgets_names, widget.decompress(value), strict=True):
                data[name + suffix] = "" if part is None else str(part)
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        else:
            data[name] = "" if value is None else str(value)
    return data


def _admin_move(admin_client, meeting, start, room):
    url = f"/admin/scheduling/meeting/{meeting.pk}/change/"
    data = _admin_post_data(admin_client.get(url).context["adminform"].form)
    local = start.astimezone(LONDON)
    end = (start + dt.timedelta(minutes=meeting.duration)).astimezone(LONDON)
    data.update(
        start_0=f"{local:%Y-%m-%d}",
        start_1=f"{local:%H:%M:%S}",
        end_0=f"{end:%Y-%m-%d}",
        end_1=f"{end:%H:%M:%S}",
        room=str(room.pk),
    )
    return admin_client.post(url, data)


def test_an_admin_move_into_a_taken_room_is_a_form_error(db, admin_client):
    ns = _inspection("admin", 2, 2, 2)
    a = _placed_a(ns)
    b = _move(_meeting(ns, "b", [ns.people[1]]), Proposal(at(14), ns.rooms[1], (ns.inspectors[1],)))
    response = _admin_move(admin_client, b, a.start, ns.rooms[0])
    assert response.status_code == 200
    assert response.context["adminform"].form.non_field_errors() == [
        "That change breaks these rules, so it was not saved:",
        "Room 0, Hub is booked for 'a' and 'b' at once (day 6 10:00).",
    ]
    assert (Meeting.objects.get(pk=b.pk).start, Meeting.objects.get(pk=b.pk).version) == (
        at(14),
        b.version,
    )


def test_an_admin_move_to_a_free_slot_is_saved_as_a_new_version(db, admin_client):
    ns = _inspection("admin-ok", 2, 2, 2)
    a = _placed_a(ns)
    response = _admin_move(admin_client, a, at(15), ns.rooms[1])
    assert response.status_code == 302
    saved = Meeting.objects.get(pk=a.pk)
    assert (saved.start, saved.room, saved.version) == (at(15), ns.rooms[1], a.version + 1)
