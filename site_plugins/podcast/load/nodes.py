"""Typed reads of YAML nodes that record a located problem instead of raising."""

from __future__ import annotations

import difflib
import re
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from ..errors import Problem, Severity
from .fields import LANGUAGE_PATTERN, URL_PATTERN, FieldSpec
from .mojibake import garbled
from .yamlsource import MappingNode, Node, ScalarNode, SequenceNode, where

_NULL_TAG = "tag:yaml.org,2002:null"
_UNWRITABLE = re.compile("[\ud800-\udfff\ufffe\uffff]")
"""What a YAML escape can put in a string but no UTF-8 file can hold: lone surrogates and
non-characters. (Control characters are dropped on output instead, so hostile text still builds.)"""
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
"""Invisible characters that quoted YAML escapes can make: they break a page's front matter or title,
so they are removed, with a warning (tab and line feed stay)."""
_COMMENT_AFTER = re.compile(r"[ \t]+#")
_LANGUAGE = re.compile(LANGUAGE_PATTERN)
MAX_URL = 2000
LATEST_YEAR = 9000
"""Later dates are mistakes, and near the calendar's end (9999) a time zone's shift overflows."""
EARLIEST_YEAR = 1900
"""Before about 1900 time zones had odd local offsets (+08:05:43): no podcast is dated then."""
_KINDS = {MappingNode: "a mapping (key: value lines)", SequenceNode: "a list", ScalarNode: "text"}


def describe(node: Node) -> str:
    return _KINDS.get(type(node), "something else")


def is_null(node: Node | None) -> bool:
    return node is None or (isinstance(node, ScalarNode) and node.tag == _NULL_TAG)


