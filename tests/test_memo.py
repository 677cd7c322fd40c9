"""The memo of kept work reads back the podcast's model and plain values, and nothing else: a cache
restored from elsewhere (CI restores it from GitHub's cache) can make a build miss, never run code."""

from __future__ import annotations

import pickle
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from site_plugins.podcast.memo import Memo, digest_of, pack
from site_plugins.podcast.model import Host, Section, Turn

pytestmark = pytest.mark.unit


class Calls:
    """A pickle that, read by a plain unpickler, calls `function(*args)`."""

    def __init__(self, function, *args) -> None:
        self.function, self.args = function, args

    def __reduce__(self):
        return self.function, self.args


def test_the_models_values_come_back(tmp_path):
    value = (Section("Core Event", (Turn("卿姐", "你好。"),)), Host("晓旭", voice="zh-TW"),
             datetime(2025, 12, 8, 7, tzinfo=ZoneInfo("Asia/Shanghai")), {"a": [1, 2.5, b"x"]})
    with Memo(tmp_path, "kind") as memo:
        memo.put("k", value)
        memo.put("gone", 1)
    with Memo(tmp_path, "kind") as again:
        assert again.get("k") == value and again.hits == 1
        assert again.get("other") is None and again.misses == 1
    assert list(Memo(tmp_path, "kind").entries) == ["k"], "what a build did not use is not kept"
    assert not [p for p in memo.path.parent.iterdir() if p != memo.path], "no spool or temporary file is left"


@pytest.mark.parametrize("payload", [
    ("os", "system"), ("builtins", "eval"), ("site_plugins.podcast.writer", "os.system"),
    ("site_plugins.podcast.writer", "link_or_copy"), ("site_plugins.podcast.writer", "SiteWriter"),
])
def test_anything_else_in_the_cache_is_a_miss_and_never_runs(tmp_path, payload):
    marker = tmp_path / "ran"
    module, name = payload
    target = __import__(module, fromlist=["_"])
    for part in name.split("."):
        target = getattr(target, part)
    args = (f"touch {marker}",) if name.endswith("system") else (f"open({str(marker)!r}, 'w')",) \
        if name == "eval" else (marker, marker)
    with Memo(tmp_path, "kind") as memo:
        memo.put("k", Calls(target, *args))  # pickled as a call of `target`
    assert Memo(tmp_path, "kind").get("k") is None
    assert not marker.exists()


def test_a_value_packed_elsewhere_is_read_back_once_and_kept_only_if_it_is_the_models(tmp_path):
    marker = tmp_path / "ran"
    value = (Turn("卿姐", "你好。"), ("warning",), ())
    with Memo(tmp_path, "kind") as memo:
        assert memo.put_packed("k", pack(value)) == value
        assert memo.put_packed("bad", pack(Calls(__import__("os").system, f"touch {marker}"))) is None
        assert memo.put_packed("torn", pack(value)[:-3]) is None
    assert not marker.exists()
    assert list(Memo(tmp_path, "kind").entries) == ["k"], "only what was read back is kept"
    assert Memo(tmp_path, "kind").get("k") == value


def test_an_index_that_points_past_the_file_is_a_miss(tmp_path):
    from site_plugins.podcast.memo import _FORMAT, _read_kept

    with Memo(tmp_path, "kind") as memo:
        memo.put("k", (1, 2))
    for length in (2**62, 2**70):
        head = pickle.dumps((_FORMAT, {"k": (0, length)}))
        memo.path.write_bytes(len(head).to_bytes(8, "little") + head + b"x" * 20)
        assert Memo(tmp_path, "kind").get("k") is None
        assert _read_kept(memo.path, "k") is None


def test_a_damaged_or_foreign_file_is_an_empty_memo(tmp_path):
    with Memo(tmp_path, "kind") as memo:
        memo.put("k", (1, 2))
    memo.path.write_bytes(memo.path.read_bytes()[:20])
    assert Memo(tmp_path, "kind").entries == {}
    memo.path.write_bytes(pickle.dumps(Calls(print, "never")))
    assert Memo(tmp_path, "kind").entries == {}


def test_keys_differ_for_parts_that_join_alike():
    assert digest_of(["ab", "c"]) != digest_of(["a", "bc"])


