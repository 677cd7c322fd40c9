"""What a preview server needs beyond serving files: answers to HTTP byte-range requests.

A browser seeks audio by asking for the bytes from a position on (RFC 9110, section 14). A server
that answers every request with the whole file makes each seek start again at the beginning.
`byte_ranges` wraps any WSGI application and answers one range of any complete (200) response.
"""

from __future__ import annotations

import errno
import logging
import re
import socket
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from typing import Any

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]

_RANGE = re.compile(r"bytes=(\d*)-(\d*)", re.IGNORECASE)
_BLOCK = 64 * 1024


def byte_ranges(app: WSGIApp) -> WSGIApp:
    """`app`, answering `Range: bytes=a-b`, `bytes=a-` and `bytes=-n` with 206 (or 416) responses."""

    def ranged(environ: dict, start_response: Callable) -> Iterable[bytes]:
        response = _Response()
        result = app(environ, response.start)
        chunks = response.body(result)
        if not response.status.startswith("200 ") or environ.get("REQUEST_METHOD", "GET") not in ("GET", "HEAD"):
            start_response(response.status, response.headers, response.exc_info)
            return _Body(chunks, result)
        headers = [(k, v) for k, v in response.headers if k.lower() != "accept-ranges"] + [("Accept-Ranges", "bytes")]
        header = environ.get("HTTP_RANGE", "")
        # A conditional range (If-Range) cannot be checked here: RFC 9110 allows the whole body instead.
        if not header or "HTTP_IF_RANGE" in environ:
            start_response(response.status, headers)
            return _Body(chunks, result)
        size = response.content_length()
        if size is None:
            data = b"".join(chunks)
            size, chunks = len(data), iter([data])
        wanted = requested_range(header, size)
        if wanted is None:
            start_response(response.status, headers)
            return _Body(chunks, result)
        return _partial(wanted, size, headers, chunks, result, start_response, seekable=response.untouched)

    return ranged


def requested_range(header: str, size: int) -> range | None:
    """The bytes a `Range` header asks for out of `size`: None to ignore it, empty when none exists (416).

    A header this cannot honour as one range (another unit, several ranges, a malformed one) is
    ignored, as RFC 9110 allows: the whole body is the answer.
    """
    match = _RANGE.fullmatch(header.strip())
    if match is None or match[1] == match[2] == "":
        return None
    if match[1] == "":  # the last n bytes
        return range(max(size - int(match[2]), 0), size) if int(match[2]) else range(0)
    first = int(match[1])
    if match[2] and int(match[2]) < first:
        return None
    return range(first, min(int(match[2]) + 1, size) if match[2] else size)  # empty when first >= size


def _partial(wanted: range, size: int, headers: list, chunks: Iterator[bytes], result: Any,
             start_response: Callable, *, seekable: bool) -> Iterable[bytes]:
    kept = [(k, v) for k, v in headers if k.lower() not in ("content-length", "content-range")]
    if not wanted:
        start_response("416 Range Not Satisfiable",
                       [*kept, ("Content-Range", f"bytes */{size}"), ("Content-Length", "0")])
        return _Body(iter(()), result)
    start_response("206 Partial Content", [*kept, ("Content-Range", f"bytes {wanted.start}-{wanted.stop - 1}/{size}"),
                                           ("Content-Length", str(len(wanted)))])
    filelike = getattr(result, "filelike", None)  # wsgi.file_wrapper's file: read the range, not all before it
    if seekable and filelike is not None and getattr(filelike, "seekable", lambda: False)():
        return _Body(_read(filelike, wanted), result)
    return _Body(_slice(chunks, wanted), result)


def _read(filelike: Any, wanted: range) -> Iterator[bytes]:
    filelike.seek(wanted.start)
    left = len(wanted)
    while left > 0:
        block = filelike.read(min(left, _BLOCK))
        if not block:
            return
        left -= len(block)
        yield block


def _slice(chunks: Iterable[bytes], wanted: range) -> Iterator[bytes]:
    offset = 0
    for chunk in chunks:
        end = offset + len(chunk)
        if end > wanted.start:
            yield chunk[max(wanted.start - offset, 0): wanted.stop - offset]
        offset = end
        if offset >= wanted.stop:
            return


class _Response:
    """What the wrapped application answered, held back until the range is known."""

    def __init__(self) -> None:
        self.status = ""
        self.headers: list[tuple[str, str]] = []
        self.exc_info = None
        self.written: list[bytes] = []
        self.untouched = True
        """Whether the body is still all in the application's result (nothing read or written yet)."""

    def start(self, status: str, headers: list, exc_info=None) -> Callable[[bytes], None]:
        self.status, self.headers, self.exc_info = status, list(headers), exc_info
        return self.written.append

    def body(self, result: Iterable[bytes]) -> Iterator[bytes]:
        """The body's chunks; an application may call start_response only once its body is iterated."""
        iterator = iter(result)
        early: list[bytes] = []
        while not self.status:
            try:
                early.append(next(iterator))
            except StopIteration:
                raise RuntimeError("the WSGI application returned without calling start_response") from None
        self.untouched = not early and not self.written
        return chain(self.written, early, iterator)

    def content_length(self) -> int | None:
        for name, value in self.headers:
            if name.lower() == "content-length" and value.strip().isdigit():
                return int(value)
        return None


class _Body:
    """A response body that closes the application's result, as WSGI requires, even when never iterated."""

    def __init__(self, chunks: Iterable[bytes], result: Any) -> None:
        self._chunks = chunks
        self._result = result

    def __iter__(self) -> Iterator[bytes]:
        return iter(self._chunks)

    def close(self) -> None:
        close = getattr(self._result, "close", None)
        if close is not None:
            close()


def port_problem(host: str, port: int) -> str:
    """'' when a preview server can listen at host:port; else one line that says what to do."""
    try:
        with socket.create_server((host, port)):
            return ""
    except OSError as exc:
        reason = "is in use (is another preview running?)" if exc.errno == errno.EADDRINUSE else f"cannot be used " \
            f"({exc.strerror})"
        return (f"{host}:{port} {reason}; stop the other server, or preview at another port: "
                f"scripts/site serve -a {host}:{port + 1}")


class ExpectedAnswers(logging.Filter):
    """Drops a preview server's log lines for answers that are no trouble: 206 (a byte range, each time a
    browser seeks audio) and 304 (not modified). A server that logs all but 200 as warnings would otherwise
    fill the terminal with them."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.levelno == logging.WARNING and _EXPECTED.search(record.getMessage()))


_EXPECTED = re.compile(r'" code (206|304)$')
