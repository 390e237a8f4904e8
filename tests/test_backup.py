"""Backup and restore of one inspection: export_inspection, then import_inspection into an
emptied database, gives every row back, and the same archive again; nothing secret travels."""

import datetime as dt
import hashlib
import io
import json
import zipfile
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from annex_a.models import FileCheck
from calendars import tokens
from calendars.models import FeedToken
from inspections.audit import acting_as
from inspections.models import Inspection, Membership, Person, Role, Task
from inspections.services.tasks import set_task_status
from scheduling.editing import set_status
from scheduling.models import Meeting, MeetingStatus, MeetingType, Venue
from scheduling.planning import plan
from scheduling.releases import publish

# each test empties the database with `flush`, as a restore onto a new server starts
pytestmark = pytest.mark.django_db(transaction=True)

PROJECT_APPS = (
    "inspections",
    "scheduling",
    "evidence",
    "calendars",
    "annex_a",
    "desk",
    "council",
    "aftermath",
    "planner",
    "notify",
)
# A council's own records outlive any one inspection: not in an inspection's archive.
COUNCIL_WIDE = {
    f"council.{history}{name}"
    for name in ("readinessitem", "engagementmeeting", "selfevaluationversion")
    for history in ("", "historical")
}
UPLOAD = b"child_id,name,date_of_birth\nC1001,Jamie Example,2012-03-04\n"


@pytest.fixture
def published(scenario, django_user_model):
    """Shropshire 2025 as a team leaves it in week 1: planned, published twice, a task ticked,
    members, feed links (one revoked), an account since removed, an upload waiting for a check."""
    plan(scenario, time_limit=0.5, fresh=True)
    publish(scenario, notes="Agreed with the lead inspector")
    coordinator = django_user_model.objects.create_user(
        "coord", "coord@example.gov.uk", "a-long-test-password", first_name="Cat", is_staff=True
    )
    staff = django_user_model.objects.create_user("pa", "pa@example.gov.uk", first_name="Pat")
    person = scenario.people.order_by("pk").first()
    Membership.objects.create(
        inspection=scenario, user=coordinator, role=Role.COORDINATOR, person=person
    )
    Membership.objects.create(inspection=scenario, user=staff, role=Role.STAFF)
    django_user_model.objects.create_user("outsider")  # no part in this inspection
    leaver = django_user_model.objects.create_user("leaver")
    Membership.objects.create(inspection=scenario, user=leaver, role=Role.PROJECT_TEAM)
    free = [t for t in scenario.tasks.order_by("due_at", "key") if not t.depends_on.exists()]
    with acting_as(coordinator):
        set_task_status(free[0], "done", actor=coordinator)
    with acting_as(leaver):
        set_task_status(free[1], "done", actor=leaver)
    leaver.delete()  # the audit trail still says whose change it was, by number
    meeting = Meeting.objects.filter(inspection=scenario, start__isnull=False).order_by("pk")[0]
    set_status(meeting, MeetingStatus.CANCELLED, opened_version=meeting.version)
    publish(scenario, notes="One cancelled")
    links = tokens.ensure_tokens(scenario)
    tokens.revoke(links[0][1])
    stored = default_storage.save("annex_a/waiting.csv", ContentFile(UPLOAD))
    FileCheck.objects.create(inspection=scenario, file_names=["list1.csv"], stored_files=[stored])
    return scenario


def _export(slug, path):
    call_command("export_inspection", slug, "-o", str(path), stdout=io.StringIO())
    return path.read_bytes()


def _import(path):
    out = io.StringIO()
    call_command("import_inspection", str(path), stdout=out)
    return out.getvalue()


def _flush():
    call_command("flush", interactive=False, verbosity=0)


def _inside(archive: bytes) -> str:
    """Every member of the archive, uncompressed: what a secret would have to hide in."""
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        return "\n".join(zf.read(name).decode() for name in zf.namelist())


