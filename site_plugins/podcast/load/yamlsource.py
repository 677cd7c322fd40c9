"""Read YAML into PyYAML nodes, which keep the line and column of every value.

Validation works on nodes rather than on plain Python values so that every
problem can point at the exact place an editor has to fix. Syntax errors are
turned into a `Problem` with a hint for the mistakes editors make most.
"""

from __future__ import annotations

import re

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..errors import Problem, Severity

__all__ = ["MappingNode", "Node", "ScalarNode", "SequenceNode", "compose_yaml", "node_properties", "where"]


class _QuickResolving(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """The safe loader, which libyaml asks for the tag of every scalar: an episode's hundreds of quoted, block or
    Chinese ones can only be text, and are told so without trying the patterns of numbers, dates and booleans
    (`resolve` tries only those of the scalar's first character, and there are none for these)."""

    _FIRSTS = frozenset(yaml.SafeLoader.yaml_implicit_resolvers)

    def resolve(self, kind, value, implicit):
        if kind is ScalarNode and (not implicit[0] or value[:1] not in self._FIRSTS) and \
                None not in self._FIRSTS and not self.yaml_path_resolvers:
            return self.DEFAULT_SCALAR_TAG
        return super().resolve(kind, value, implicit)


_FAST_LOADER = _QuickResolving if hasattr(yaml, "CSafeLoader") else None
"""libyaml composes the same nodes, with the same marks, several times faster."""
_DASH_WITHOUT_SPACE = re.compile(r"^\s*-(?![\s-])\S")


def where(node: Node) -> tuple[int, int]:
    """1-based (line, column) of a node's first character."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def compose_yaml(text: str, path: str) -> tuple[Node | None, Problem | None]:
    """Parse `text` into a node tree, or return the syntax problem with a hint."""
    if _FAST_LOADER is not None:
        try:
            return _checked(yaml.compose(text, Loader=_FAST_LOADER), path)
        except yaml.MarkedYAMLError as exc:
            if "nesting depth" in str(exc.problem):  # the Python parser would recurse until it overflows
                return None, _too_deep(path, exc.problem_mark.line + 1, exc.problem_mark.column + 1)
        except yaml.YAMLError:
            pass  # parsed again below: the Python parser's messages are the ones the hints know
    try:
        return _checked(yaml.compose(text, Loader=yaml.SafeLoader), path)
    except RecursionError:
        return None, _too_deep(path, 1, 1)
    except yaml.MarkedYAMLError as exc:
        return None, _syntax_problem(exc, text, path)
    except yaml.reader.ReaderError as exc:
        before = text[: exc.position]
        line = before.count("\n") + 1
        column = exc.position - (before.rfind("\n") + 1) + 1
        return None, Problem(path, line, column,
                             f"the invisible control character U+{_code(exc.character):04X} is not allowed; delete it")
    except yaml.YAMLError as exc:
        return None, Problem(path, 1, 1, f"not readable as YAML: {exc}")


MAX_DEPTH = 12
"""Levels of lists and mappings an episode file may nest; the format itself needs six."""


def _too_deep(path: str, line: int, column: int) -> Problem:
    return Problem(path, line, column, f"lists or mappings are nested more than {MAX_DEPTH} levels deep; "
                                       "an episode needs at most six: check the brackets and indentation here")


def _checked(root: Node | None, path: str) -> tuple[Node | None, Problem | None]:
    """The tree, unless it nests too deeply (found without recursion: the tree may be very deep)."""
    stack = [(root, 1)] if root is not None else []
    seen: set[int] = set()  # an alias is the same node again: walking it twice could take forever
    while stack:
        node, depth = stack.pop()
        if isinstance(node, (MappingNode, SequenceNode)) and id(node) not in seen:
            seen.add(id(node))
            if depth > MAX_DEPTH:
                return None, _too_deep(path, *where(node))
            children = (n for pair in node.value for n in pair) if isinstance(node, MappingNode) else node.value
            stack.extend((child, depth + 1) for child in children)
    return root, None


_MAYBE_PROPERTY = re.compile(r"(?:^|[\s\[\]{},])[&*!]")
"""Where a YAML anchor, alias or tag may start; most files have none, and need no second pass."""
_STANDARD_TAG = "tag:yaml.org,2002:"


def node_properties(text: str, path: str) -> list[Problem]:
    """Anchors, aliases and tags, each of which silently changes an editor's words.

    `- Ann: &wow that's great` reads as "that's great" (`&wow` is an anchor), `!word` is a tag, and
    `*name` repeats another part of the file: aliases are refused (nothing in the format needs them,
    and a few hundred bytes of them can multiply into hours of audio); anchors and tags are warnings.
    Call it on text that `compose_yaml` accepted.
    """
    if ("&" not in text and "*" not in text and "!" not in text) or not _MAYBE_PROPERTY.search(text):
        return []  # (each `in` a quick scan; the pattern tried at every character of a file took 0.2 ms)
    problems = []
    try:
        events = list(yaml.parse(text, Loader=_FAST_LOADER or yaml.SafeLoader))
    except yaml.YAMLError:  # libyaml refuses a few files that the Python parser (which composed it) reads
        events = list(yaml.parse(text, Loader=yaml.SafeLoader))
    for event in events:
        line, column = event.start_mark.line + 1, event.start_mark.column + 1
        if isinstance(event, yaml.AliasEvent):
            problems.append(Problem(path, line, column, f"'*{event.anchor}' repeats another part of the file "
                                    "(a YAML alias), which episode files do not use; write the text out in full, "
                                    "or put it in quotes if it starts with '*'"))
            continue
        if getattr(event, "anchor", None):
            problems.append(Problem(path, line, column, f"'&{event.anchor}' is read as a YAML anchor and left out "
                                    "of the text; put the whole text in quotes", Severity.WARNING))
        tag = getattr(event, "tag", None)
        if tag and not tag.startswith(_STANDARD_TAG):
            problems.append(Problem(path, line, column, f"'{tag}' is read as a YAML tag and left out of the "
                                    "text; put the whole text in quotes", Severity.WARNING))
    return problems


def _code(character: int | str) -> int:
    return character if isinstance(character, int) else ord(character)


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, path: str) -> Problem:
    lines = text.splitlines()
    leading = _leading_character_hint(lines, exc)
    if leading is not None:
        return Problem(path, *leading)
    dash_line = _find_dash_without_space(lines, exc)
    if dash_line is not None:
        col = len(lines[dash_line]) - len(lines[dash_line].lstrip()) + 1
        return Problem(path, dash_line + 1, col,
                       "a list item needs a space after '-': write '- ' before the item")
    line, column, message = _known_mistake(exc, lines)
    return Problem(path, line, column, message)


def _known_mistake(exc: yaml.MarkedYAMLError, lines: list[str]) -> tuple[int, int, str]:
    """(line, column, message) for the parser's complaint, in words that say what to fix."""
    mark = exc.problem_mark or exc.context_mark
    line, column = mark.line + 1, mark.column + 1
    problem = (exc.problem or "").strip()
    context = exc.context or ""
    at_context = (exc.context_mark.line + 1, exc.context_mark.column + 1) if exc.context_mark else (line, column)
    if "\t" in problem or "'\\t'" in problem:
        return line, column, "a tab character: YAML indents with spaces only; replace the tab with spaces"
    if problem == "mapping values are not allowed here":
        before = (lines[mark.line] if mark.line < len(lines) else "")[:mark.column]
        if re.search(r":\s", before.lstrip("- ")):
            return line, column, ("the text contains ': ', which YAML reads as the start of a new key; "
                                  "put the whole text in quotes, or write it as a block with '|' on the line above")
        return line, column, "this line is indented more than the line above it; align it with its siblings"
    if problem.startswith("expected <block end>") or "did not find expected" in problem:
        return line, column, ("this line's indentation does not match the lines around it; "
                              "items of one list, and keys of one mapping, must start in the same column")
    if "quoted scalar" in context:
        return *at_context, "a quoted text is not closed: add the closing quote, or remove the opening one"
    if "flow" in context:
        return *at_context, "a '[...]' or '{...}' is not closed, or contains ': '; close it, or quote the text"
    if problem.startswith("found undefined") or any(w in context for w in ("alias", "anchor", "tag")):
        return *at_context, ("a text starting with '*', '&' or '!' means something else in YAML; "
                             "put the whole text in quotes")
    if "cannot start any token" in problem:
        return line, column, f"{problem}; a value starting with '@', '`', '%' or '|' must be quoted"
    return line, column, f"YAML syntax error: {problem or exc}"


_VALUE_START = re.compile(r"^(\s*(?:-\s+)?[^\s#'\"\[{][^:#]*:\s+)(\S)")
_LEADING = {
    "'": "a text that starts with a quote must end with it, or YAML reads the quote as the text's end",
    '"': "a text that starts with a quote must end with it, or YAML reads the quote as the text's end",
    "[": "a text that starts with '[' is read as a list",
    "{": "a text that starts with '{' is read as a mapping",
    ">": "a text that starts with '>' is read as the start of a folded block",
    "|": "a text that starts with '|' is read as the start of a block",
    "?": "a text that starts with '?' is read as a complex key",
}


def _leading_character_hint(lines: list[str], exc: yaml.MarkedYAMLError) -> tuple[int, int, str] | None:
    """(line, column, message) when the value on the failing line starts with a character that YAML
    gives a meaning (a quote, a bracket, a block indicator) and more text follows it."""
    marks = {m.line for m in (exc.context_mark, exc.problem_mark) if m is not None}
    for number in sorted(marks):
        match = _VALUE_START.match(lines[number]) if number < len(lines) else None
        if not match or match.group(2) not in _LEADING:
            continue
        first = match.group(2)
        context = exc.context or ""
        if (first in "'\"" and "quoted scalar" in context) or (first in "[{" and "flow" in context):
            return None  # an unclosed quote or bracket: its own message says what to do
        fix = ("put the whole text in the other kind of quotes (\"'...' and more\")" if first in "'\"" else
               "put the whole text in quotes")
        return number + 1, len(match.group(1)) + 1, (f"{_LEADING[first]}; {fix}, or write it as a block "
                                                     "with '|' on the line above")
    return None


def _find_dash_without_space(lines: list[str], exc: yaml.MarkedYAMLError) -> int | None:
    """The line of a '-item' (no space) near the error, which YAML misreads."""
    marks = [m for m in (exc.context_mark, exc.problem_mark) if m is not None]
    first = min(m.line for m in marks)
    last = max(m.line for m in marks)
    for number in range(first, min(last, len(lines) - 1) + 1):
        if _DASH_WITHOUT_SPACE.match(lines[number]):
            return number
    return None