def test_an_episodes_print_is_its_inputs_and_every_field_the_catalog_replaced_after_checking():
    from dataclasses import replace

    from site_plugins.podcast.episodeprints import EpisodePrints
    from site_plugins.podcast.memo import value_print
    from site_plugins.podcast.model import Episode

    checked = Episode("episodes/a.yaml", "a", "潮汐", datetime(2025, 12, 8, tzinfo=ZoneInfo("UTC")), False,
                      (Section("Intro", (Turn("卿姐", "你好。"),)),), (Host("卿姐"),), "zh", guid="urn:a")
    sources = {"episodes/a.yaml": (b"inputs", checked, "key")}

    def printed(episode):
        return EpisodePrints(sources=sources).episode(episode)

    assert printed(checked) == value_print(b"inputs", [])  # by its inputs, not by a walk over its fields
    changed = {printed(replace(checked, guid="urn:published")), printed(replace(checked, slug="old-address")),
               printed(replace(checked, scheduled=True)), printed(checked)}
    assert len(changed) == 4, "a value set after the file was checked changes the print"
    assert printed(replace(checked, sections=(Section("Intro", (Turn("卿姐", "您好。"),)),))) != printed(checked)
    unknown = replace(checked, source_path="episodes/b.yaml")  # not from the catalog: every field counts
    assert EpisodePrints().episode(unknown) == value_print(unknown)


def test_a_worker_is_given_an_episode_by_where_the_catalogs_memo_keeps_it(tmp_path):
    from dataclasses import replace

    from site_plugins.podcast.episodeprints import EpisodePrints
    from site_plugins.podcast.memo import CHECKED_EPISODES, received
    from site_plugins.podcast.model import Episode

    checked = Episode("episodes/a.yaml", "a", "潮汐", datetime(2025, 12, 8, tzinfo=ZoneInfo("UTC")), False,
                      (Section("Intro", (Turn("卿姐", "你好。" * 500),)),), (Host("卿姐"),), "zh", guid="urn:a")
    with Memo(tmp_path, CHECKED_EPISODES) as memo:
        memo.put("key", (checked, (), ()))
    prints = EpisodePrints(sources={"episodes/a.yaml": (b"inputs", checked, "key")})
    published = replace(checked, guid="urn:published")  # as the catalog replaces a field after checking
    given = prints.sendable(published, memo.path)
    assert received(given) is published, "the build's own process takes the episode it has"
    sent = pickle.dumps(given)
    assert "你好".encode() not in sent and len(sent) < 500, "the worker is sent where the episode is, not its text"
    assert received(pickle.loads(sent)) == published, "and reads it back with the fields set since"
    assert prints.sendable(replace(checked, source_path="episodes/b.yaml"), memo.path).source_path == "episodes/b.yaml"
    lost = EpisodePrints(sources={"episodes/a.yaml": (b"inputs", checked, "gone")}).sendable(checked, memo.path)
    assert received(pickle.loads(pickle.dumps(lost))) is None, "a value the memo lost is read back as nothing"


def test_compiled_templates_are_kept_only_in_a_folder_private_to_the_user(tmp_path, monkeypatch):
    """A compiled template is code: its folder is the user's own, and one that others may open is not used."""
    import os
    import tempfile

    from site_plugins.podcast.session import TEMPLATE_FOLDER, template_folder

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    folder = template_folder()
    assert folder == tmp_path / f"{TEMPLATE_FOLDER}{os.getuid()}" and folder.stat().st_mode & 0o777 == 0o700
    folder.chmod(0o777)  # as another user (or a careless one) could have left it
    assert template_folder() is None
    folder.rmdir()
    (tmp_path / f"{TEMPLATE_FOLDER}{os.getuid()}").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    assert template_folder() is None


def test_values_read_ahead_are_given_while_the_memo_file_is_the_one_read(tmp_path):
    """A worker reads a memo's values ahead while it waits (`read_ahead`), then is given them by where they are kept:
    it gets those values while the file is the one it read, and the file's new values once a build wrote it again."""
    from site_plugins.podcast.memo import _read_kept, memo_path, read_ahead

    host = Host(name="Ann", gender="female")
    with Memo(tmp_path, "episodes") as memo:
        memo.put("a", (host, "first"))
    path = memo_path(tmp_path, "episodes")
    read_ahead(str(path))
    found = _read_kept(path, "a")
    assert found == (host, "first") and _read_kept(path, "a") is found, "the value read ahead, not a copy"
    assert _read_kept(path, "b") is None
    with Memo(tmp_path, "episodes") as memo:
        memo.put("a", (host, "second"))
    assert _read_kept(path, "a") == (host, "second")
    read_ahead(str(tmp_path / "missing.pickle"))  # nothing to read: nothing read
    assert _read_kept(tmp_path / "missing.pickle", "a") is None
