"""Read YAML into PyYAML nodes, which keep the line and column of every value.

Validation works on nodes rather than on plain Python values so that every
problem can point at the exact place an editor has to fix. Syntax errors are
turned into a `Problem` with a hint for the mistakes editors make most.
"""

from __future__ import annotations

import re

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problem

__all__ = ["MappingNode", "Node", "ScalarNode", "SequenceNode", "compose_yaml", "where"]

_FAST_LOADER = getattr(yaml, "CSafeLoader", None)
"""libyaml composes the same nodes, with the same marks, several times faster."""
_DASH_WITHOUT_SPACE = re.compile(r"^\s*-(?![\s-])\S")


def where(node: Node) -> tuple[int, int]:
    """1-based (line, column) of a node's first character."""
    return node.start_mark.line + 1, node.start_mark.column + 1


def compose_yaml(text: str, path: str) -> tuple[Node | None, Problem | None]:
    """Parse `text` into a node tree, or return the syntax problem with a hint."""
    if _FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=_FAST_LOADER), None
        except yaml.YAMLError:
            pass  # parsed again below: the Python parser's messages are the ones the hints know
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader), None
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


def _code(character: int | str) -> int:
    return character if isinstance(character, int) else ord(character)


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, path: str) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    lines = text.splitlines()
    line, column = mark.line, mark.column
    problem = (exc.problem or "").strip()
    source_line = lines[line] if line < len(lines) else ""

    dash_line = _find_dash_without_space(lines, exc)
    if dash_line is not None:
        col = len(lines[dash_line]) - len(lines[dash_line].lstrip()) + 1
        return Problem(path, dash_line + 1, col,
                       "a list item needs a space after '-': write '- ' before the item")
    if "\t" in problem or "'\\t'" in problem:
        return Problem(path, line + 1, column + 1,
                       "a tab character: YAML indents with spaces only; replace the tab with spaces")
    if problem == "mapping values are not allowed here":
        before = source_line[:column]
        if re.search(r":\s", before.lstrip("- ")):
            return Problem(path, line + 1, column + 1,
                           "the text contains ': ', which YAML reads as the start of a new key; "
                           "put the whole text in quotes, or write it as a block with '|' on the line above")
        return Problem(path, line + 1, column + 1,
                       "this line is indented more than the line above it; align it with its siblings")
    if problem.startswith("expected <block end>") or "did not find expected" in problem:
        return Problem(path, line + 1, column + 1,
                       "this line's indentation does not match the lines around it; "
                       "items of one list, and keys of one mapping, must start in the same column")
    if exc.context and "quoted scalar" in exc.context:
        cm = exc.context_mark
        return Problem(path, cm.line + 1, cm.column + 1,
                       "a quoted text is not closed: add the closing quote, or remove the opening one")
    if exc.context and "flow" in exc.context:
        cm = exc.context_mark
        return Problem(path, cm.line + 1, cm.column + 1,
                       "a '[...]' or '{...}' is not closed, or contains ': '; close it, or quote the text")
    if problem.startswith("found undefined") or any(w in (exc.context or "") for w in ("alias", "anchor", "tag")):
        cm = exc.context_mark or mark
        return Problem(path, cm.line + 1, cm.column + 1,
                       "a text starting with '*', '&' or '!' means something else in YAML; "
                       "put the whole text in quotes")
    if "cannot start any token" in problem:
        return Problem(path, line + 1, column + 1,
                       f"{problem}; a value starting with '@', '`', '%' or '|' must be quoted")
    return Problem(path, line + 1, column + 1, f"YAML syntax error: {problem or exc}")


def _find_dash_without_space(lines: list[str], exc: yaml.MarkedYAMLError) -> int | None:
    """The line of a '-item' (no space) near the error, which YAML misreads."""
    marks = [m for m in (exc.context_mark, exc.problem_mark) if m is not None]
    first = min(m.line for m in marks)
    last = max(m.line for m in marks)
    for number in range(first, min(last, len(lines) - 1) + 1):
        if _DASH_WITHOUT_SPACE.match(lines[number]):
            return number
    return None
