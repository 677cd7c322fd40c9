"""Articles read right whatever their encoding, and garbled text is caught where it is written."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from site_plugins.podcast.drafting.article import load_article
from site_plugins.podcast.load.validate import validate_episode
from site_plugins.podcast.model import Host, Settings

pytestmark = pytest.mark.unit

PARAGRAPH = {
    "utf-8": ("城市夜间图书馆开放", "市图书馆将在夜间开放，读者可以在晚上借书和自习——直到午夜。"),
    "gb18030": ("城市夜间图书馆开放", "市图书馆将在夜间开放，读者可以在晚上借书和自习。"),
    "big5": ("城市夜間圖書館開放", "市圖書館將在夜間開放，讀者可以在晚上借書和自習。"),
    "shift_jis": ("東京の図書館が夜も開館", "図書館は夜も開いています。読者は本を借りることができます。"),
}


def page(title: str, text: str, meta: str = "") -> str:
    return (f"<html><head>{meta}<title>{title}</title></head><body><article><h1>{title}</h1>"
            + "".join(f"<p>{text}{n}</p>" for n in range(6)) + "</article></body></html>")


@pytest.fixture(scope="module")
def server():
    """A loopback web server that sends `Content-Type: text/html` with no charset, as `python3 -m http.server`
    does, unless a page asks for a header of its own."""
    pages: dict[str, tuple[bytes, str]] = {}

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            body, content_type = pages[self.path]
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    yield pages, f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()


@pytest.mark.parametrize("encoding", list(PARAGRAPH))
def test_an_article_sent_without_a_charset_reads_right(server, encoding):
    pages, base = server
    title, text = PARAGRAPH[encoding]
    pages[f"/{encoding}"] = (page(title, text).encode(encoding), "text/html")
    article = load_article(f"{base}/{encoding}")
    assert article.title == title
    assert article.text.split("\n\n")[0] == f"{text}0"


def test_the_header_and_the_pages_own_charset_are_believed_first(server, tmp_path):
    pages, base = server
    title, text = PARAGRAPH["gb18030"]
    pages["/declared"] = (page(title, text).encode("gb18030"), "text/html; charset=GB2312")
    pages["/meta"] = (page(title, text, "<meta charset='gbk'>").encode("gb18030"), "text/html")
    assert load_article(f"{base}/declared").title == title
    assert load_article(f"{base}/meta").title == title
    (tmp_path / "a.html").write_bytes(page(*PARAGRAPH["big5"]).encode("big5"))
    assert load_article(str(tmp_path / "a.html")).title == PARAGRAPH["big5"][0], "a saved page too"


def test_garbled_text_gets_a_located_warning_with_what_it_meant():
    title = "科技新闻".encode().decode("cp1252")
    text = (f"title: \"{title}\"\ndate: 2025-12-08\nslug: libraries\nscript:\n  - section: Intro\n    turns:\n"
            "      - Ann: Turbines were lowered â€” quietly.\n")
    episode, problems = validate_episode(text, "x.yaml", Settings(language="zh", hosts=(Host("Ann"),)))
    found = [str(p) for p in problems]
    assert episode is not None and len(found) == 2, found
    assert found[0].startswith("x.yaml:1:8: warning: title looks garbled: ") and "probably meant '科技新闻'" in found[0]
    assert found[1].startswith("x.yaml:7:14: warning: the turn of 'Ann' looks garbled")
    assert "'â€”' is UTF-8 text read as Latin-1" in found[1]
    assert "meant '—'" in found[1]


@pytest.mark.parametrize("fine", ["café au lait", "Ærø and Malmö", "naïve résumé — fine", "¿Qué?", "城市夜间图书馆"])
def test_real_accents_are_not_garbled(fine):
    text = f"title: \"{fine}\"\ndate: 2025-12-08\nslug: s\nscript:\n  - section: Intro\n    turns:\n      - Ann: Hi.\n"
    assert validate_episode(text, "x.yaml", Settings(language="en", hosts=(Host("Ann"),)))[1] == []
