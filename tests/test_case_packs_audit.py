"""A child chosen from the audit list has the audit form, its moderation record and the
closing-the-loop evidence in its pack, tracked like the case-record documents (issue 13,
point 3; report 7.53, 7.82, 7.84)."""

from __future__ import annotations

from django.urls import reverse

from evidence import progress
from evidence.models import Audit, CasePackPart, DeepDive
from evidence.services.deep_dives import choose_audit, update_pack_part

PACK = [
    "assessment",
    "plan",
    "chronology",
    "supervision",
    "audit_form",
    "moderation",
    "closing_the_loop",
]


def test_every_scenario_pack_holds_the_audits_three_documents(scenario):
    packs = {
        d.child_id: [p.part for p in d.parts.order_by("position")]
        for d in DeepDive.objects.filter(inspection=scenario)
    }
    assert len(packs) == 12 and set(map(tuple, packs.values())) == {tuple(PACK)}
    p = progress.case_packs(scenario)
    assert (p.total, p.label) == (84, "0 of 84 case-record documents uploaded")


def test_choosing_an_audit_opens_the_seven_part_pack_and_its_audit_parts_are_tracked(scenario):
    audit = Audit.objects.filter(inspection=scenario, deep_dive__isnull=True).first()
    DeepDive.objects.filter(inspection=scenario).first().delete()  # room for one more
    deep_dive = choose_audit(scenario, audit, "care")
    parts = list(deep_dive.parts.order_by("position"))
    assert [(p.part, p.label) for p in parts[4:]] == [
        ("audit_form", "Audit form"),
        ("moderation", "Moderation record"),
        ("closing_the_loop", "Closing-the-loop evidence"),
    ]
    collator = scenario.people.get(ref="pt-lcs-1")
    signer = scenario.people.get(ref="sl-hos-qa")
    before = progress.case_packs(scenario)
    for part in parts[4:]:
        update_pack_part(
            part,
            collated=True,
            collator=collator,
            quality_assured=True,
            qa_by=signer,
            uploaded=True,
        )
    after = progress.case_packs(scenario)
    assert (after.total, after.done - before.done) == (before.total, 3)
    assert CasePackPart.objects.filter(deep_dive=deep_dive, uploaded_at__isnull=False).count() == 3


def test_the_deep_dive_page_lists_the_audit_documents(scenario, staff_client):
    html = staff_client.get(reverse("evidence:deep-dives", args=[scenario.slug])).content.decode()
    for label in ("Audit form", "Moderation record", "Closing-the-loop evidence"):
        assert html.count(f'<th scope="row" class="govuk-table__header">{label}') == 12, label
