"""The child-ID rule, pure (no Django), so the Annexe A checker shares it with every form.

A child ID: letters, digits, hyphens and underscores, starting with a letter or digit, with
at least one digit (so a name such as JANESMITH is refused), no spaces, at most 32 characters.
"""

from __future__ import annotations

import re
from collections.abc import Collection

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


HIDDEN_CHILD_ID = "[ID hidden]"


def hide_child_ids(text: str, hidden: Collection[str], replacement: str = HIDDEN_CHILD_ID) -> str:
    """`text` with each of the `hidden` child IDs replaced wherever no letter or digit touches
    it (so C10 stays inside C104233, but goes from a ref such as debrief-C10). Child IDs hold
    no HTML-special character, so this is safe on a rendered page."""
    if not hidden or not text:
        return text
    # longest first, so CH-10 never eats the start of CH-100234
    alternatives = "|".join(re.escape(c) for c in sorted(hidden, key=len, reverse=True))
    return re.sub(rf"(?<![A-Za-z0-9])(?:{alternatives})(?![A-Za-z0-9])", replacement, text)
