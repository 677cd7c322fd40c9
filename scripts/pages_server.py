"""Serve a built site as GitHub Pages does: text types gzip-compressed, other files as they are.

Used by the benchmarks (scripts/bench.py, scripts/lighthouse.py), so that what a browser downloads is
measured at its size on the wire.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import io
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class GzipHandler(http.server.SimpleHTTPRequestHandler):
    """Text types gzip-compressed when the browser accepts it, with GitHub Pages' ten-minute cache."""

    COMPRESSED = (".html", ".css", ".js", ".mjs", ".json", ".xml", ".svg", ".txt", ".vtt")

    def end_headers(self) -> None:
        self.send_header("Cache-Control", "max-age=600")
        super().end_headers()

    def send_head(self):
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            path = path / "index.html"
        if path.suffix not in self.COMPRESSED or not path.is_file() or "gzip" not in self.headers.get(
                "Accept-Encoding", ""):
            return super().send_head()
        body = gzip.compress(path.read_bytes())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def log_message(self, *args) -> None:
        pass


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address) -> None:
        """A browser that drops a connection (an audio request it no longer needs) is no error to print."""
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextmanager
def serving(directory: Path, port: int = 0) -> Iterator[str]:
    """Serve `directory` on a loopback port (a free one by default); yields its base URL."""
    handler = functools.partial(GzipHandler, directory=str(directory))
    server = _Server(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
