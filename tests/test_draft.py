"""`podcast draft` through the real anthropic SDK, its HTTP answered by an httpx2.MockTransport."""

from __future__ import annotations

import argparse
import json
from datetime import date
from pathlib import Path

import anthropic
import httpx2
import pytest
import responses

from site_plugins.podcast import load_catalog
from site_plugins.podcast.cli import main
from site_plugins.podcast.drafting.article import load_article
from site_plugins.podcast.drafting.claude import DraftError
from site_plugins.podcast.drafting.command import run_draft
from site_plugins.podcast.load.siteconfig import read_site_settings

from .conftest import SiteProject

pytestmark = pytest.mark.unit

ARTICLE = """Port Alder's tidal turbines pass their first year

Two turbines in Alder Sound produced 1.6 gigawatt-hours in their first year, enough for about 550 homes.

The operator now wants eight turbines by 2028, which needs a new undersea cable."""


def answer(**overrides) -> dict:
    turn = lambda speaker, text: {"speaker": speaker, "text": text}  # noqa: E731
    draft = {
        "title": "潮汐能能否点亮一个渔村？", "summary": "两台潮汐涡轮机第一年发电1.6吉瓦时。",
        "category": "Science", "tags": ["能源", "海洋"],
        "script": [{"section": name,
                    "turns": [turn("卿姐", f"{name}：这是卿姐说的话。"), turn("晓旭", f"{name}：晓旭回应: 是的。")]}
                   for name in ("Intro", "Core Event", "Background", "Conflict", "Impact", "Future", "Conclusion")],
        "analysis": {"core_event": "涡轮机发电1.6吉瓦时。", "background": "- 两台涡轮机\n- 550户", "conflict": "成本。",
                     "impact": "电网。", "future": "八台涡轮机。", "related_info": "无。"},
    }
    draft.update(overrides)
    return draft


def message(text: str, *, stop_reason: str = "end_turn") -> dict:
    return {"id": "msg_1", "type": "message", "role": "assistant", "model": "claude-sonnet-5-5",
            "content": [{"type": "text", "text": text}], "stop_reason": stop_reason, "stop_sequence": None,
            "usage": {"input_tokens": 812, "output_tokens": 2345, "cache_read_input_tokens": 1536,
                      "cache_creation_input_tokens": 0}}


class FakeAPI:
    """Answers the Messages API from a list of (status, body, headers), recording each request."""

    def __init__(self, *replies) -> None:
        self.replies = list(replies)
        self.requests: list[dict] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.requests.append(json.loads(request.content))
        status, body, headers = self.replies.pop(0) if len(self.replies) > 1 else self.replies[0]
        return httpx2.Response(status, json=body, headers=headers)

    def client(self) -> anthropic.Anthropic:
        return anthropic.Anthropic(api_key="test-key", max_retries=2,
                                   http_client=httpx2.Client(transport=httpx2.MockTransport(self)))


def ok(draft: dict | None = None):
    return 200, message(json.dumps(draft or answer(), ensure_ascii=False)), {}


@pytest.fixture
def site(tmp_path) -> SiteProject:
    project = SiteProject(tmp_path / "pod")
    (project.root / "article.txt").write_text(ARTICLE, encoding="utf-8")
    return project


def args(site: SiteProject, **extra) -> argparse.Namespace:
    values = dict(source=str(site.root / "article.txt"), config=site.root / "mkdocs.yml", language=None, hosts=None,
                  url="https://news.example.com/port-alder",
                  listener="蕭睿", minutes=8.0, model=None, max_tokens=16_000, force=False)
    values.update(extra)
    return argparse.Namespace(**values)


def written(site: SiteProject) -> list[Path]:
    return sorted((site.root / "episodes").glob("*.yaml"))


