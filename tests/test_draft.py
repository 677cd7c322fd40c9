"""`podcast draft` through the real anthropic SDK, against a Messages API stand-in on 127.0.0.1."""

from __future__ import annotations

import argparse
import re
from datetime import date
from pathlib import Path

import pytest
import responses

from site_plugins.podcast import load_catalog
from site_plugins.podcast.cli import main
from site_plugins.podcast.drafting.article import load_article
from site_plugins.podcast.drafting.claude import SECTIONS, DraftError
from site_plugins.podcast.drafting.command import run_draft
from site_plugins.podcast.drafting.length import Budget
from site_plugins.podcast.drafting.prompt import estimated_tokens, instructions
from site_plugins.podcast.load.siteconfig import read_site_settings

from .claudestandin import Reply, claude_standin
from .conftest import SiteProject

pytestmark = pytest.mark.unit

PARAGRAPH = ("Two turbines in Alder Sound produced 1.6 gigawatt-hours in their first year, enough for about 550 "
             "homes. The operator, Alder Tidal, said output beat its forecast by 12 per cent. ")
ARTICLE = ("Port Alder's tidal turbines pass their first year\n\n" + PARAGRAPH + "\n\n"
           "The operator now wants eight turbines by 2028, which needs a new undersea cable costing "
           "$45.8 million. Crab fishers say they lost part of their grounds.\n\n"
           + "\n\n".join(f"Paragraph {n}: the council heard from fishers, engineers and families, who described "
                         "the tides, the cable route, the harbour, the boats and the winter storms in detail."
                         for n in range(20, 60)))
TODAY = date(2025, 12, 9)
FILLER = "潮汐能的故事让人想到海边的日子和渔民的生活"


