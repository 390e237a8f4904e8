import io
import re
import tomllib
from collections import Counter

from django.conf import settings
from django.core.management import call_command

from evidence.models import Audit, CasePackPart, DeepDive, LibraryDocument
from evidence.services.audits import period_start


def _deep_dive_spec():
    path = settings.SEEDS_DIR / "scenarios" / "shropshire-2025" / "scenario.toml"
    return tomllib.loads(path.read_text())["deep_dives"]


def test_the_scenario_has_315_documents_199_audits_and_12_children(scenario):
    assert LibraryDocument.objects.filter(inspection=scenario).count() == 315
    assert Audit.objects.filter(inspection=scenario).count() == 199
    assert DeepDive.objects.filter(inspection=scenario).count() == 12


def test_the_library_spans_realistic_categories_with_owners(scenario):
    documents = LibraryDocument.objects.filter(inspection=scenario)
    categories = Counter(documents.values_list("category", flat=True))
    assert {
        "Strategies",
        "Plans",
        "Performance reports",
        "Audit reports",
        "Minutes of boards",
        "Policies and procedures",
        "Self-evaluation",
        "Partnership documents",
        "Workforce",
        "Commissioning",
    } <= set(categories)
    assert not documents.filter(owner__isnull=True).exists()
    assert documents.filter(title="Corporate parenting strategy 2024–2027").exists()
    # the snapshot is an hour before the 12:00 deadline on day 3
    assert documents.filter(status="uploaded").count() == 287


def test_the_deep_dive_children_are_the_scenarios_with_an_audit_and_a_seven_part_pack(scenario):
    spec = {d["child_id"]: d for d in _deep_dive_spec()}
    chosen = DeepDive.objects.filter(inspection=scenario).select_related("audit", "worker")
    assert {d.child_id for d in chosen} == set(spec)
    for deep_dive in chosen:
        assert deep_dive.audit.child_id == deep_dive.child_id
        assert deep_dive.worker.ref == spec[deep_dive.child_id]["worker"]
        assert deep_dive.plan_type == spec[deep_dive.child_id]["plan"]
        parts = list(CasePackPart.objects.filter(deep_dive=deep_dive).order_by("position"))
        # the four case-record documents and the audit's three (issue 13)
        assert [p.part for p in parts] == [
            "assessment",
            "plan",
            "chronology",
            "supervision",
            "audit_form",
            "moderation",
            "closing_the_loop",
        ]


def test_audits_are_child_ids_in_the_six_months_before_day_one_mostly_good(scenario):
    audits = Audit.objects.filter(inspection=scenario)
    start = period_start(scenario)
    assert all(start <= a.audit_date < scenario.day_one for a in audits)
    assert all(re.fullmatch(r"C1\d{5}", a.child_id) for a in audits)
    judgements = Counter(audits.values_list("judgement", flat=True))
    assert judgements["good"] + judgements["outstanding"] > 0.7 * 199
    assert judgements["inadequate"] < judgements["requires_improvement"]


def test_loading_twice_writes_the_same_evidence(scenario):
    def snapshot():
        return (
            list(
                LibraryDocument.objects.order_by("ref").values_list("ref", "status", "owner__ref")
            ),
            list(Audit.objects.order_by("ref").values_list("ref", "judgement", "moderated")),
            list(
                CasePackPart.objects.order_by("deep_dive__child_id", "position").values_list(
                    "deep_dive__child_id", "part", "collator__ref", "qa_by__ref"
                )
            ),
        )

    before = snapshot()
    out = io.StringIO()
    call_command("load_scenario", "shropshire-2025", stdout=out)
    assert snapshot() == before
    assert "evidence: 315 library documents, 199 audits, 12 deep dives" in out.getvalue()


def test_moving_day_one_keeps_199_audits_in_the_new_period_and_12_children(scenario):
    call_command(
        "load_scenario", "shropshire-2025", notification="2025-05-19", stdout=io.StringIO()
    )
    scenario.refresh_from_db()
    audits = Audit.objects.filter(inspection=scenario)
    assert audits.count() == 199
    assert all(period_start(scenario) <= a.audit_date < scenario.day_one for a in audits)
    assert DeepDive.objects.filter(inspection=scenario).count() == 12
    assert CasePackPart.objects.filter(deep_dive__inspection=scenario).count() == 84
