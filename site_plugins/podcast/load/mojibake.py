"""Text that was UTF-8 but was read as Latin-1 or Windows-1252 on its way into a file: '科技' became
'ç§‘æŠ€', an em dash 'â€”'. Such a run of characters encodes back to bytes that are valid UTF-8 for
something else; real Latin-1 words ('café', 'Ærø') do not."""

from __future__ import annotations

import re

_RUN = re.compile(r"[\u0080-\u00ff\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6\u02dc\u2013\u2014"
                  r"\u2018-\u201a\u201c-\u201e\u2020-\u2022\u2026\u2030\u2039\u203a\u20ac\u2122\x20-\x7f]{2,}")
"""Characters that Windows-1252 or Latin-1 give for single bytes, in runs (ASCII included, since the
garbled text of a sentence has spaces and punctuation between its pieces)."""


def _as_bytes(text: str) -> bytes | None:
    """The bytes a Windows-1252 (or, for its five gaps, Latin-1) reading turned into `text`."""
    out = bytearray()
    for char in text:
        try:
            out += char.encode("cp1252")
        except UnicodeEncodeError:
            if ord(char) > 0xFF:
                return None
            out.append(ord(char))
    return bytes(out)


def garbled(text: str) -> tuple[str, str] | None:
    """(the first garbled run, what it said) when `text` holds UTF-8 read as Latin-1 or Windows-1252."""
    for match in _RUN.finditer(text):
        run = match.group()
        if run.isascii():
            continue
        data = _as_bytes(run)
        try:
            repaired = data.decode("utf-8") if data is not None else None
        except UnicodeDecodeError:
            continue
        if repaired is not None and repaired != run and not repaired.isascii():
            wide = [i for i, char in enumerate(run) if not char.isascii()]
            core = run[wide[0]:wide[-1] + 1]
            return core, _as_bytes(core).decode("utf-8", "replace")
    return None