def answer_for(budget: Budget, *, hosts=("卿姐", "晓旭"), order=SECTIONS, counts=None, speakers=None,
               extra_text: str = "", **overrides) -> dict:
    """An answer of the asked shape and length: the sections in `order`, alternating hosts."""
    counts = counts or budget.section_turns()
    total = sum(counts.get(name, 1) for name in order)
    per_turn = budget.size // total
    script, number = [], 0
    for name in order:
        turns = []
        for _ in range(counts.get(name, 1)):
            speaker = speakers[number] if speakers else hosts[number % 2]
            text = (FILLER * (per_turn // len(FILLER) + 1))[:per_turn]
            turns.append({"speaker": speaker, "text": text, "say": "", "support": ""})
            number += 1
        script.append({"section": name, "turns": turns})
    core = script[min(1, len(script) - 1)]["turns"][0]
    core["text"] = "两台涡轮机第一年发电1.6吉瓦时，够550户人家用。" + extra_text \
        + core["text"][:per_turn - 30 - len(extra_text)]
    core["support"] = "Two turbines in Alder Sound produced 1.6 gigawatt-hours in their first year, " \
                                       "enough for about 550 homes."
    draft = {"plan": "Intro: 问候。Core Event: 发电量。", "title": "潮汐能能否点亮一个渔村？",
             "summary": "两台潮汐涡轮机第一年发电1.6吉瓦时。", "category": "Science", "tags": ["能源", "海洋"],
             "script": script, "outside_facts": [],
             "analysis": {"core_event": "涡轮机发电1.6吉瓦时。", "background": "- 两台涡轮机\n- 550户",
                          "conflict": "成本。", "impact": "电网。", "future": "八台涡轮机。", "related_info": "无。"}}
    draft.update(overrides)
    return draft


@pytest.fixture
def site(tmp_path) -> SiteProject:
    project = SiteProject(tmp_path / "pod")
    (project.root / "article.txt").write_text(ARTICLE, encoding="utf-8")
    return project


@pytest.fixture
def api():
    with claude_standin() as standin:
        yield standin


def args(site: SiteProject, **extra) -> argparse.Namespace:
    values = dict(source=str(site.root / "article.txt"), config=site.root / "mkdocs.yml", language=None, hosts=None,
                  url="https://news.example.com/port-alder", listener="蕭睿", minutes=3.0, model=None,
                  max_tokens=None, force=False, section=None)
    values.update(extra)
    return argparse.Namespace(**values)


BUDGET = Budget("zh-CN", 3.0)


def written(site: SiteProject) -> list[Path]:
    return sorted((site.root / "episodes").glob("*.yaml"))


def check(site: SiteProject, capsys) -> tuple[int, str]:
    code = main(["check", "--config", str(site.root / "mkdocs.yml"), str(site.root / "episodes")])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_good_answer_becomes_a_valid_draft_episode(site, api, capsys):
    api.answer(answer_for(BUDGET))
    assert run_draft(args(site), client=api.client(), today=TODAY) == 0
    [path] = written(site)
    assert path.name == "chao-xi-neng-neng-fou-dian-liang-yi-ge-yu-cun.yaml"
    settings = read_site_settings(site.root / "mkdocs.yml")
    catalog = load_catalog([path], settings, root=site.root, include_drafts=True)
    assert catalog.problems == ()
    [episode] = catalog.episodes
    assert episode.draft and episode.ai_generated and episode.listener == "蕭睿"
    assert [s.name for s in episode.sections] == list(SECTIONS)
    assert episode.source.text.startswith("Two turbines in Alder Sound produced 1.6 gigawatt-hours")
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# yaml-language-server: $schema=episode.schema.json\n# Drafted 2025-12-09 by "
                           "claude-sonnet-5-5, prompt "), "editors find the schema; the draft says how it was made"
    assert re.search(r"# Drafted .* request req_0001 \(1 request\)\n# tokens: ", text)
    assert "# Asked for 3 minutes (about 750 characters" in text and "review:" not in text
    assert text.index("title:") < text.index("date:") < text.index("source:") < text.index("script:") \
        < text.index("analysis:"), "keys in the format's order"
    out, err = capsys.readouterr()
    assert "wrote episodes/chao-xi-neng-neng-fou-dian-liang-yi-ge-yu-cun.yaml (draft: true), about 3.0 minutes" in out
    assert re.search(r"tokens: [\d,]+ in \(0 read from the prompt cache, [\d,]+ written to it\), [\d,]+ out", err)
    [kept] = (site.root / ".cache/podcast/drafts").glob("*req_0001.json")
    assert '"section": "Intro"' in kept.read_text(encoding="utf-8"), "the raw answer is kept"


def test_the_request_carries_the_article_first_the_date_the_budget_and_a_cache_breakpoint(site, api):
    config = site.root / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "卿姐: {voice: zh-CN}", "卿姐: {voice: zh-CN, persona: leads and frames the story}"), encoding="utf-8")
    api.answer(answer_for(BUDGET))
    run_draft(args(site, language="zh-CN", model="claude-opus-5-5"), client=api.client(), today=TODAY)
    [request] = api.requests
    assert request["model"] == "claude-opus-5-5" and request["stream"] is True
    article, particulars = request["messages"][0]["content"]
    assert article["text"].startswith("<article>\nTitle: Port Alder's tidal turbines") and \
        "produced 1.6 gigawatt-hours" in article["text"]
    assert article["cache_control"] == {"type": "ephemeral"}, "the breakpoint is after the article"
    prefix = estimated_tokens(request["system"][0]["text"]) + estimated_tokens(article["text"])
    assert prefix >= 1024, "below 1 024 tokens nothing is cached"
    said = particulars["text"]
    assert "Today: 2025-12-09, 星期二" in said and "written in simplified Chinese characters" in said
    assert "- 卿姐 (leads): leads and frames the story" in said and "Language of the article: en" in said
    assert "Length: about 750 characters (3 minutes at 250 a minute): 15 turns in all; turns per section: " \
           "Intro 1, Core Event 3, Background 3, Conflict 3, Impact 2, Future 2, Conclusion 1." in said
    assert "must come from the article" in request["system"][0]["text"]
    schema = request["output_config"]["format"]["schema"]
    assert schema["$defs"]["DraftTurn"]["properties"]["speaker"]["enum"] == ["卿姐", "晓旭"]
    assert {"plan", "outside_facts"} <= set(schema["properties"])
    assert request["max_tokens"] == Budget("zh-CN", 3.0).size * 22 // 10 + 40 * 15 + 4000


