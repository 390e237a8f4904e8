"""The child-ID rule, pure (no Django), so the Annexe A checker shares it with every form.

A child ID: letters, digits, hyphens and underscores, starting with a letter or digit, with
at least one digit (so a name such as JANESMITH is refused), no spaces, at most 32 characters.
"""

from __future__ import annotations

import re

CHILD_ID_MAX_LENGTH = 32
CHILD_ID = re.compile(r"(?=[^0-9]*[0-9])[A-Za-z0-9][A-Za-z0-9_-]{0,31}")
CHILD_ID_RULE = (
    "a child ID is letters, digits, hyphens or underscores with at least one digit, "
    f"no spaces, and at most {CHILD_ID_MAX_LENGTH} characters, such as CH-100234"
)


def is_child_id(text: str) -> bool:
    return bool(CHILD_ID.fullmatch(text))


def child_id_problem(text: str) -> str | None:
    """Why `text` is not a child ID, or None. The value is never echoed: it may be a name."""
    if is_child_id(text):
        return None
    if not text:
        return "Enter a child ID"
    return f"Enter a child ID, not a name: {CHILD_ID_RULE}"
