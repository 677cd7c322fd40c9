"""What a finished episode MP3 must be before a build uses it (audio.trust), and turn tables read with limits."""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import replace

import pytest
from mutagen.id3 import ID3, TXXX

from site_plugins.podcast.audio.builder import AudioBuilder
from site_plugins.podcast.audio.clips import ClipStore
from site_plugins.podcast.audio.id3 import SIGNATURE_DESC, TURNS_DESC, finished_in, read_finished
from site_plugins.podcast.audio.trust import (
    Fingerprinted,
    audio_key,
    file_fingerprints,
    file_identity,
    find_distrust,
    fingerprint,
    fingerprints_ahead,
)
from site_plugins.podcast.mp3frames import audio_bytes
from site_plugins.podcast.parallel import Workers
from site_plugins.podcast.speech import EspeakEngine, silence_mp3

from .test_audio import SAY, catalog_of, gtts_settings, script_episode

pytestmark = pytest.mark.site


def build(tmp_path, *, key: bytes | None = None, edit=None):
    """Build one episode (after `edit` changed its published MP3's bytes): (report, progress lines, its MP3)."""
    settings = replace(gtts_settings(tmp_path), tts="espeak")
    catalog = catalog_of(tmp_path, settings, {"a.yaml": script_episode("a", SAY)})
    path = tmp_path / "audio/a.mp3"
    if edit is not None:
        path.write_bytes(edit(path.read_bytes()))
    said: list[str] = []
    report = AudioBuilder(settings, project_dir=tmp_path, engine=EspeakEngine(), progress=said.append,
                          audio_key=key).build(catalog.episodes)
    return report, said, path


def distrust(tmp_path, key: bytes) -> str:
    pause = gtts_settings(tmp_path).pause
    return find_distrust(read_finished(tmp_path / "audio/a.mp3"), audio_bytes(silence_mp3(pause)), key=key)


def table_row(path, index: int, **changes) -> bytes:
    """The MP3 at `path` with one row of its turn table changed (offset, length, start, end by name)."""
    tags = ID3(path)
    rows = json.loads(tags.getall(f"TXXX:{TURNS_DESC}")[0].text[0])
    columns = {"offset": 1, "length": 2, "start": 3, "end": 4}
    for name, value in changes.items():
        rows[index][columns[name]] = value
    tags.delall(f"TXXX:{TURNS_DESC}")
    tags.add(TXXX(encoding=0, desc=TURNS_DESC, text=json.dumps(rows)))
    tags.save(path, v2_version=3)
    return path.read_bytes()


@pytest.mark.parametrize("changes", [{"end": float("nan")}, {"end": -3.0}, {"end": 1e300}, {"start": 0.5},
                                     {"end": "12"}, {"offset": -1}, {"length": 0}])
def test_a_turn_table_that_lies_is_not_used_and_the_file_is_made_again(tmp_path, changes):
    build(tmp_path)
    good = read_finished(tmp_path / "audio/a.mp3")
    report, said, path = build(tmp_path, edit=lambda _: table_row(tmp_path / "audio/a.mp3", 0, **changes))
    assert report.reused == 0 and any("audio/a.mp3 is damaged or not this site's" in line for line in said), said
    assert [s.end for s in read_finished(path).turns] == [s.end for s in good.turns]
    assert 0 < report.audio["a"].duration < 60


def test_a_turn_table_with_too_few_turns_is_not_reused(tmp_path):
    build(tmp_path)
    path = tmp_path / "audio/a.mp3"
    tags = ID3(path)
    rows = json.loads(tags.getall(f"TXXX:{TURNS_DESC}")[0].text[0])
    tags.delall(f"TXXX:{TURNS_DESC}")
    tags.add(TXXX(encoding=0, desc=TURNS_DESC, text=json.dumps(rows[:1])))
    tags.save(path, v2_version=3)
    assert read_finished(path).signature == tags.getall(f"TXXX:{SIGNATURE_DESC}")[0].text[0]
    report, said, _ = build(tmp_path)
    assert report.reused == 0 and len(report.audio["a"].turns) == len(rows), said