def test_a_good_answer_becomes_a_valid_draft_episode(site, capsys):
    api = FakeAPI(ok())
    assert run_draft(args(site), client=api.client(), today=date(2025, 12, 9)) == 0
    [path] = written(site)
    assert path.name == "chao-xi-neng-neng-fou-dian-liang-yi-ge-yu-cun.yaml"
    settings = read_site_settings(site.root / "mkdocs.yml")
    catalog = load_catalog([path], settings, root=site.root, include_drafts=True)
    assert catalog.problems == ()
    [episode] = catalog.episodes
    assert episode.draft and episode.ai_generated and episode.listener == "蕭睿"
    assert [s.name for s in episode.sections] == ["Intro", "Core Event", "Background", "Conflict", "Impact",
                                                  "Future", "Conclusion"]
    assert episode.turns[1].text == "Intro：晓旭回应: 是的。", "a ': ' inside a turn survives quoting"
    assert episode.source.text.startswith("Two turbines in Alder Sound produced 1.6 gigawatt-hours")
    assert episode.source.url == "https://news.example.com/port-alder"
    assert [a for a, _ in episode.analysis] == ["Core Event", "Background", "Conflict", "Impact", "Future",
                                                "Related Info"]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=episode.schema.json\ntitle: "), "editors find the schema"
    assert text.index("title:") < text.index("date:") < text.index("source:") < text.index("script:") \
        < text.index("analysis:"), "keys in the format's order"
    assert "  text: |\n    Two turbines" in text and "summary: |\n" in text, "long text in block scalars"
    out, err = capsys.readouterr()
    assert "wrote episodes/chao-xi-neng-neng-fou-dian-liang-yi-ge-yu-cun.yaml (draft: true)" in out
    assert "tokens: 2,348 in (1,536 read from the prompt cache, 0 written to it), 2,345 out" in err


def test_the_request_carries_article_hosts_language_schema_and_cache(site):
    api = FakeAPI(ok())
    run_draft(args(site, language="zh-CN", model="claude-opus-5-5"), client=api.client(), today=date(2025, 12, 9))
    [request] = api.requests
    assert request["model"] == "claude-opus-5-5"
    prompt = request["messages"][0]["content"]
    assert "Two turbines in Alder Sound produced 1.6 gigawatt-hours" in prompt
    assert "Hosts: 卿姐, 晓旭" in prompt and "Language: zh-CN" in prompt and "Listener: 蕭睿" in prompt
    assert "Title: Port Alder's tidal turbines pass their first year" in prompt
    [system] = request["system"]
    assert system["cache_control"] == {"type": "ephemeral"} and "must come from the article" in system["text"]
    schema = request["output_config"]["format"]["schema"]
    assert request["output_config"]["format"]["type"] == "json_schema"
    turn = schema["$defs"]["DraftTurn"]["properties"]["speaker"]
    assert turn["enum"] == ["卿姐", "晓旭"]
    assert schema["$defs"]["DraftSection"]["properties"]["section"]["enum"][0] == "Intro"


@pytest.mark.parametrize(("reply", "expected"), [
    ((200, message(json.dumps(answer(script=[{"section": "Intro", "turns": [{"speaker": "Bob", "text": "hi"}]}]))), {}),
     "the answer does not fit the episode schema (script.0.turns.0.speaker: Input should be '卿姐' or '晓旭')"),
    ((200, message("{\"title\": \"潮汐", stop_reason="max_tokens"), {}),
     "the answer was cut off at 16,000 tokens; ask for a shorter episode (--minutes) or allow more"),
    ((200, message("", stop_reason="refusal"), {}), "Claude declined to draft this article; nothing was written"),
    ((401, {"type": "error", "error": {"type": "authentication_error", "message": "invalid x-api-key"}}, {}),
     "the API refused the key (HTTP 401): check ANTHROPIC_API_KEY"),
    ((429, {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}, {"retry-after-ms": "1"}),
     "Claude is rate-limiting this key (HTTP 429) even after retrying"),
    ((529, {"type": "error", "error": {"type": "overloaded_error", "message": "Overloaded"}}, {"retry-after-ms": "1"}),
     "the API answered HTTP 529: Overloaded"),
])
def test_bad_answers_write_nothing(site, reply, expected):
    api = FakeAPI(reply)
    with pytest.raises(DraftError) as raised:
        run_draft(args(site), client=api.client(), today=date(2025, 12, 9))
    assert expected in str(raised.value)
    assert written(site) == [] and not list((site.root / "episodes").glob(".*"))


