"""`published.json`: what was published, under which GUID, from which file, at which address.

A GUID made from an episode file's name would change when the file is renamed; the record lets a
build keep the GUID an episode was published with, and the addresses its page had working. Entries are
never dropped: a renamed or restored file finds its GUID again however long ago it was published.
"""

from __future__ import annotations

import json
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


def read_record(path: Path) -> dict[str, Published]:
    """GUID -> entry; an absent or unreadable record is empty (the next publish writes a new one)."""
    try:
        return parse_record(path.read_bytes())
    except OSError:
        return {}


def parse_record(data: bytes) -> dict[str, Published]:
    """GUID -> entry, from a record's bytes; empty when they are not one. A malformed entry is skipped alone:
    one bad line must not cost every other episode its GUID history (a renamed episode would get a new one)."""
    try:
        data = json.loads(data.decode("utf-8"))
        entries = data["episodes"] if isinstance(data, dict) and data.get("format") == FORMAT else {}
    except (ValueError, RecursionError, UnicodeDecodeError):  # RecursionError: nesting too deep to be a record
        return {}
    if not isinstance(entries, dict):
        return {}
    found = {}
    for guid, entry in entries.items():
        published = _entry(guid, entry)
        if published is not None:
            found[guid] = published
    return found


_TEXT_FIELDS = ("file", "slug", "title", "date", "audio", "page")


def _entry(guid: object, entry: object) -> Published | None:
    """One record entry, or None when any of its fields is not what a publish writes."""
    if not isinstance(guid, str) or not guid or len(guid) > 2000 or not isinstance(entry, dict) \
            or any(key not in Published.__slots__ or key == "guid" for key in entry):
        return None
    if any(not isinstance(entry.get(key, ""), str) for key in _TEXT_FIELDS) \
            or not isinstance(entry.get("given", False), bool) or not isinstance(entry.get("former", []), list) \
            or not all(isinstance(url, str) for url in entry.get("former", [])):
        return None
    try:
        guid.encode("utf-8")  # a lone surrogate would break every file it is written to
    except UnicodeEncodeError:
        return None
    fields = {key: tuple(value) if key == "former" else value for key, value in entry.items()}
    return Published(guid=guid, **{"file": "", "slug": "", "title": "", "date": "", "given": False, **fields})


def record_bytes(entries: Mapping[str, Published]) -> bytes:
    body = {guid: {k: v for k, v in asdict(entry).items() if k != "guid"} for guid, entry in sorted(entries.items())}
    return (json.dumps({"format": FORMAT, "episodes": body}, ensure_ascii=False, indent=1, sort_keys=True)
            + "\n").encode("utf-8")


def merged(*records: Mapping[str, Published]) -> dict[str, Published]:
    """Every GUID of every record; a later record's entry wins."""
    result: dict[str, Published] = {}
    for record in records:
        result.update(record)
    return result


def with_published(record: Mapping[str, Published], published: Iterable[Published]) -> dict[str, Published]:
    return merged(record, {entry.guid: entry for entry in published})
