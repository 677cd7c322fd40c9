"""Byte ranges for the preview server: a tiny WSGI app, wrapped, answers Range requests."""

from __future__ import annotations

import io
import wsgiref.util

import pytest

from site_plugins.podcast.devserver import byte_ranges, requested_range

pytestmark = pytest.mark.site

BODY = bytes(range(256)) * 4  # 1024 distinct-enough bytes


def call(app, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[str, dict[str, str], bytes]:
    environ = {"REQUEST_METHOD": method, "PATH_INFO": "/a.mp3"}
    environ.update({"HTTP_" + k.upper().replace("-", "_"): v for k, v in (headers or {}).items()})
    answer = {}

    def start_response(status, headers, exc_info=None):
        answer["status"], answer["headers"] = status, dict(headers)

    result = byte_ranges(app)(environ, start_response)
    try:
        body = b"".join(result)
    finally:
        result.close()
    return answer["status"], answer["headers"], body


def file_app(environ, start_response):
    """Like mkdocs' LiveReloadServer: a file wrapper with its length."""
    start_response("200 OK", [("Content-Type", "audio/mpeg"), ("Content-Length", str(len(BODY)))])
    return wsgiref.util.FileWrapper(io.BytesIO(BODY), blksize=100)


def list_app(environ, start_response):
    """A length, and the body as a list of small pieces (cut without seeking)."""
    start_response("200 OK", [("Content-Type", "audio/mpeg"), ("Content-Length", str(len(BODY)))])
    return [BODY[i:i + 7] for i in range(0, len(BODY), 7)]


def chunked_app(environ, start_response):
    """No length given, the body in small pieces, start_response called only once iterated."""
    def body():
        start_response("200 OK", [("Content-Type", "audio/mpeg")])
        for i in range(0, len(BODY), 7):
            yield BODY[i:i + 7]
    return body()


@pytest.mark.parametrize("app", [file_app, list_app, chunked_app])
@pytest.mark.parametrize("header, first, last", [
    ("bytes=0-0", 0, 0), ("bytes=100-299", 100, 299), ("bytes=1000-", 1000, 1023), ("bytes=-24", 1000, 1023),
    ("bytes=0-", 0, 1023), ("bytes=1000-5000", 1000, 1023), ("bytes=-5000", 0, 1023), ("BYTES=5-9", 5, 9)])
def test_a_range_gets_206_with_exactly_those_bytes(app, header, first, last):
    status, headers, body = call(app, {"Range": header})
    assert status == "206 Partial Content"
    assert body == BODY[first:last + 1]
    assert headers["Content-Range"] == f"bytes {first}-{last}/{len(BODY)}"
    assert headers["Content-Length"] == str(last - first + 1)
    assert headers["Accept-Ranges"] == "bytes" and headers["Content-Type"] == "audio/mpeg"


@pytest.mark.parametrize("header", ["bytes=1024-", "bytes=5000-6000", "bytes=-0"])
def test_a_range_past_the_end_gets_416(header):
    status, headers, body = call(file_app, {"Range": header})
    assert status == "416 Range Not Satisfiable"
    assert headers["Content-Range"] == f"bytes */{len(BODY)}"
    assert body == b""


@pytest.mark.parametrize("headers", [{}, {"Range": "bytes=9-5"}, {"Range": "bytes=0-1,5-6"}, {"Range": "items=0-5"},
                                     {"Range": "bytes=-"}, {"Range": "bytes=0-5", "If-Range": '"etag"'}])
def test_no_range_or_one_not_honoured_gets_the_whole_body(headers):
    status, answer, body = call(file_app, headers)
    assert status == "200 OK" and body == BODY
    assert answer["Content-Length"] == str(len(BODY)) and answer["Accept-Ranges"] == "bytes"


def test_only_complete_get_responses_are_cut():
    def not_found(environ, start_response):
        start_response("404 Not Found", [("Content-Type", "text/html")])
        return [b"missing"]

    assert call(not_found, {"Range": "bytes=0-2"}) == ("404 Not Found", {"Content-Type": "text/html"}, b"missing")
    status, _, body = call(file_app, {"Range": "bytes=0-2"}, method="POST")
    assert (status, body) == ("200 OK", BODY)


def test_the_application_result_is_closed_even_when_unread():
    closed = []

    class Result(list):
        def close(self):
            closed.append(True)

    def app(environ, start_response):
        start_response("200 OK", [("Content-Length", "3")])
        return Result([b"abc"])

    environ = {"REQUEST_METHOD": "GET", "HTTP_RANGE": "bytes=1-"}
    byte_ranges(app)(environ, lambda *args: None).close()
    assert closed == [True]
    assert call(app, {"Range": "bytes=1-"})[2] == b"bc"


def test_requested_range_reads_the_three_forms():
    assert requested_range("bytes=2-4", 10) == range(2, 5)
    assert requested_range("bytes=7-", 10) == range(7, 10)
    assert requested_range("bytes=-3", 10) == range(7, 10)
    assert not requested_range("bytes=10-", 10) and requested_range("bytes=10-", 10) is not None
    assert not requested_range("bytes=-1", 0)
    assert requested_range("bytes=4-2", 10) is None
