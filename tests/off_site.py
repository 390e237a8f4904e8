"""`next` values that must never send the browser off the site, for the open-redirect tests,
and where a browser goes for a Location header.

A browser reads a Location header leniently: it treats a backslash as a slash, drops tabs and
line breaks anywhere and spaces at the ends, and takes "https:host" (no slashes) as a full URL.
"""

import re
from urllib.parse import urljoin, urlsplit

OFF_SITE = [
    "https://evil.example/",
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "///evil.example",
    "https:evil.example",
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "/\t/evil.example",  # the browser drops the tab: //evil.example
    "/\n/evil.example",
    " //evil.example",
    "http://testserver@evil.example/",
]
IDS = [repr(target)[1:-1] for target in OFF_SITE]


def destination(location: str, page: str = "http://testserver/") -> tuple[str, str | None]:
    """(scheme, host) a browser on `page` goes to for this Location, read as the URL standard
    reads it: ends stripped of spaces and control characters, tabs and line breaks dropped,
    backslashes taken for slashes, any run of leading slashes for two. A scheme other than the
    page's counts as leaving."""
    url = location.strip("".join(map(chr, range(0x21))))
    url = re.sub(r"[\t\n\r]", "", url).replace("\\", "/")
    url = re.sub(r"^/{2,}", "//", url)  # "///host" is "//host" to a browser
    parts = urlsplit(urljoin(page, url))
    return parts.scheme, parts.hostname
