"""Where a ``next`` parameter may send someone: the one rule for every redirect target taken from a
request (language switch, OAuth return, QR-login return, console sign-in, the sign-in detours).

A browser does not read a ``Location`` the way a naive check does: it drops tabs and newlines anywhere,
trims control characters and spaces at both ends, reads ``\\`` as ``/``, and maps full-width forms of
``/`` in hosts. So ``/\\t/evil.example`` and ``/\\evil.example`` both become ``//evil.example``: another
site. We first normalise as a browser would, then accept only a path on this site, and hand back the
normalised string, so what was checked is what is sent.
"""

from __future__ import annotations

import unicodedata
from urllib.parse import quote, unquote, urlsplit

# Removed anywhere in a URL by the WHATWG URL parser.
_DROPPED = str.maketrans("", "", "\t\n\r")
# Trimmed from both ends by the parser: C0 controls and space.
_TRIMMED = "".join(chr(c) for c in range(0x21))
# Kept as they are when the result is percent-encoded (everything else, e.g. spaces or Chinese, is escaped).
_SAFE = "/?#&=%;:@+$,!~*'()[]-._"


def _as_browser_reads(url: str) -> str:
    url = unicodedata.normalize("NFKC", url.translate(_DROPPED).strip(_TRIMMED))
    return url.replace("\\", "/")


def _is_local_path(url: str) -> bool:
    if not url.startswith("/") or url.startswith("//"):
        return False
    if any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in url):
        return False
    parts = urlsplit(url)
    return not parts.scheme and not parts.netloc


def safe_next(target: str | None, default: str) -> str:
    """``target`` if it is a path on this site (normalised as a browser reads it), else ``default``.

    The percent-decoded form must be a local path too: some proxies and frameworks decode once more.
    """
    if not isinstance(target, str) or not target:
        return default
    url = _as_browser_reads(target)
    if not _is_local_path(url) or not _is_local_path(_as_browser_reads(unquote(url))):
        return default
    return quote(url, safe=_SAFE)
