"""Pure Annexe A checker: no Django. Spec (seeds/annex-a.toml) + rows -> findings."""

from annex_a.checker.check import KEEP_PER_KIND, ListChecker, Source, check_sources
from annex_a.checker.report import CheckReport, Finding, FindingGroup, ListResult
from annex_a.checker.spec import (
    AnnexASpec,
    ColumnSpec,
    ListSpec,
    list_number_from_name,
    load_spec,
    normalise,
)

__all__ = [
    "KEEP_PER_KIND",
    "AnnexASpec",
    "CheckReport",
    "ColumnSpec",
    "Finding",
    "FindingGroup",
    "ListChecker",
    "ListResult",
    "ListSpec",
    "Source",
    "check_sources",
    "list_number_from_name",
    "load_spec",
    "normalise",
]
