from pathlib import Path

import pytest
from django.conf import settings

from inspections.workflow import WorkflowError, load_template, parse_template
from planner.services.progress import TRACKERS

SEED = Path(__file__).resolve().parent.parent / "seeds" / "workflows" / "ilacs-standard.toml"


def _template(*tasks):
    return {"template": {"key": "t", "name": "T"}, "task": list(tasks)}


def _task(key, **extra):
    return {
        "key": key,
        "title": key,
        "phase": "week1",
        "day": 1,
        "owner_role": "coordinator",
        **extra,
    }


def test_the_ilacs_template_covers_every_deadline_in_the_domain_brief():
    template = load_template(SEED)
    tasks = {t.key: t for t in template.tasks}
    expected = {
        "setup-meeting": 1,
        "timetable-agreed": 4,
        "it-laptops": 5,
        "room-bookings": 3,
        "annex-a-upload": 2,
        "audit-list": 2,
        "deep-dive-selection": 3,
        "library-upload": 3,
        "case-packs-upload": 4,
        "final-feedback": "last",
        "factual-accuracy": "last+20",
        "publication": "last+27",
    }
    for key, day in expected.items():
        assert tasks[key].day == day, key
    assert str(tasks["library-upload"].time) == "12:00:00"
    assert tasks["kit-lead"].repeat == "onsite_days"
    assert tasks["staff-debriefs"].repeat == "onsite_days"
    # the call is unannounced: nothing is dated before day one (readiness is standing work)
    assert [t.key for t in template.tasks if t.phase == "preparation"] == []


def test_unknown_keys_are_rejected_with_their_names():
    with pytest.raises(WorkflowError, match="unknown keys: colour"):
        parse_template(_template(_task("a", colour="red")))


def test_unknown_dependencies_are_rejected_naming_them():
    with pytest.raises(WorkflowError, match="'a' depends on unknown keys: ghost"):
        parse_template(_template(_task("a", depends_on=["ghost"])))


def test_a_dependency_cycle_is_rejected_naming_the_keys():
    with pytest.raises(WorkflowError, match="cycle: a -> b -> c -> a"):
        parse_template(
            _template(
                _task("a", depends_on=["b"]),
                _task("b", depends_on=["c"]),
                _task("c", depends_on=["a"]),
            )
        )


def test_duplicate_keys_and_bad_roles_are_rejected():
    with pytest.raises(WorkflowError, match="duplicate task keys: a"):
        parse_template(_template(_task("a"), _task("a")))
    with pytest.raises(WorkflowError, match="owner_role 'chef'"):
        parse_template(_template(_task("a", owner_role="chef")))


def test_every_progress_key_of_every_template_has_an_evidence_tracker():
    keys = {
        spec.progress
        for path in sorted((settings.SEEDS_DIR / "workflows").glob("*.toml"))
        for spec in load_template(path).tasks
        if spec.progress
    }
    assert keys == set(TRACKERS)
