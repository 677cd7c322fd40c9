"""`published.json`: what was published, under which GUID, from which file, at which address.

A GUID made from an episode file's name would change when the file is renamed; the record lets a
build keep the GUID an episode was published with, and the addresses its page had working. Entries are
never dropped: a renamed or restored file finds its GUID again however long ago it was published.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

RECORD_NAME = "published.json"
FORMAT = 1


@dataclass(frozen=True, slots=True)
class Published:
    guid: str
    file: str
    """The episode file, relative to the project ('episodes/x.yaml')."""
    slug: str
    title: str
    date: str
    """ISO date of publication."""
    given: bool
    """The GUID was written in the file (`guid:`), so it moves with the file's content by itself."""
    audio: str = ""
    """The MP3's address on the site when it was published."""
    page: str = ""
    """The episode page's address on the site when it was published ('episodes/x/'); '' in records
    written before addresses could change, when it was '<episodes_uri>/<slug>/'."""
    former: tuple[str, ...] = ()
    """Addresses the page had before `page`: each keeps a page that sends a visitor on to the new one."""


MAX_BYTES = 32 << 20
"""A record larger than this is not read (some 60 000 episodes fit)."""
MAX_DEPTH = 16
"""Nesting deeper than this is cut (an entry nests 2 levels): JSON nested 100 000 deep would exhaust the stack."""
MAX_TEXT = 4096
"""Characters of one field of an entry at most; `former` holds at most as many addresses."""


@dataclass(frozen=True, slots=True)
class Record:
    """A record as read: the entries that could be read, and what could not, kept for the next store."""

    entries: dict[str, Published]
    unread: dict[str, object]
    """GUID -> an entry that could not be read, as written (nesting beyond `MAX_DEPTH` cut): stored again as it
    is, so that no history is dropped without a word; an entry of this publish for that GUID replaces it."""
    problems: tuple[tuple[int, int, str], ...] = ()
    """(line, column, what is wrong and what becomes of it) in the record; line 0: the whole file."""


def read_record(path: Path) -> dict[str, Published]:
    """GUID -> entry; an absent or unreadable record is empty (the next publish writes a new one)."""
    return load_record(path).entries


def load_record(path: Path) -> Record:
    """The record at `path`, each entry that cannot be read set aside with a located problem."""
    try:
        with path.open("rb") as file:
            data = file.read(MAX_BYTES + 1)
    except OSError:
        return Record({}, {})
    return parse_record_in_full(data)


def parse_record(data: bytes) -> dict[str, Published]:
    """GUID -> entry, from a record's bytes; empty when they are not one."""
    return parse_record_in_full(data).entries


def parse_record_in_full(data: bytes) -> Record:
    if len(data) > MAX_BYTES:
        return _unreadable(0, 0, f"it is larger than {MAX_BYTES >> 20} MB")
    try:
        text = data.decode("utf-8")
        loaded = _loads(text)
    except UnicodeDecodeError as exc:
        return _unreadable(0, 0, f"byte {exc.start} is not UTF-8")
    except json.JSONDecodeError as exc:
        return _unreadable(exc.lineno, exc.colno, f"it is not JSON ({exc.msg})")
    except ValueError as exc:  # a number of more digits than Python reads
        return _unreadable(0, 0, str(exc).split(";")[0])
    episodes = loaded.get("episodes") if isinstance(loaded, dict) and loaded.get("format") == FORMAT else None
    if not isinstance(episodes, dict):
        return _unreadable(1, 1, f"it is not a publish record of format {FORMAT}")
    entries, unread, problems = {}, {}, []
    for guid, raw in episodes.items():
        entry, why = _entry(guid, raw)
        if entry is not None:
            entries[guid] = entry
            continue
        unread[guid] = raw
        shown = json.dumps(guid)[:80]
        problems.append((_line_of(text, guid), 0, f"the entry of the GUID {shown} is skipped ({why}); it is kept "
                         "as written for the next store, where an entry published under that GUID replaces it"))
    return Record(entries, unread, tuple(problems))


def _unreadable(line: int, column: int, why: str) -> Record:
    return Record({}, {}, ((line, column, f"the publish record cannot be read ({why}); its GUIDs are not kept in "
                                          "this build, and the next publish stores a new record in its place"),))


def _loads(text: str) -> object:
    """JSON with nesting beyond `MAX_DEPTH` replaced by null (linear in the text, only when it is that deep)."""
    try:
        return json.loads(text)
    except RecursionError:
        pass
    pieces, depth, cut, at = [], 0, -1, 0
    for token in re.finditer(r'"(?:[^"\\]|\\.)*"|[\[{]|[\]}]', text):
        mark = token.group()
        if mark in "[{":
            depth += 1
            if depth == MAX_DEPTH + 1:
                cut = token.start()
        elif mark in "]}":
            depth -= 1
            if depth == MAX_DEPTH and cut >= 0:
                pieces += [text[at:cut], "null"]
                at, cut = token.end(), -1
    return json.loads("".join(pieces) + text[at:] if cut < 0 else "".join(pieces) + text[at:cut] + "null")


def _entry(guid: str, raw: object) -> tuple[Published | None, str]:
    """An entry of the record, or None and why it cannot be read."""
    if not _text(guid) or not guid:
        return None, "the GUID is empty, too long or not Unicode text"
    if not isinstance(raw, dict):
        return None, "it is not an object"
    fields = {}
    for name in Published.__slots__:
        if name == "guid" or name not in raw:
            continue
        value = raw[name]
        if name == "given":
            ok = isinstance(value, bool)
        elif name == "former":
            ok = isinstance(value, list) and len(value) <= MAX_TEXT and all(_text(v) for v in value)
            value = tuple(value) if ok else value
        else:
            ok = _text(value)
        if not ok:
            return None, f"its '{name}' is not what a record holds there"
        fields[name] = value
    missing = [name for name in ("file", "slug", "title", "date", "given") if name not in fields]
    if missing:
        return None, f"it has no '{missing[0]}'"
    return Published(guid=guid, **fields), ""


def _text(value: object) -> bool:
    """Unicode text of a sane length (a lone surrogate, which JSON may carry, is not)."""
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _line_of(text: str, guid: str) -> int:
    """The line where the entry of `guid` starts, as a build writes it; 0 when it cannot be found."""
    at = text.find(json.dumps(guid, ensure_ascii=False) + ":")
    return text.count("\n", 0, at) + 1 if at >= 0 else 0


def record_bytes(entries: Mapping[str, Published], unread: Mapping[str, object] | None = None) -> bytes:
    """The record's bytes; `unread` entries (see `Record`) are kept where `entries` has no entry for their GUID."""
    body = {guid: raw for guid, raw in (unread or {}).items() if guid not in entries}
    body |= {guid: {k: v for k, v in asdict(entry).items() if k != "guid"} for guid, entry in entries.items()}
    text = json.dumps({"format": FORMAT, "episodes": dict(sorted(body.items()))}, ensure_ascii=False, indent=1,
                      sort_keys=True)
    # A lone surrogate, which only a JSON string can hold, is written as the escape it was read from.
    return (text + "\n").encode("utf-8", "backslashreplace")


def merged(*records: Mapping[str, Published]) -> dict[str, Published]:
    """Every GUID of every record; a later record's entry wins."""
    result: dict[str, Published] = {}
    for record in records:
        result.update(record)
    return result


def with_published(record: Mapping[str, Published], published: Iterable[Published]) -> dict[str, Published]:
    return merged(record, {entry.guid: entry for entry in published})
