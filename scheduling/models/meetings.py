from __future__ import annotations

import datetime as dt

from django.db import models
from django.db.models import Q, TextChoices

from inspections.audit import audit_history
from inspections.calendar import LONDON, local_day_bounds


class Mode(models.TextChoices):
    IN_PERSON = "in_person", "In person"
    TEAMS = "teams", "Teams"
    VISIT = "visit", "Visit"


class InspectorRule(models.TextChoices):
    NAMED = "named", "Named inspectors only"
    LEAD = "lead", "The lead inspector"
    ANY = "any", "Any inspector(s)"
    NONE = "none", "No inspector (council only)"


class MeetingGroup(models.TextChoices):
    # "fieldwork": weeks 2-3 meetings with practitioners, partners, judiciary, families (7.85)
    FIELDWORK = "fieldwork", "Fieldwork"
    LEADERSHIP = "leadership", "Leadership"
    KIT = "kit", "Keeping in touch"
    SETUP = "setup", "Set-up and calls"
    # council-only meetings around the inspection (senior leaders debriefing staff: 7.76)
    INTERNAL = "internal", "Council internal"
    # an existing council meeting at its own fixed time that an inspector joins to watch
    # practice (front door screening, strategy discussion, child protection conference ...)
    OBSERVATION = "observation", "Practice observation"


class FamilyConsent(TextChoices):
    """Whether a family present at an observed meeting agreed to an inspector joining."""

    NOT_NEEDED = "not_needed", "Not needed: no family present"
    TO_ASK = "to_ask", "Still to ask"
    GIVEN = "given", "Given"
    REFUSED = "refused", "Refused"


class MeetingType(models.Model):
    """The catalogue (seeds/meeting-types.toml): defaults a new meeting of the type starts from."""

    key = models.SlugField(max_length=64, unique=True)
    name = models.CharField(max_length=120)
    group = models.CharField(max_length=16, choices=MeetingGroup.choices)
    description = models.TextField(blank=True)
    duration = models.PositiveIntegerField(help_text="Default minutes.")
    mode = models.CharField(max_length=16, choices=Mode.choices)
    inspector_rule = models.CharField(max_length=8, choices=InspectorRule.choices)
    inspectors_needed = models.PositiveSmallIntegerField(default=1)
    earliest = models.TimeField(default=dt.time(8, 30))
    latest = models.TimeField(default=dt.time(17, 30))
    fixed_time = models.TimeField(null=True, blank=True)
    preferred_time = models.TimeField(null=True, blank=True)
    frequency = models.CharField(max_length=60, blank=True, help_text="e.g. daily, twice daily")
    counts_as_case = models.BooleanField(default=False)
    # Desk time the assigned inspectors keep free around each meeting of the type (the solver's
    # buffers): reading the record before, writing up after. Other attendees are not held.
    reading_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Inspectors' reading time before the meeting (minutes)."
    )
    write_up_minutes = models.PositiveSmallIntegerField(
        default=0, help_text="Inspectors' write-up time after the meeting (minutes)."
    )
    equipment = models.JSONField(default=list, blank=True)
    what_to_bring = models.TextField(blank=True)

    class Meta:
        ordering = ["group", "name"]

    def __str__(self) -> str:
        return self.name


class MeetingStatus(models.TextChoices):
    DRAFT = "draft", "Draft (not placed)"
    PLANNED = "planned", "Planned"
    CONFIRMED = "confirmed", "Confirmed"
    CANCELLED = "cancelled", "Cancelled"


class MeetingQuerySet(models.QuerySet["Meeting"]):
    def for_inspection(self, inspection) -> MeetingQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(inspection=inspection)

    def active(self) -> MeetingQuerySet:
        return self.exclude(status=MeetingStatus.CANCELLED)

    def with_slot(self) -> MeetingQuerySet:
        """Has a start, cancelled or not: a cancelled meeting keeps its last slot, so a
        release can tell the people in it that it is off."""
        return self.filter(start__isnull=False)

    def starting_on(self, day: dt.date) -> MeetingQuerySet:
        """Starting on a London date (in the query, not by reading them all)."""
        start, end = local_day_bounds(day)
        return self.filter(start__gte=start, start__lt=end)

    def placed(self) -> MeetingQuerySet:
        """Has a start and is not cancelled."""
        return self.active().with_slot()

    def unplaced(self) -> MeetingQuerySet:
        """Has no start and is not cancelled."""
        return self.active().filter(start__isnull=True)

    def fieldwork(self) -> MeetingQuerySet:
        return self.filter(meeting_type__group=MeetingGroup.FIELDWORK)

    def with_inspectors(self) -> MeetingQuerySet:
        """The inspectors' own meetings: what the report counts as "bespoke meetings" (7.75),
        leaving out the council-only internal KITs and staff debriefs ("In addition…")."""
        return self.exclude(inspector_rule=InspectorRule.NONE)

    def observations(self) -> MeetingQuerySet:
        return self.filter(meeting_type__group=MeetingGroup.OBSERVATION)

    def between(self, start: dt.datetime, end: dt.datetime) -> MeetingQuerySet:
        return self.filter(start__lt=end, end__gt=start)

    def with_people(self) -> MeetingQuerySet:
        return self.select_related(
            "meeting_type", "room", "room__venue", "venue", "placed_venue", "chair"
        ).prefetch_related(
            "assigned_inspectors", "required_inspectors", "attendees", "follows", "followed_by"
        )


