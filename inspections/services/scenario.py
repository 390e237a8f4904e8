"""Reading a scenario from seeds/scenarios/<slug>/, and loading its inspection, people and tasks.

Deterministic: names come from the scenario's lists through a seeded generator, so every load
of the same scenario writes the same rows. The planner app's load_scenario calls this first,
then each app's own part (meetings, evidence, Annexe A) with the same ScenarioContext.
"""

from __future__ import annotations

import datetime as dt
import random
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.db import transaction

from inspections.models import Inspection, Inspector, Person, PersonKind
from inspections.services.errors import DomainError
from inspections.services.inspections import move_day_one, parse_day_one, workflow_for
from inspections.services.tasks import apply_template


@dataclass(frozen=True)
class ScenarioContext:
    slug: str
    directory: Path
    data: dict[str, Any]
    seed: int
    # the moment the scenario is loaded "as at" (the live demo copy: now); no recorded moment
    # (a document's status change, a sign-off) may fall after it
    as_of: dt.datetime | None = None

    def at_most_now(self, moment: dt.datetime) -> dt.datetime:
        return min(moment, self.as_of) if self.as_of else moment

    def rng(self, purpose: str) -> random.Random:
        """A generator of its own per purpose, so one app's draws never shift another's."""
        return random.Random(f"{self.seed}:{purpose}")

    def read_toml(self, name: str) -> dict[str, Any]:
        path = self.directory / name
        try:
            return tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DomainError(f"Scenario {self.slug}: {name} is missing.") from None
        except tomllib.TOMLDecodeError as exc:
            raise DomainError(f"Scenario {self.slug}: {name} is not valid TOML: {exc}") from exc


def available_scenarios() -> list[str]:
    root = settings.SEEDS_DIR / "scenarios"
    return sorted(p.name for p in root.iterdir() if (p / "scenario.toml").exists())


def read_scenario(slug: str) -> ScenarioContext:
    directory = settings.SEEDS_DIR / "scenarios" / slug
    if not (directory / "scenario.toml").exists():
        raise DomainError(
            f"No scenario {slug!r}. Available: {', '.join(available_scenarios()) or 'none'}."
        )
    ctx = ScenarioContext(slug=slug, directory=directory, data={}, seed=0)
    data = ctx.read_toml("scenario.toml")
    return ScenarioContext(
        slug=slug, directory=directory, data=data, seed=int(data["inspection"].get("seed", 0))
    )


class NameGenerator:
    def __init__(self, names: dict[str, list[str]], rng: random.Random, domain: str):
        self._first, self._last, self._rng, self._domain = (
            names["first"],
            names["last"],
            rng,
            domain,
        )
        self._used: set[str] = set()

    def next(self) -> tuple[str, str]:
        for _ in range(10_000):
            name = f"{self._rng.choice(self._first)} {self._rng.choice(self._last)}"
            if name not in self._used:
                self._used.add(name)
                email = name.lower().replace(" ", ".").replace("'", "") + "@" + self._domain
                return name, email
        raise DomainError("The scenario's name lists are too short for the people it needs.")


def _upsert(model: type, inspection: Inspection, ref: str, values: dict[str, Any]) -> None:
    model.objects.update_or_create(inspection=inspection, ref=ref, defaults=values)  # type: ignore[attr-defined]


def _onsite_days(inspection: Inspection, weeks: list[int], weekdays: list[int] | None) -> list[int]:
    calendar = inspection.calendar
    days = []
    for week in weeks:
        for n in calendar.days_in_week(week):
            if weekdays is None or calendar.date_for_day(n).weekday() in weekdays:
                days.append(n)
    return days


def scenario_day_one(ctx: ScenarioContext, notification: str | None = None) -> dt.date:
    """The scenario's day one, or the notification date given instead (a working day)."""
    day_one = parse_day_one(notification) if notification else ctx.data["inspection"]["day_one"]
    if isinstance(day_one, str):
        day_one = parse_day_one(day_one)
    if not isinstance(day_one, dt.date):
        raise DomainError(f"Scenario {ctx.slug}: day_one must be a date.")
    return parse_day_one(day_one.isoformat())


@transaction.atomic
def load_scenario_inspection(
    ctx: ScenarioContext, day_one: dt.date, *, slug: str = "", title: str = ""
) -> tuple[Inspection, str]:
    """The inspection (under `slug` and `title` when given), its people and its tasks."""
    meta = ctx.data["inspection"]
    slug = slug or meta["slug"]
    inspection = Inspection.objects.filter(slug=slug).first()
    if inspection is None:
        inspection = Inspection(slug=slug, day_one=day_one)
    inspection.title = title or meta["title"]
    inspection.local_authority = meta["local_authority"]
    inspection.inspection_type = meta.get("inspection_type", "ilacs_standard")
    inspection.workflow_key = meta.get("workflow", "ilacs-standard")
    moved = inspection.pk is not None and inspection.day_one != day_one
    if not moved:
        inspection.day_one = day_one
    inspection.save()
    if moved:
        move_day_one(inspection, day_one)

    names = NameGenerator(
        ctx.data["names"], ctx.rng("names"), meta.get("email_domain", "example.org")
    )
    for spec in ctx.data.get("inspectors", []):
        name, _ = names.next()
        _upsert(
            Inspector,
            inspection,
            spec["ref"],
            {
                "full_name": name,
                "role": spec["role"],
                "email": name.lower().replace(" ", ".") + "@ofsted.example",
                "onsite_days": _onsite_days(inspection, spec["weeks"], spec.get("weekdays")),
            },
        )
    for spec in ctx.data.get("council", []):
        name, email = names.next()
        _upsert(
            Person,
            inspection,
            spec["ref"],
            {
                "full_name": name,
                "email": email,
                "kind": spec["kind"],
                "role": spec.get("role", ""),
                "job_title": spec.get("job_title", ""),
                "team": spec.get("team", ""),
                "organisation": meta["local_authority"],
            },
        )
    number = 0
    for team in ctx.data.get("teams", []):
        jobs = team["jobs"]
        for i in range(team["size"]):
            number += 1
            name, email = names.next()
            # first of each team is its manager; the rest take the other jobs in turn
            job = (
                jobs[0]
                if i == 0
                else jobs[1 + (i - 1) % (len(jobs) - 1)]
                if len(jobs) > 1
                else jobs[0]
            )
            _upsert(
                Person,
                inspection,
                f"prac-{number:03d}",
                {
                    "full_name": name,
                    "email": email,
                    "kind": PersonKind.PRACTITIONER,
                    "role": "",
                    "job_title": job,
                    "team": team["name"],
                    "organisation": meta["local_authority"],
                },
            )
    for spec in ctx.data.get("partners", []):
        name, _ = names.next()
        _upsert(
            Person,
            inspection,
            spec["ref"],
            {
                "full_name": name,
                "kind": PersonKind.PARTNER,
                "role": "",
                "email": name.lower().replace(" ", ".") + "@partner.example",
                "job_title": spec["job_title"],
                "organisation": spec["organisation"],
                "team": "",
            },
        )

    result = apply_template(inspection, workflow_for(inspection))
    return inspection, f"tasks: {result}"