def test_an_invented_number_and_quotation_are_flagged_and_check_warns(site, api, capsys):
    invented = "普京说“we will never stop”，还要花6万亿卢布，Reuters也报道了。"
    api.answer(answer_for(BUDGET, extra_text=invented))
    run_draft(args(site), client=api.client(), today=TODAY)
    text = written(site)[0].read_text(encoding="utf-8")
    review = text[text.index("review:"):text.index("source:")]
    for flag in ("Core Event, turn 1 (晓旭): the number 6万亿 is not in the article",
                 "the quotation “we will never stop” is not in the article", "the name Reuters is not in the article"):
        assert flag in review, review
    assert "1.6" not in review and "550" not in review, "numbers of the article are not flagged"
    assert "to review: 3 flag(s)" in capsys.readouterr().out
    code, out = check(site, capsys)
    assert code == 0 and out.count("to review:") == 3 and "(check it, then delete this line)" in out
    lines = text.splitlines()
    number = next(i for i, line in enumerate(lines) if "6万亿" in line and line.startswith("  - "))
    assert f".yaml:{number + 1}:5: warning: to review:" in out, "each warning points at its line"
    kept = [line for line in lines if not (line.startswith("  - ") and "is not in the article" in line)]
    written(site)[0].write_text("\n".join(kept) + "\n", encoding="utf-8")
    assert "to review" not in check(site, capsys)[1], "deleting the lines clears the warnings"


@pytest.mark.parametrize("bad, problem", [
    (dict(order=tuple(reversed(SECTIONS))), "the sections are in the order Conclusion, Future"),
    (dict(order=SECTIONS[:-2]), "the script has no Future, Conclusion section"),
    (dict(order=(*SECTIONS[:3], "Background", *SECTIONS[3:])), "section Background is given 2 times"),
    (dict(order=("Intro",), counts={"Intro": 1}), "the script has no Core Event, Background"),
    (dict(speakers=["卿姐", "晓旭"] + ["卿姐"] * 4 + ["晓旭", "卿姐"] * 5), "卿姐 speaks 4 turns in a row"),
    (dict(tags=[f"标签{n}" for n in range(40)]), "there are 40 tags; give at most 8"),
    (dict(counts={**BUDGET.section_turns(), "Background": 9}), "section Background has 9 turns; give it 1 to 5"),
    ("short", "the dialogue is 391 characters long; it must be 638 to 862 characters"),
], ids=["reversed", "missing", "duplicated", "one-turn", "four-in-a-row", "forty-tags", "turns-per-section",
        "half-length"])
def test_a_misshapen_answer_is_repaired_by_a_follow_up_that_names_what_failed(site, api, capsys, bad, problem):
    misshapen = answer_for(Budget("zh-CN", 1.5)) if bad == "short" else answer_for(BUDGET, **bad)
    api.answer(misshapen, answer_for(BUDGET))
    assert run_draft(args(site), client=api.client(), today=TODAY) == 0
    assert len(api.requests) == 2 and len(written(site)) == 1
    follow_up = api.requests[1]["messages"]
    assert [m["role"] for m in follow_up] == ["user", "assistant", "user"]
    assert problem in follow_up[2]["content"] and "changing only what these checks need" in follow_up[2]["content"]
    read, made = api.usages[1]["cache_read_input_tokens"], api.usages[0]["cache_creation_input_tokens"]
    assert read >= 1024 and read == made, "the repair reads the article from the cache"
    out, err = capsys.readouterr()
    assert "1 repair(s) asked" in out
    assert f"({read:,} read from the prompt cache, {made:,} written to it)" in err, "usage as the API reported it"
    assert "(2 requests)" in written(site)[0].read_text(encoding="utf-8")


