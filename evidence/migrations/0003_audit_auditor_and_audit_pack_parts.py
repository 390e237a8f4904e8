# Case discussions invite the child's auditor, and a child chosen through an audit has the
# audit form, moderation record and closing-the-loop evidence in its pack (report 7.53, 7.82).

import django.db.models.deletion
from django.db import migrations, models

PART_CHOICES = [
    ("assessment", "Assessment"),
    ("plan", "Plan"),
    ("chronology", "Chronology"),
    ("supervision", "Supervision record"),
    ("audit_form", "Audit form"),
    ("moderation", "Moderation record"),
    ("closing_the_loop", "Closing-the-loop evidence"),
]
AUDIT_PARTS = ["audit_form", "moderation", "closing_the_loop"]
FIRST_AUDIT_POSITION = 4  # after the four case-record documents


def add_audit_parts(apps, schema_editor):
    """Packs opened before this get the audit's three documents, not yet collated."""
    DeepDive = apps.get_model("evidence", "DeepDive")
    CasePackPart = apps.get_model("evidence", "CasePackPart")
    for deep_dive in DeepDive.objects.filter(audit__isnull=False):
        have = set(CasePackPart.objects.filter(deep_dive=deep_dive).values_list("part", flat=True))
        CasePackPart.objects.bulk_create(
            CasePackPart(deep_dive=deep_dive, part=part, position=FIRST_AUDIT_POSITION + i)
            for i, part in enumerate(AUDIT_PARTS)
            if part not in have
        )


def remove_audit_parts(apps, schema_editor):
    apps.get_model("evidence", "CasePackPart").objects.filter(part__in=AUDIT_PARTS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("evidence", "0002_history"),
        ("inspections", "0003_history"),
    ]

    operations = [
        migrations.AddField(
            model_name="audit",
            name="auditor",
            field=models.ForeignKey(
                blank=True,
                help_text="Who did the audit: invited to the child's case discussion (report 7.82).",
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="audits_done",
                to="inspections.person",
            ),
        ),
        migrations.AddField(
            model_name="historicalaudit",
            name="auditor",
            field=models.ForeignKey(
                blank=True,
                db_constraint=False,
                help_text="Who did the audit: invited to the child's case discussion (report 7.82).",
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="inspections.person",
            ),
        ),
        migrations.AlterField(
            model_name="casepackpart",
            name="part",
            field=models.CharField(choices=PART_CHOICES, max_length=16),
        ),
        migrations.AlterField(
            model_name="historicalcasepackpart",
            name="part",
            field=models.CharField(choices=PART_CHOICES, max_length=16),
        ),
        migrations.RunPython(add_audit_parts, remove_audit_parts),
    ]
