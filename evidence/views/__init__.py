from evidence.views.audits import (
    audit_choose,
    audits,
    audits_import,
    child,
    deep_dive_unchoose,
    deep_dives,
    pack_part_update,
)
from evidence.views.library import library, library_export, library_import, library_status

__all__ = [
    "audit_choose",
    "audits",
    "audits_import",
    "child",
    "deep_dive_unchoose",
    "deep_dives",
    "library",
    "library_export",
    "library_import",
    "library_status",
    "pack_part_update",
]