def test_an_answer_that_stays_misshapen_is_refused_in_one_line_and_nothing_is_written(site, api):
    api.answer(answer_for(BUDGET, order=SECTIONS[:1]))
    with pytest.raises(DraftError) as raised:
        run_draft(args(site), client=api.client(), today=TODAY)
    message = str(raised.value)
    assert "\n" not in message and "after 2 repairs" in message and "nothing was written" in message
    assert "the answers are kept in" in message and len(api.requests) == 3
    assert written(site) == [] and len(list((site.root / ".cache/podcast/drafts").glob("*.json"))) == 3


def test_an_answer_that_does_not_fit_the_schema_is_repaired_too(site, api):
    wrong = answer_for(BUDGET)
    wrong["script"][0]["turns"][0]["speaker"] = "Bob"
    api.answer(wrong, answer_for(BUDGET))
    assert run_draft(args(site), client=api.client(), today=TODAY) == 0
    assert "script.0.turns.0.speaker: Input should be '卿姐' or '晓旭'" in api.requests[1]["messages"][2]["content"]


def test_a_large_max_tokens_streams(site, api):
    api.answer(answer_for(BUDGET))
    assert run_draft(args(site, max_tokens=22_000), client=api.client(), today=TODAY) == 0
    assert api.requests[0]["max_tokens"] == 22_000 and api.requests[0]["stream"] is True


def test_outside_facts_are_listed_and_flagged_when_the_site_allows_them(site, api, capsys):
    config = site.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("tts: espeak", "tts: espeak\n      draft_facts: listed"), encoding="utf-8")
    budget = Budget("zh-CN", 8.0)
    api.answer(answer_for(budget, outside_facts=["英国第一座潮汐电站建于2016年。"]))
    run_draft(args(site, minutes=8.0), client=api.client(), today=TODAY)
    capsys.readouterr()
    request = api.requests[0]
    assert "outside knowledge listed" in request["system"][0]["text"]
    assert "about 2,000 characters" in request["messages"][0]["content"][1]["text"], "not scaled to the article"
    text = written(site)[0].read_text(encoding="utf-8")
    assert "outside_facts:\n  - 英国第一座潮汐电站建于2016年。" in text
    assert "  - 'outside fact 1: verify it, then delete this line'" in text or \
        "  - \"outside fact 1: verify it, then delete this line\"" in text
    assert check(site, capsys)[1].count("to review:") == 1


def test_article_only_drafts_are_as_long_as_the_article_can_fill(site, api, capsys):
    words = len(re.findall(r"[A-Za-z0-9.']+", ARTICLE.split("\n\n", 1)[1]))
    minutes = round(1.5 * words / 160, 1)  # the time to read the article aloud, and half again
    api.answer(answer_for(Budget("zh-CN", minutes)))
    assert run_draft(args(site, minutes=30.0), client=api.client(), today=TODAY) == 0
    assert f"about {round(minutes * 250):,} characters ({minutes:g} minutes" in \
        api.requests[0]["messages"][0]["content"][1]["text"]
    assert f"the article holds about {minutes:g} minutes of dialogue" in capsys.readouterr().err


def test_redrafting_one_section_leaves_every_other_byte_alone(site, api, capsys, monkeypatch):
    api.answer(answer_for(BUDGET))
    run_draft(args(site), client=api.client(), today=TODAY)
    [path] = written(site)
    edited = path.read_text(encoding="utf-8").replace("summary: |\n  ", "summary: |\n  （编辑改过）", 1)
    edited = edited.replace("  - section: Intro\n", "  # the editor's note\n  - section: Intro\n", 1)
    path.write_text(edited, encoding="utf-8")
    new_turns = [{"speaker": s, "text": f"{s}重新说了冲突的部分，渔民失去了一部分渔场。", "say": "", "support": ""}
                 for s in ("卿姐", "晓旭", "卿姐")]
    new_turns[1]["text"] += "赔偿是7000万美元。"
    api.answer({"plan": "冲突：渔民与运营方。", "turns": new_turns, "outside_facts": []})
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    monkeypatch.setenv("ANTHROPIC_BASE_URL", api.url)  # the command makes its own client, as a user runs it
    assert main(["draft", "--config", str(site.root / "mkdocs.yml"), "--section", "Conflict", str(path)]) == 0
    after = path.read_text(encoding="utf-8")
    start = edited.index("  - section: Conflict\n")
    end = edited.index("  - section: Impact\n")
    assert after[:start] == edited[:start], "nothing before the section changed"
    assert after.endswith(edited[end:]), "nothing after the section changed"
    section = after[start:after.index("  - section: Impact\n")]
    assert "卿姐重新说了冲突的部分" in section and "    # Redrafted 20" in section and "by claude-sonnet-5-5" in section
    request = api.requests[-1]
    said = request["messages"][0]["content"][1]["text"]
    assert "Write only its Conflict section again: about 3 turns and 135 characters" in said, \
        "its share of the episode's own length"
    assert api.usages[-1]["cache_read_input_tokens"] > 0, "the article is read from the cache"
    assert "rewrote the Conflict section" in capsys.readouterr().out
    code, out = check(site, capsys)
    number = after[:after.index("7000万 is not in the article")].count("\n") + 1
    warning = f".yaml:{number}:5: warning: to review: Conflict, turn 2 (晓旭): the number 7000万 is not in the " \
        "article (check it, then delete this line)"
    assert code == 0 and warning in out, "a flag of a redrafted section is a warning of check until deleted"


