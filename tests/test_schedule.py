"""Scheduled episodes: dated in the future, they stay out of a build until their time."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from site_plugins.podcast import load_catalog
from site_plugins.podcast.cli import main

from .conftest import TEST_SETTINGS, SiteProject, episode_yaml

pytestmark = pytest.mark.unit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def tomorrow() -> str:
    return (datetime.now(SHANGHAI) + timedelta(days=1)).date().isoformat()


def test_a_build_leaves_out_tomorrows_episode_everywhere(project: SiteProject):
    project.add_episode("today.yaml", episode_yaml("今天的节目", extra="slug: today\n"))
    project.add_episode("later.yaml", episode_yaml("明天的节目", date=tomorrow(), extra="slug: later\n"))
    site = project.build()
    assert (site / "episodes/today/index.html").is_file()
    assert not (site / "episodes/later").exists()
    assert not list(site.glob("audio/later*"))
    assert "明天的节目" not in (site / "feed.xml").read_text(encoding="utf-8")
    assert "今天的节目" in (site / "feed.xml").read_text(encoding="utf-8")
    index = "".join(p.read_text(encoding="utf-8") for p in (site / "search-index").rglob("*.json"))
    assert "episodes/today/" in index and "episodes/later/" not in index
    assert "明天的节目" not in project.page("")


def test_the_preview_shows_it_marked_as_scheduled(project: SiteProject):
    project.add_episode("later.yaml", episode_yaml("明天的节目", date=tomorrow(), extra="slug: later\n"))
    site = project.build(command="serve")
    page = project.page("episodes/later", site)
    assert '<span class="gp-badge gp-scheduled">定时发布</span>' in page
    assert "明天的节目" in project.page("", site)


def test_it_goes_live_with_the_first_build_at_its_time():
    path_text = episode_yaml(date="2026-03-01T09:30:00+08:00")
    moment = datetime(2026, 3, 1, 1, 30, tzinfo=UTC)
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "x.yaml"
        path.write_text(path_text, encoding="utf-8")
        before = load_catalog([path], TEST_SETTINGS, root=Path(folder), include_drafts=False,
                              now=moment - timedelta(seconds=1))
        at = load_catalog([path], TEST_SETTINGS, root=Path(folder), include_drafts=False, now=moment)
    assert (len(before.episodes), len(before.scheduled)) == (0, 1)
    assert (len(at.episodes), len(at.scheduled)) == (1, 0)


def test_check_prints_when_it_goes_live(tmp_path, capsys):
    path = tmp_path / "later.yaml"
    path.write_text(episode_yaml(date="2026-12-02"), encoding="utf-8")
    now = datetime(2026, 11, 30, 20, 15, tzinfo=SHANGHAI)
    from .conftest import DATA

    assert main(["check", "--config", str(DATA / "site.yml"), str(path)], now=now) == 0
    out, err = capsys.readouterr()
    assert out == (f"{path.as_posix()}:2:7: note: scheduled: goes live at 2026-12-02 00:00 (Asia/Shanghai), "
                   "in 1 d 3 h 45 min; the first build from then on publishes it\n")
    assert err.strip() == "1 episode valid, 0 errors, 0 warnings, 1 scheduled"
    assert main(["check", "--config", str(DATA / "site.yml"), "--format", "github", str(path)], now=now) == 0
    assert capsys.readouterr().out.startswith(f"::notice file={path.as_posix()},line=2,col=7::scheduled: goes live")