def _data(archive: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        return json.loads(zf.read("data.json"))


def _models():
    for model in apps.get_models(include_auto_created=True):
        if model._meta.app_label in PROJECT_APPS and model._meta.label_lower not in COUNCIL_WIDE:
            yield model._meta.label_lower, model


def _database() -> dict[str, list]:
    """Every row of every model of the apps (the catalogue of meeting types aside: only the
    ones used travel), but feed secrets and the names of uploads waiting on disk (neither
    travels); bookings without their ids (PostgreSQL's triggers number them afresh)."""
    rows = {}
    for label, model in _models():
        if label == "scheduling.meetingtype":
            continue
        leave = {
            "calendars.feedtoken": {"salt", "secret_hash"},
            "annex_a.filecheck": {"stored_files"},
            "scheduling.booking": {"id"},
        }
        names = [
            f.attname for f in model._meta.concrete_fields if f.attname not in leave.get(label, ())
        ]
        rows[label] = sorted(model._base_manager.values_list(*names), key=repr)
    return rows


def _types_used() -> set[str]:
    historical = Meeting.history.model.objects.values_list("meeting_type__key", flat=True)
    return set(Meeting.objects.values_list("meeting_type__key", flat=True)) | set(historical)


@pytest.fixture
def restored(published, tmp_path, django_user_model):
    """Exported, the database emptied, the archive imported."""
    users = {u.username: u for u in django_user_model.objects.all()}
    before = SimpleNamespace(
        rows=_database(),
        types=_types_used(),
        users=users,
        secrets=[tokens.secret_for(t) for t in FeedToken.objects.all()],
        salts=[t.salt for t in FeedToken.objects.all()],
        hashes=[t.secret_hash for t in FeedToken.objects.exclude(secret_hash=None)],
        working={t.pk for t in FeedToken.objects.active()},
    )
    archive = _export("shropshire-2025", tmp_path / "a.zip")
    _flush()
    assert Inspection.objects.count() == 0
    output = _import(tmp_path / "a.zip")
    return SimpleNamespace(before=before, archive=archive, output=output, tmp=tmp_path)


def test_export_import_export_gives_the_same_archive(restored):
    again = _export("shropshire-2025", restored.tmp / "b.zip")

    assert again == restored.archive


def test_a_restore_brings_back_every_row_of_every_app(restored):
    after = _database()

    assert {label: len(rows) for label, rows in after.items()} == {
        label: len(rows) for label, rows in restored.before.rows.items()
    }
    assert after == restored.before.rows
    assert _types_used() == restored.before.types
    assert set(MeetingType.objects.values_list("key", flat=True)) == restored.before.types


def test_the_archive_holds_no_feed_secret_password_or_upload(restored):
    inside = _inside(restored.archive)
    hashes = [u.password for u in restored.before.users.values()]
    secret = [*restored.before.secrets, *restored.before.salts, *restored.before.hashes, *hashes]

    assert [s for s in secret if s in inside or s.encode() in restored.archive] == []
    assert "Jamie Example" not in inside
    checks = _data(restored.archive)["models"]["annex_a.filecheck"]
    stored = checks["columns"].index("stored_files")
    assert [row[stored] for row in checks["rows"]] == [[]]


def test_restored_feed_links_get_new_secrets_and_the_old_ones_stop_working(restored, client):
    for old in restored.before.secrets:
        assert client.get(f"/feeds/{old}.ics").status_code == 404
    out = io.StringIO()
    call_command("feed_links", "shropshire-2025", "--json", stdout=out)
    rows = json.loads(out.getvalue())
    working = [r for r in rows if not r["revoked"]]

    assert {t.pk for t in FeedToken.objects.active()} == restored.before.working
    assert len(working) == len(restored.before.working)
    assert client.get(working[0]["path"]).status_code == 200
    assert "feed_links shropshire-2025" in restored.output


def test_restored_accounts_carry_names_and_email_but_no_password_or_privileges(
    restored, django_user_model
):
    users = {u.username: u for u in django_user_model.objects.all()}

    assert sorted(users) == ["coord", "pa"]  # neither the outsider nor the removed account
    for name, user in users.items():
        was = restored.before.users[name]
        assert (user.pk, user.first_name, user.email, user.is_active) == (
            was.pk,
            was.first_name,
            was.email,
            was.is_active,
        )
        assert (user.has_usable_password(), user.is_staff, user.is_superuser) == (
            False,
            False,
            False,
        )


def test_a_restored_database_takes_new_rows(restored):
    inspection = Inspection.objects.get(slug="shropshire-2025")
    person = Person.objects.create(
        inspection=inspection, ref="new-1", full_name="New", kind="partner"
    )
    venue = Venue.objects.create(inspection=inspection, ref="new-venue", name="New venue")

    assert person.pk > max(r[0] for r in restored.before.rows["inspections.person"])
    assert venue.pk > max(r[0] for r in restored.before.rows["scheduling.venue"])


def test_importing_an_inspection_that_is_already_here_is_refused_and_writes_nothing(restored):
    before = _database()

    with pytest.raises(CommandError) as refused:
        _import(restored.tmp / "a.zip")

    assert str(refused.value).startswith(str(restored.tmp / "a.zip"))
    assert "'shropshire-2025' already exists" in str(refused.value)
    assert _database() == before


def test_an_archive_whose_ids_are_taken_is_refused_and_writes_nothing(restored):
    Inspection.objects.filter(slug="shropshire-2025").update(slug="renamed")
    before = _database()

    with pytest.raises(CommandError, match="already holds inspections.inspection rows"):
        _import(restored.tmp / "a.zip")

    assert _database() == before


# --- Small inspections: scoping and malformed archives --------------------------------------


def _tiny(slug, user):
    inspection = Inspection.objects.create(
        slug=slug, title=slug.title(), local_authority="Shropshire", day_one=dt.date(2025, 6, 16)
    )
    Person.objects.create(inspection=inspection, ref=f"{slug}-p", full_name="P", kind="partner")
    Membership.objects.create(inspection=inspection, user=user, role=Role.VIEWER)
    return inspection


def test_only_the_inspections_own_rows_and_accounts_travel(django_user_model, tmp_path):
    _tiny("alpha", django_user_model.objects.create_user("a-user"))
    _tiny("beta", django_user_model.objects.create_user("b-user"))
    archive = _export("alpha", tmp_path / "alpha.zip")
    _flush()
    _import(tmp_path / "alpha.zip")

    data = _data(archive)
    assert [row[1] for row in data["shared"]["auth.user"]["rows"]] == ["a-user"]
    assert list(Inspection.objects.values_list("slug", flat=True)) == ["alpha"]
    assert list(Person.objects.values_list("ref", flat=True)) == ["alpha-p"]


def test_every_model_of_the_apps_travels_unless_it_is_shared_or_derived(published, tmp_path):
    data = _data(_export("shropshire-2025", tmp_path / "a.zip"))

    assert set(data["models"]) | set(data["shared"]) | {"scheduling.booking"} == {
        label for label, _ in _models()
    } | {"auth.user"}
    assert set(data["shared"]) == {"auth.user", "scheduling.meetingtype"}
    council_models = {
        m._meta.label_lower for m in apps.get_models() if m._meta.app_label == "council"
    }
    assert council_models - set(data["models"]) == COUNCIL_WIDE


def _rewrite(archive: bytes, manifest=None, data=None) -> bytes:
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        members = {name: zf.read(name) for name in zf.namelist()}
    if data is not None:
        members["data.json"] = data(members["data.json"])
    if manifest is not None:
        parsed = json.loads(members["manifest.json"])
        manifest(parsed)
        members["manifest.json"] = json.dumps(parsed).encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        for name, payload in members.items():
            zf.writestr(name, payload)
    return out.getvalue()


def _other_migrations(manifest):
    manifest["migrations"]["scheduling"].append("9999_from_the_future")


def _version_two(manifest):
    manifest["format_version"] = 2


def _no_data(archive):
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        manifest = zf.read("manifest.json")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("manifest.json", manifest)
    return out.getvalue()


def _consistent(change):
    """Data changed and the checksum made to match: only the content checks can catch it."""

    def rewrite(archive):
        data = change(json.loads(_member(archive, "data.json")))
        raw = json.dumps(data).encode()

        def fix(manifest):
            manifest["data_sha256"] = hashlib.sha256(raw).hexdigest()

        return _rewrite(archive, manifest=fix, data=lambda _: raw)

    return rewrite


def _member(archive, name):
    with zipfile.ZipFile(io.BytesIO(archive)) as zf:
        return zf.read(name)


def _stray_person(data):
    rows = data["models"]["inspections.membership"]["rows"]
    columns = data["models"]["inspections.membership"]["columns"]
    rows[0][columns.index("person_id")] = 987654
    return data


def _bad_date(data):
    table = data["models"]["inspections.inspection"]
    table["rows"][0][table["columns"].index("day_one")] = "the sixteenth of June"
    return data


def _missing_model(data):
    del data["models"]["inspections.person"]
    return data


@pytest.mark.parametrize(
    ("damage", "says"),
    [
        (lambda a: b"not a zip at all", "not a readable zip"),
        (lambda a: a[: len(a) // 2], "not a readable zip"),
        (_no_data, "no data.json inside"),
        (lambda a: _rewrite(a, manifest=_version_two), "format version 2"),
        (lambda a: _rewrite(a, manifest=_other_migrations), "another version of the planner"),
        (lambda a: _rewrite(a, data=lambda d: d.replace(b"alpha", b"gamma")), "checksum"),
        (_consistent(_stray_person), "which the archive does not hold"),
        (_consistent(_bad_date), "inspections.inspection row 1"),
        (_consistent(_missing_model), "missing ['inspections.person']"),
    ],
)
def test_a_damaged_archive_is_refused_naming_the_file_and_writes_nothing(
    django_user_model, tmp_path, damage, says
):
    inspection = _tiny("alpha", django_user_model.objects.create_user("a-user"))
    Membership.objects.filter(inspection=inspection).update(person=inspection.people.get())
    archive = _export("alpha", tmp_path / "alpha.zip")
    _flush()
    bad = tmp_path / "damaged.zip"
    bad.write_bytes(damage(archive))

    with pytest.raises(CommandError) as refused:
        _import(bad)

    assert str(refused.value).startswith(f"{bad}: ")
    assert says in str(refused.value)
    assert (Inspection.objects.count(), Person.objects.count(), Task.objects.count()) == (0, 0, 0)
    assert django_user_model.objects.count() == 0