@pytest.mark.parametrize(("reply", "expected"), [
    (Reply("{\"title\": \"潮汐", stop_reason="max_tokens"),
     "the answer was cut off at 6,250 tokens; ask for a shorter episode (--minutes) or allow more"),
    (Reply("", stop_reason="refusal"), "Claude declined to draft this article; nothing was written"),
    (Reply(status=401, error={"type": "authentication_error", "message": "invalid x-api-key"}),
     "the API refused the key (HTTP 401): check ANTHROPIC_API_KEY"),
    (Reply(status=429, error={"type": "rate_limit_error", "message": "slow down"}, headers={"retry-after-ms": "1"}),
     "Claude is rate-limiting this key (HTTP 429) even after retrying"),
    (Reply(status=529, error={"type": "overloaded_error", "message": "Overloaded"}, headers={"retry-after-ms": "1"}),
     "the API answered HTTP 529: Overloaded"),
])
def test_bad_answers_write_nothing(site, api, reply, expected):
    api.answer(reply)
    with pytest.raises(DraftError) as raised:
        run_draft(args(site), client=api.client(), today=TODAY)
    assert expected in str(raised.value) and "\n" not in str(raised.value)
    assert written(site) == [] and not list((site.root / "episodes").glob(".*"))


def test_429_then_success(site, api):
    slow = Reply(status=429, error={"type": "rate_limit_error", "message": "slow"}, headers={"retry-after-ms": "1"})
    api.answer(slow, answer_for(BUDGET))
    assert run_draft(args(site), client=api.client(), today=TODAY) == 0
    assert len(api.requests) == 2 and len(written(site)) == 1


def test_never_overwrites_unless_forced(site, api):
    api.answer(answer_for(BUDGET))
    first = run_draft(args(site), client=api.client(), today=TODAY)
    original = written(site)[0].read_bytes()
    second = run_draft(args(site), client=api.client(), today=TODAY)
    paths = written(site)
    assert (first, second) == (0, 0) and [p.name for p in paths] == [
        "chao-xi-neng-neng-fou-dian-liang-yi-ge-yu-cun-2.yaml", "chao-xi-neng-neng-fou-dian-liang-yi-ge-yu-cun.yaml"]
    assert "slug: chao-xi-neng-neng-fou-dian-liang-yi-ge-yu-cun-2" in paths[0].read_text(encoding="utf-8")
    assert "\nslug: chao-xi-neng-neng-fou-dian-liang-yi-ge-yu-cun\n" in original.decode(), \
        "a draft writes its slug, so a title edit never moves its page"
    assert paths[1].read_bytes() == original
    api.replies[:] = []
    api.answer(answer_for(BUDGET, summary="新的摘要。"))
    run_draft(args(site, force=True), client=api.client(), today=TODAY)
    assert "新的摘要" in paths[1].read_text(encoding="utf-8") and len(written(site)) == 2