class Meeting(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="meetings"
    )
    ref = models.CharField(max_length=64, help_text="Stable key within the inspection.")
    meeting_type = models.ForeignKey(MeetingType, on_delete=models.PROTECT, related_name="meetings")
    title = models.CharField(max_length=200)
    purpose = models.TextField(blank=True)
    duration = models.PositiveIntegerField(help_text="Minutes.")
    mode = models.CharField(max_length=16, choices=Mode.choices)
    inspector_rule = models.CharField(max_length=8, choices=InspectorRule.choices)
    inspectors_needed = models.PositiveSmallIntegerField(
        default=0, help_text="How many more inspectors the planner picks (rule 'any')."
    )
    required_inspectors = models.ManyToManyField(
        "inspections.Inspector", blank=True, related_name="required_meetings"
    )
    attendees = models.ManyToManyField("inspections.Person", blank=True, related_name="meetings")
    family_count = models.PositiveSmallIntegerField(
        default=0, help_text="Children, young people or family members attending: a count only."
    )
    family_consent = models.CharField(
        max_length=16,
        choices=FamilyConsent.choices,
        default=FamilyConsent.NOT_NEEDED,
        help_text="For an observed meeting with a family present: did they agree?",
    )
    # Who chairs it: the contact attendees are given (a practice observation's own chair).
    chair = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="chaired_meetings",
    )
    # IDs only, never names or dates of birth.
    child_ids = models.JSONField(default=list, blank=True)
    # Allowed window: working day numbers and local clock times.
    window_days = models.JSONField(default=list, blank=True, help_text="Day numbers; empty = any.")
    earliest = models.TimeField(default=dt.time(8, 30))
    latest = models.TimeField(default=dt.time(17, 30))
    fixed_day = models.IntegerField(null=True, blank=True)
    fixed_time = models.TimeField(null=True, blank=True)
    preferred_time = models.TimeField(null=True, blank=True)
    venue = models.ForeignKey(
        "scheduling.Venue",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="meetings",
        help_text="Where it must happen (visits, site-bound meetings).",
    )
    equipment = models.JSONField(default=list, blank=True)
    status = models.CharField(
        max_length=16, choices=MeetingStatus.choices, default=MeetingStatus.DRAFT
    )
    version = models.PositiveIntegerField(default=1)
    # The draft placement: what the solver and manual edits write; releases freeze it.
    start = models.DateTimeField(null=True, blank=True)
    end = models.DateTimeField(null=True, blank=True)
    room = models.ForeignKey(
        "scheduling.Room", null=True, blank=True, on_delete=models.SET_NULL, related_name="meetings"
    )
    placed_venue = models.ForeignKey(
        "scheduling.Venue", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assigned_inspectors = models.ManyToManyField(
        "inspections.Inspector", blank=True, related_name="assigned_meetings"
    )
    teams_url = models.URLField(blank=True)
    # Soft precedence: this meeting should start after these have ended (a practitioner's
    # debrief after their case discussion, 7.76). The planner reads it as `before` on those.
    follows = models.ManyToManyField(
        "self", symmetrical=False, blank=True, related_name="followed_by"
    )
    updated_at = models.DateTimeField(auto_now=True)

    objects = MeetingQuerySet.as_manager()
    # who moved it, when, from where to where; and who was in it
    history = audit_history(m2m_fields=["attendees", "required_inspectors", "assigned_inspectors"])

    class Meta:
        ordering = ["start", "title"]
        constraints = [
            models.UniqueConstraint(fields=["inspection", "ref"], name="meeting_ref_unique"),
            models.CheckConstraint(
                condition=Q(start__isnull=True) | Q(end__gt=models.F("start")),
                name="meeting_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["inspection", "start"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_placed(self) -> bool:
        return self.start is not None

    @property
    def is_observation(self) -> bool:
        return self.meeting_type.group == MeetingGroup.OBSERVATION

    def chair_contact(self) -> str:
        """The chair as attendees are told whom to contact: name (job), phone, email."""
        person = self.chair
        if person is None:
            return ""
        what = person.description
        name = f"{person.full_name} ({what})" if what else person.full_name
        return ", ".join(bit for bit in (name, person.phone, person.email) if bit)

    @property
    def where(self) -> str:
        if self.mode == Mode.TEAMS:
            return "Teams"
        venue = self.placed_venue or self.venue
        if self.room_id and self.room:
            return f"{self.room.name}, {self.room.venue.name}"
        return venue.name if venue else ""


class UnavailabilityReason(models.TextChoices):
    LEAVE = "leave", "Leave"
    COURT = "court", "In court"
    PART_TIME = "part_time", "Part-time day off"
    SICK = "sick", "Sick"
    OTHER = "other", "Other"


class UnavailabilityQuerySet(models.QuerySet["Unavailability"]):
    def for_inspection(self, inspection) -> UnavailabilityQuerySet:  # type: ignore[no-untyped-def]
        return self.filter(inspection=inspection)


class Unavailability(models.Model):
    inspection = models.ForeignKey(
        "inspections.Inspection", on_delete=models.CASCADE, related_name="unavailabilities"
    )
    person = models.ForeignKey(
        "inspections.Person",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="unavailabilities",
    )
    inspector = models.ForeignKey(
        "inspections.Inspector",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="unavailabilities",
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=16, choices=UnavailabilityReason.choices)
    note = models.CharField(max_length=200, blank=True)

    objects = UnavailabilityQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        verbose_name_plural = "unavailabilities"
        constraints = [
            models.CheckConstraint(
                condition=(Q(person__isnull=False) & Q(inspector__isnull=True))
                | (Q(person__isnull=True) & Q(inspector__isnull=False)),
                name="unavailability_one_subject",
            ),
            models.CheckConstraint(
                condition=Q(end__gt=models.F("start")), name="unavailability_span"
            ),
        ]

    def __str__(self) -> str:
        who = self.person or self.inspector
        start, end = self.start.astimezone(LONDON), self.end.astimezone(LONDON)
        return f"{who}: {self.get_reason_display()} {start:%a %-d %b %Y %H:%M}–{end:%a %H:%M}"