def test_with_a_key_only_files_sealed_with_it_are_used(tmp_path):
    _, _, path = build(tmp_path, key=b"first")
    assert read_finished(path).seal and distrust(tmp_path, b"first") == ""
    assert distrust(tmp_path, b"other") == "its seal is not one made with this site key"
    report, _, _ = build(tmp_path, key=b"first")
    assert report.reused == 1
    report, said, _ = build(tmp_path, key=b"other")
    assert report.reused == 0 and any("its seal is not one made with this site key" in line for line in said), said
    assert distrust(tmp_path, b"other") == ""


def test_without_a_key_an_unsealed_file_is_checked_and_used(tmp_path):
    _, _, path = build(tmp_path)
    assert read_finished(path).seal == ""
    report, _, _ = build(tmp_path)
    assert report.reused == 1
    report, said, _ = build(tmp_path, key=b"new")
    assert report.reused == 0 and any("its seal is missing" in line for line in said), said


def test_the_key_comes_from_the_environment():
    assert audio_key({"PODCAST_AUDIO_KEY": " s3cret\n"}) == b"s3cret"
    assert audio_key({"PODCAST_AUDIO_KEY": ""}) is None and audio_key({}) is None


@pytest.mark.unit
def test_fingerprints_made_ahead_by_a_worker_are_each_files_own_in_order(tmp_path):
    """The workers and the build fingerprint the finished MP3s in chunks, shared between them: each value must be
    its own file's, whoever made it, or a damaged file could pass as one checked before."""
    paths = []
    for number in range(150):  # chunks of 32, with files that cannot be read at a chunk's edges
        path = tmp_path / f"{number}.mp3"
        if number in (31, 63, 149):
            path.mkdir()  # a folder where the file should be
        elif number not in (0, 32, 64):  # no file at all
            path.write_bytes(bytes([number]) * (number + 1))
        paths.append(path)
    expected = [Fingerprinted(fingerprint(b"pause", path.read_bytes()), file_identity(path)) if path.is_file()
                else None for path in paths]
    with Workers(1) as workers:
        assert list(fingerprints_ahead(paths, b"pause", workers)) == expected
        assert workers._pool is not None, "a worker made them"
    assert list(fingerprints_ahead(paths, b"pause", None)) == [None] * len(paths), "no workers: none made ahead"


def test_a_fingerprint_made_ahead_holds_only_for_the_file_the_worker_read(tmp_path):
    """A worker fingerprints an MP3 a moment before the build reads its turn table: bytes written into the file
    in between (its time moves) send it through every check, even where the fingerprint was found good."""
    build(tmp_path)
    path = tmp_path / "audio/a.mp3"
    settings = gtts_settings(tmp_path)
    pause = audio_bytes(silence_mp3(settings.pause))
    store = ClipStore(tmp_path / settings.cache_dir, tmp_path / settings.audio_dir)
    [known] = file_fingerprints([str(path)], pause)
    assert find_distrust(read_finished(path), pause, key=None, store=store, known=known) == ""
    assert store.checked(known.fingerprint), "the file's bytes are known to be well formed"
    data = bytearray(path.read_bytes())
    data[-600:] = bytes(600)  # damaged in place after the worker read it: the same size
    path.write_bytes(bytes(data))
    assert find_distrust(read_finished(path), pause, key=None, store=store, known=known) != ""


def test_a_turn_table_read_ahead_by_a_worker_is_the_files_own_while_it_is_that_file(tmp_path):
    """The worker that fingerprints an MP3 reads its turn table from the same bytes, so that the build need not read
    it again: the table is used only while the file is the one the worker read; another file's tag, one not written
    as this project writes it, is left to `read_finished`."""
    build(tmp_path)
    path = tmp_path / "audio/a.mp3"
    pause = audio_bytes(silence_mp3(gtts_settings(tmp_path).pause))
    [known] = file_fingerprints([str(path)], pause)
    assert known.finished is not None and known.finished == read_finished(path)
    assert known.finished_of(path) == read_finished(path)
    copy = tmp_path / "copy.mp3"
    shutil.copy2(path, copy)
    os.replace(copy, path)  # the same bytes in another file: a checkout's, or an editor's save
    assert known.finished_of(path) is None, "not the file the worker read"
    ID3(path).save(path, v2_version=4)  # an editor's ID3v2.4: not how this project writes its tags
    assert finished_in(path, path.read_bytes()) is None
    assert read_finished(path) is not None, "mutagen still reads it"