def test_missing_key_is_a_clear_message(site, monkeypatch, capsys):
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    code = main(["draft", "--config", str(site.root / "mkdocs.yml"), str(site.root / "article.txt")])
    assert code == 2
    assert "ANTHROPIC_API_KEY is not set" in capsys.readouterr().err
    assert written(site) == []


def test_the_standing_instructions_ask_for_craft():
    text = instructions("article", "zh-CN")
    for rule in ("never speaks more than two turns in a row", "Plan first", "react", "`say`", "weekday",
                 "卿姐: 晓旭，你看到这个数字"):
        assert rule in text, rule


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


def test_the_model_is_a_site_setting(site, api):
    config = site.root / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("tts: espeak", "tts: espeak\n      draft_model: claude-haiku-5-5"), encoding="utf-8")
    api.answer(answer_for(BUDGET))
    run_draft(args(site), client=api.client(), today=TODAY)
    assert api.requests[0]["model"] == "claude-haiku-5-5"


@pytest.mark.parametrize("stop", ["max_tokens", "refusal"])
def test_an_answer_cut_off_or_declined_is_kept_though_nothing_is_written(site, api, stop):
    api.answer(Reply("{\"title\": \"潮汐", stop_reason=stop))
    with pytest.raises(DraftError) as raised:
        run_draft(args(site), client=api.client(), today=TODAY)
    [kept] = (site.root / ".cache/podcast/drafts").glob("*req_0001.json")
    assert kept.read_text(encoding="utf-8") == "{\"title\": \"潮汐"
    assert f"the answer is kept in {kept}" in str(raised.value)
    assert written(site) == []


def test_a_short_article_is_told_to_be_too_short_for_the_prompt_cache(site, api, capsys):
    (site.root / "article.txt").write_text("Tides\n\nTwo turbines ran for a year.", encoding="utf-8")
    api.answer(answer_for(Budget("zh-CN", 3.0)))
    run_draft(args(site), client=api.client(), today=TODAY)
    assert re.search(r"note: the instructions and the article come to about [\d,]+ tokens, under the 1,024 the "
                     r"prompt cache needs", capsys.readouterr().err)
    assert api.usages[0]["cache_creation_input_tokens"] == 0, "the stand-in agrees: nothing was cached"


def test_a_spoken_form_and_a_cut_article_are_written_down(site, api, monkeypatch):
    import site_plugins.podcast.drafting.article as article

    monkeypatch.setattr(article, "MAX_CHARS", 2000)
    answer = answer_for(BUDGET)
    turn = answer["script"][1]["turns"][0]
    turn["say"] = turn["text"].replace("1.6吉瓦时", "一点六吉瓦时")
    api.answer(answer)
    run_draft(args(site), client=api.client(), today=TODAY)
    text = written(site)[0].read_text(encoding="utf-8")
    assert "        say: 两台涡轮机第一年发电一点六吉瓦时，" in text, "the spoken form where it differs"
    assert re.search(r"# The article was cut to its first 1,\d{3} of 7,\d{3} characters for the request\.", text)


@pytest.mark.parametrize("how", ["trickles", "is-huge"])
def test_a_page_that_trickles_or_never_ends_is_given_up_on_in_one_line(how):
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    done = threading.Event()

    class Endless(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html")
            self.end_headers()
            try:
                for _ in range(600):  # a minute of trickling, or 600 MB
                    self.wfile.write(b"<p>" if how == "trickles" else b"<p>" + b"x" * 1_000_000)
                    self.wfile.flush()
                    if how == "trickles":
                        done.wait(0.1)
                    if done.is_set():
                        break
            except OSError:  # the reader hung up, as it should
                pass

        def log_message(self, *args) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Endless)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        with pytest.raises(DraftError.__mro__[1]) as raised:
            load_article(f"http://127.0.0.1:{server.server_address[1]}/article", timeout=1.5)
    finally:
        done.set()
        server.shutdown()
        server.server_close()
    expected = "it took over 1.5 s" if how == "trickles" else "the page is over 20 MB"
    assert expected in str(raised.value) and "\n" not in str(raised.value)