class NodeReader:
    """Collects every problem of one file while its nodes are read."""

    def __init__(self, path: str, source: str = "") -> None:
        self.path = path
        self.source = source
        """The file's text, to tell what YAML left out of a value (a comment after it)."""
        self.problems: list[Problem] = []

    def error(self, node: Node, message: str) -> None:
        line, column = where(node)
        self.problems.append(Problem(self.path, line, column, message))

    def warn(self, node: Node, message: str) -> None:
        line, column = where(node)
        self.problems.append(Problem(self.path, line, column, message, Severity.WARNING))

    @property
    def failed(self) -> bool:
        return any(p.is_error for p in self.problems)

    def mapping(self, node: Node, name: str, fields: dict[str, FieldSpec] | None) -> dict[str, tuple[Node, Node]]:
        """Key -> (key node, value node); reports duplicates, unknown and missing keys."""
        if not isinstance(node, MappingNode):
            self.error(node, f"{name} must be {_KINDS[MappingNode]}, found {describe(node)}")
            return {}
        entries: dict[str, tuple[Node, Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, ScalarNode) else ""
            if not isinstance(key_node, ScalarNode) or not key.strip():
                self.error(key_node, f"a key in {name} must be plain text")
                continue
            if _UNWRITABLE.search(key) or _CONTROL.search(key):
                self.error(key_node, f"a key in {name} holds an invisible or unwritable character; retype the key")
                continue
            if key in entries:
                first_line = where(entries[key][0])[0]
                self.error(key_node, f"key '{key}' appears twice in {name} (first on line {first_line}); keep one")
                continue
            entries[key] = (key_node, value_node)
        if fields is not None:
            self._check_keys(node, name, entries, fields)
        return entries

    def _check_keys(self, node: Node, name: str, entries: dict[str, tuple[Node, Node]],
                    fields: dict[str, FieldSpec]) -> None:
        for key, (key_node, _) in entries.items():
            if key not in fields:
                # An error, as in the editors' schema: a misspelt field would otherwise be lost without a word.
                self.error(key_node, f"unknown key '{key}' in {name}{did_you_mean(key, fields)}; correct its name "
                                     "or remove it")
        for key, spec in fields.items():
            if spec.required and key not in entries:
                message = f"{name} has no '{key}'; it is required"
                if name == "the episode":  # the top of the file: not the first key's line after a comment
                    self.problems.append(Problem(self.path, 1, 1, message, missing=True))
                else:
                    self.error(node, message)

    def text(self, node: Node, name: str, *, allow_empty: bool = False, limit: int = 0,
             prose: bool = False) -> str | None:
        """A scalar's text exactly as written: `title: yes` stays 'yes', `2024` stays '2024'.

        `limit`: most characters allowed (0: no limit). `prose`: words an editor wrote, where a
        ` #` that YAML reads as the start of a comment silently cuts the text.
        """
        if is_null(node) or (isinstance(node, ScalarNode) and not node.value.strip()):
            if not allow_empty:
                hint = self._comment_hint(node) or "write its text or remove the line"
                self.error(node, f"{name} is empty; {hint}")
            return None
        if not isinstance(node, ScalarNode):
            self.error(node, f"{name} must be text, found {describe(node)}; put it in quotes if it is meant as text")
            return None
        value = node.value.strip()
        bad = _UNWRITABLE.search(value)
        if bad:
            self.error(node, f"{name} holds the character U+{ord(bad.group()):04X}, which pages and feeds "
                             "cannot carry; remove it (a \\u escape in quotes makes one)")
            return None
        if limit and len(value) > limit:
            self.error(node, f"{name} is {len(value)} characters long; at most {limit} are allowed")
            return None
        hint = self._comment_hint(node) if prose else ""
        if hint:
            self.warn(node, f"{name} is cut short: {hint}")
        found = garbled(value)
        if found:  # its C1 control characters are part of it: one warning, not two
            self.warn(node, f"{name} looks garbled: '{_CONTROL.sub('', found[0])}' is UTF-8 text read as Latin-1 or "
                            f"Windows-1252, and probably meant '{found[1]}'; paste it again from its source, or save "
                            "the file as UTF-8")
            return _CONTROL.sub("", value).strip()
        return self._without_controls(node, name, value)

    def choice(self, node: Node, name: str, choices: tuple[str, ...]) -> str | None:
        value = self.text(node, name)
        if value is not None and value not in choices:
            self.error(node, f"{name} '{value}' is not one of: {', '.join(choices)}{did_you_mean(value, choices)}")
            return None
        return value

    def _without_controls(self, node: Node, name: str, value: str) -> str:
        found = _CONTROL.search(value)
        if found:
            self.warn(node, f"{name} holds the invisible control character U+{ord(found.group()):04X}, which is "
                            "removed; delete it from the file (a \\x or \\u escape in quotes makes one)")
            value = _CONTROL.sub("", value).strip()
        return value

    def _comment_hint(self, node: Node) -> str:
        """What to do when a plain value is followed on its line by ' #' (YAML's comment), else ''."""
        if not isinstance(node, ScalarNode) or node.style or not self.source:  # plain: None, or "" from libyaml
            return ""
        start = node.end_mark.index
        end = self.source.find("\n", start)
        rest = self.source[start:end if end != -1 else len(self.source)]  # this line alone: linear in the file
        if not _COMMENT_AFTER.match(rest):
            return ""
        return ("YAML reads ' #' and what follows on the line as a comment and leaves it out; "
                "put the whole text in quotes, or write it as a block with '|'")

    def text_list(self, node: Node, name: str, *, limit: int = 0, most: int = 0) -> tuple[str, ...]:
        if not isinstance(node, SequenceNode):
            self.error(node, f"{name} must be a list, e.g. [a, b], found {describe(node)}")
            return ()
        if most and len(node.value) > most:
            self.error(node, f"{name} has {len(node.value)} items; at most {most} are allowed")
            return ()
        values: list[str] = []
        for item in node.value:
            value = self.text(item, f"an item of {name}", limit=limit)
            if value is None:
                continue
            if value in values:
                self.warn(item, f"'{value}' is listed twice in {name}; the second is ignored")
                continue
            values.append(value)
        return tuple(values)

    def boolean(self, node: Node, name: str) -> bool | None:
        if isinstance(node, ScalarNode) and node.value in ("true", "false"):
            return node.value == "true"
        self.error(node, f"{name} must be true or false, found '{_shown(node)}'")
        return None

    def integer(self, node: Node, name: str) -> int | None:
        if isinstance(node, ScalarNode) and re.fullmatch(r"[0-9]{1,6}", node.value) and int(node.value) > 0:
            return int(node.value)
        self.error(node, f"{name} must be a whole number from 1 up, found '{_shown(node)}'")
        return None

    def language(self, node: Node, name: str) -> str | None:
        value = self.text(node, name)
        if value is not None and not _LANGUAGE.match(value):
            self.error(node, f"{name} '{value}' is not a language code; write one like zh-CN or en")
            return None
        return value

    def url(self, node: Node, name: str) -> str | None:
        value = self.text(node, name, limit=MAX_URL)
        if value is not None and not re.match(URL_PATTERN, value):
            self.error(node, f"{name} '{value}' is not a web address; write it in full, starting with https://")
            return None
        return value

    def moment(self, node: Node, name: str, zone: ZoneInfo) -> tuple[datetime, bool] | None:
        """(aware datetime, whether a time was given) from a date or a datetime with offset."""
        raw = self.text(node, name)
        if raw is None:
            return None
        try:
            if re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                value = datetime.combine(date.fromisoformat(raw), time(), zone)
            elif re.fullmatch(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?[0-5]\d)?", raw):
                # The offset's minutes stay under 60 by the pattern: fromisoformat reads +08:99 as +09:39.
                value = datetime.fromisoformat(raw.replace("Z", "+00:00"))
            else:
                raise ValueError(raw)
        except ValueError:
            self.error(node, f"{name} '{raw}' is not a date; write YYYY-MM-DD, e.g. 2025-12-08")
            return None
        if value.year < EARLIEST_YEAR:
            self.error(node, f"{name} '{raw}' is before {EARLIEST_YEAR}; check the year")
            return None
        if value.year > LATEST_YEAR:  # at the calendar's end, a time zone's shift would leave it
            self.error(node, f"{name} '{raw}' is after {LATEST_YEAR}; check the year")
            return None
        if value.tzinfo is None:
            self.error(node, f"{name} '{raw}' has a time but no UTC offset; add one, e.g. {raw}+08:00, "
                             "or give the date alone")
            return None
        return value, bool(re.search(r"[T ]", raw))


def did_you_mean(word: str, choices) -> str:
    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _shown(node: Node) -> str:
    return node.value if isinstance(node, ScalarNode) else describe(node)