def test_429_then_success(site):
    api = FakeAPI((429, {"type": "error", "error": {"type": "rate_limit_error", "message": "slow"}},
                   {"retry-after-ms": "1"}), ok())
    assert run_draft(args(site), client=api.client(), today=date(2025, 12, 9)) == 0
    assert len(api.requests) == 2 and len(written(site)) == 1


def test_never_overwrites_unless_forced(site):
    first = run_draft(args(site), client=FakeAPI(ok()).client(), today=date(2025, 12, 9))
    original = written(site)[0].read_bytes()
    second = run_draft(args(site), client=FakeAPI(ok()).client(), today=date(2025, 12, 9))
    paths = written(site)
    assert (first, second) == (0, 0) and [p.name for p in paths] == [
        "chao-xi-neng-neng-fou-dian-liang-yi-ge-yu-cun-2.yaml", "chao-xi-neng-neng-fou-dian-liang-yi-ge-yu-cun.yaml"]
    assert "slug: chao-xi-neng-neng-fou-dian-liang-yi-ge-yu-cun-2" in paths[0].read_text(encoding="utf-8")
    assert "\nslug: chao-xi-neng-neng-fou-dian-liang-yi-ge-yu-cun\n" in original.decode(), \
        "a draft writes its slug, so a title edit never moves its page"
    assert paths[1].read_bytes() == original
    client = FakeAPI(ok(answer(summary="新的摘要。"))).client()
    run_draft(args(site, force=True), client=client, today=date(2025, 12, 9))
    assert "新的摘要" in paths[1].read_text(encoding="utf-8") and len(written(site)) == 2


def test_missing_key_is_a_clear_message(site, monkeypatch, capsys):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    code = main(["draft", "--config", str(site.root / "mkdocs.yml"), str(site.root / "article.txt")])
    assert code == 2
    assert "ANTHROPIC_API_KEY is not set" in capsys.readouterr().err
    assert written(site) == []


@responses.activate
def test_articles_from_the_web_and_from_files(tmp_path):
    html = ("<html><head><title>Tides</title><meta property='og:site_name' content='Example Wire'>"
            "<meta name='date' content='2025-11-23'></head><body><article><h1>Tides turn in Port Alder</h1>"
            + "<p>" + "The turbines were lowered into the channel. " * 8 + "</p>"
            + "<p>" + "Crab fishers lost part of their grounds. " * 8 + "</p></article></body></html>")
    responses.add(responses.GET, "https://news.example.com/tides", body=html, content_type="text/html")
    article = load_article("https://news.example.com/tides")
    assert (article.title, article.publisher, str(article.published)) == (
        "Tides turn in Port Alder", "Example Wire", "2025-11-23")
    assert article.url == "https://news.example.com/tides"
    assert article.text.count("\n\n") == 1 and article.text.startswith("The turbines were lowered")
    (tmp_path / "a.html").write_text(html, encoding="utf-8")
    assert load_article(str(tmp_path / "a.html")).text == article.text
    (tmp_path / "a.md").write_text("# A title\n\nFirst\nparagraph.\n\nSecond.", encoding="utf-8")
    text = load_article(str(tmp_path / "a.md"))
    assert (text.title, text.text) == ("A title", "First paragraph.\n\nSecond.")
    responses.add(responses.GET, "https://news.example.com/gone", status=404)
    with pytest.raises(DraftError.__mro__[1], match="HTTP 404"):
        load_article("https://news.example.com/gone")


def test_the_model_is_a_site_setting(site):
    config = site.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("tts: espeak", "tts: espeak\n      draft_model: claude-haiku-5-5"), encoding="utf-8")
    api = FakeAPI(ok())
    run_draft(args(site), client=api.client(), today=date(2025, 12, 9))
    assert api.requests[0]["model"] == "claude-haiku-5-5"
