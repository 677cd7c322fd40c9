"""The editors' JSON Schema: made from the field tables, it accepts every good episode and marks the
structural mistakes of the bad corpus, reading YAML as yaml-language-server does (YAML 1.2 core). It
compiles in ajv's strict mode, and says what a value must be in words, never as a pattern."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path, PurePosixPath

import pytest
import yaml
from jsonschema import Draft7Validator

from site_plugins.podcast import Host, Settings
from site_plugins.podcast.cli import main
from site_plugins.podcast.load import editorschema
from site_plugins.podcast.load.editorschema import EDITOR_KEYWORDS, MODELINE, SCHEMA_NAME, build_schema, render_schema
from site_plugins.podcast.load.fields import EPISODE_FIELDS, VALUE_FORMS, FieldSpec
from site_plugins.podcast.load.siteconfig import read_site_settings
from site_plugins.podcast.load.validate import validate_episode

from .checkers import NODE_MODULES, require
from .conftest import DATA, REPO, episode_yaml

pytestmark = pytest.mark.unit

# YAML 1.2 core schema: how a plain (unquoted) scalar is typed. Everything else is a string.
CORE_SCALARS = [
    (re.compile(r"(?:~|null|Null|NULL)?"), lambda s: None),
    (re.compile(r"true|True|TRUE"), lambda s: True),
    (re.compile(r"false|False|FALSE"), lambda s: False),
    (re.compile(r"[-+]?[0-9]+"), int),
    (re.compile(r"0o[0-7]+"), lambda s: int(s[2:], 8)),
    (re.compile(r"0x[0-9a-fA-F]+"), lambda s: int(s[2:], 16)),
    (re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"), float),
    (re.compile(r"[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN"), lambda s: float(s.lower().replace(".", ""))),
]


def load_yaml12(text: str):
    """What an editor's YAML 1.2 parser makes of the text: `2025-12-08` and `yes` stay strings."""
    node = yaml.compose(text, Loader=yaml.SafeLoader)
    return None if node is None else _value(node)


def _value(node: yaml.Node):
    if isinstance(node, yaml.MappingNode):
        return {key.value: _value(value) for key, value in node.value}
    if isinstance(node, yaml.SequenceNode):
        return [_value(item) for item in node.value]
    if node.style is None:
        for pattern, convert in CORE_SCALARS:
            if pattern.fullmatch(node.value):
                return convert(node.value)
    return node.value


def test_the_loader_reads_yaml_1_2():
    assert load_yaml12("a: 2025-12-08\nb: yes\nc: true\nd: 3\ne:\nf: '3'\ng: 0o17\nh: 1.5\ni: |\n  x\n") == \
        {"a": "2025-12-08", "b": "yes", "c": True, "d": 3, "e": None, "f": "3", "g": 15, "h": 1.5, "i": "x\n"}


SITE_SETTINGS = read_site_settings(REPO / "mkdocs.yml")
CORPUS_SETTINGS = read_site_settings(DATA / "site.yml")


def validator(settings: Settings) -> Draft7Validator:
    schema = json.loads(render_schema(settings))
    Draft7Validator.check_schema(schema)
    return Draft7Validator(schema)


def problems(settings: Settings, text: str) -> list[tuple[tuple, str]]:
    """(path in the document, message) of every schema error, those inside if/anyOf branches too."""
    found, todo = [], list(validator(settings).iter_errors(load_yaml12(text)))
    while todo:
        error = todo.pop()
        found.append((tuple(error.absolute_path), error.message))
        todo.extend(error.context)
    return found


SAMPLES = sorted((REPO / "episodes").glob("*.yaml"))
TEST_EPISODES = sorted((DATA / "episodes").glob("*.yaml"))


def test_there_are_episodes_to_check():
    assert len(SAMPLES) >= 2 and len(TEST_EPISODES) >= 3


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_the_sample_episodes_pass(path: Path):
    assert problems(SITE_SETTINGS, path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", TEST_EPISODES, ids=lambda p: p.name)
def test_the_test_episodes_pass(path: Path):
    assert problems(CORPUS_SETTINGS, path.read_text(encoding="utf-8")) == []


# The bad corpus's cases that a schema can express, each with where the schema must find the mistake.
# Left out: YAML syntax (quotes, brackets, indentation, tabs, aliases, ': ' in a turn), encoding and
# control characters, duplicate keys, clashes across files, recordings on disk, a title that makes no
# slug, turns with nothing to read aloud, and speakers of an episode's own hosts.
STRUCTURAL = {
    "analysis-empty-aspect": ("analysis", "Core Event"),
    "analysis-not-mapping": ("analysis",),
    "bad-date": ("date",),
    "bad-language": ("language",),
    "bad-slug": ("slug",),
    "dash-no-space-in-script": ("script",),
    "date-ancient": ("date",),
    "date-compact": ("date",),
    "datetime-without-offset": ("date",),
    "draft-yes": ("draft",),
    "empty-file": (),
    "empty-script": ("script",),
    "empty-title": ("title",),
    "hosts-not-mapping": ("hosts",),
    "long-turn-missing-text": ("script", 0, "turns", 0),
    "many-problems": ("script", 0, "turns", 0),
    "missing-date-and-script": (),
    "missing-title": (),
    "section-missing-name": ("script", 0),
    "section-missing-name-bad-turns": ("script", 0, "turns", 1, "晓旭"),
    "section-without-turns": ("script", 0, "turns"),
    "source-bad-url": ("source", "url"),
    "source-without-url": ("source",),
    "tags-not-list": ("tags",),
    "title-is-mapping": ("title",),
    "top-level-list": (),
    "turn-empty-text": ("script", 0, "turns", 0, "卿姐"),
    "turn-fullwidth-colon": ("script", 0, "turns", 0),
    "turn-no-space-after-colon": ("script", 0, "turns", 0),
    "turn-two-keys": ("script", 0, "turns", 0),
    "unknown-key": (),
    "unknown-speaker": ("script", 0, "turns", 0),
}


def test_most_of_the_bad_corpus_is_structural():
    assert len(STRUCTURAL) >= 25
    assert all((DATA / "bad" / f"{case}.yaml").is_file() for case in STRUCTURAL)


@pytest.mark.parametrize("case", sorted(STRUCTURAL))
def test_the_schema_marks_each_structural_mistake_where_it_is(case: str):
    text = (DATA / "bad" / f"{case}.yaml").read_text(encoding="utf-8")
    found = problems(CORPUS_SETTINGS, text)
    assert found, f"{case}: the schema accepts it, but podcast check does not"
    assert STRUCTURAL[case] in [path for path, _ in found], f"{case}: marked elsewhere: {found}"


def test_the_committed_schema_is_up_to_date():
    committed = (REPO / "episodes/episode.schema.json").read_text(encoding="utf-8")
    assert committed == render_schema(SITE_SETTINGS), \
        "episodes/episode.schema.json is stale: run .venv/bin/podcast schema and commit the file"


def test_the_schema_is_made_from_the_field_table(monkeypatch):
    text = episode_yaml(extra="mood: calm\n")
    assert problems(SITE_SETTINGS, text) != [], "an unknown key is marked"
    fields = {**EPISODE_FIELDS, "mood": FieldSpec("text", "How the episode feels.", required=True)}
    monkeypatch.setattr(editorschema, "EPISODE_FIELDS", fields)
    schema = build_schema(SITE_SETTINGS)
    assert schema["properties"]["mood"]["description"] == "How the episode feels."
    assert "mood" in schema["required"]
    assert problems(SITE_SETTINGS, text) == []
    assert problems(SITE_SETTINGS, episode_yaml()) == [((), "'mood' is a required property")]


def test_every_field_has_its_description():
    properties = build_schema(SITE_SETTINGS)["properties"]
    assert {key: properties[key]["description"] for key in properties} == \
        {key: spec.doc for key, spec in EPISODE_FIELDS.items()}


def test_a_kind_without_a_schema_is_named(monkeypatch):
    monkeypatch.setattr(editorschema, "EPISODE_FIELDS", {**EPISODE_FIELDS, "mood": FieldSpec("colour", "x")})
    with pytest.raises(ValueError, match="field 'mood' has the kind 'colour'"):
        build_schema(SITE_SETTINGS)


MAYA_AND_THEO = Settings(hosts=(Host("Maya", voice="en"), Host("Theo", voice="en", variant=1)))


def speakers_offered(schema) -> list[list[str]]:
    """Every `enum` in the schema: the speakers that editors complete and accept."""
    from site_plugins.podcast.speech import ENGINES, GENDERS

    others = (["full", "trailer", "bonus"], list(ENGINES), list(GENDERS))  # itunes:episodeType, a host's fields
    if isinstance(schema, dict):
        speakers = "enum" in schema and schema["enum"] not in others
        return ([schema["enum"]] if speakers else []) + \
            [found for value in schema.values() for found in speakers_offered(value)]
    if isinstance(schema, list):
        return [found for value in schema for found in speakers_offered(value)]
    return []


def test_the_site_hosts_are_the_speakers():
    assert speakers_offered(build_schema(MAYA_AND_THEO)) == [["Maya", "Theo"], ["Maya", "Theo"]]
    assert speakers_offered(build_schema(SITE_SETTINGS)) == [["卿姐", "晓旭", "Maya", "Theo"]] * 2
    assert speakers_offered(build_schema(CORPUS_SETTINGS)) == [["卿姐", "晓旭"], ["卿姐", "晓旭"]]
    assert problems(MAYA_AND_THEO, episode_yaml(turns="      - Maya: Hi.\n      - Theo: Hello.\n")) == []
    assert sorted(path for path, _ in problems(MAYA_AND_THEO, episode_yaml())) == [("script", 0, "turns", 0),
                                                                                   ("script", 0, "turns", 1)]
    long_form = "      - speaker: Zoe\n        text: Hi.\n"
    assert [path for path, _ in problems(MAYA_AND_THEO, episode_yaml(turns=long_form))] == \
        [("script", 0, "turns", 0, "speaker")]


def test_an_episode_with_its_own_hosts_may_use_other_speakers():
    own = "hosts:\n  Zoe: {voice: en}\n"
    turns = "      - Zoe: Hi.\n      - speaker: Zoe\n        text: Hello.\n      - Maya: Hey.\n"
    assert problems(MAYA_AND_THEO, episode_yaml(extra=own, turns=turns)) == []
    assert problems(MAYA_AND_THEO, episode_yaml(extra="hosts:\n", turns=turns)) != [], \
        "an empty hosts: declares no one"


def test_without_site_hosts_an_episode_names_its_own():
    schema = build_schema(Settings())
    assert "hosts" in schema["required"] and "else" not in schema
    assert problems(Settings(), episode_yaml(extra="hosts:\n  卿姐:\n  晓旭:\n")) == []


def test_the_command_prints_the_schema(capsys):
    assert main(["schema", "--config", str(DATA / "site.yml"), "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert out == render_schema(CORPUS_SETTINGS)
    assert json.loads(out)["$schema"] == "http://json-schema.org/draft-07/schema#"


def test_the_command_writes_the_schema_into_the_episodes_folder(tmp_path):
    config = "site_name: T\nplugins:\n  - podcast:\n      hosts:\n        Maya: {voice: en}\n"
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    assert main(["schema", "--config", str(tmp_path / "mkdocs.yml")]) == 0
    written = (tmp_path / "episodes/episode.schema.json").read_text(encoding="utf-8")
    assert written == render_schema(read_site_settings(tmp_path / "mkdocs.yml"))
    assert speakers_offered(json.loads(written)) == [["Maya"], ["Maya"]]


def jsonc(path: Path):
    """A VS Code settings file: JSON with whole-line `//` comments."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return json.loads("\n".join(line for line in lines if not line.lstrip().startswith("//")))


def test_vscode_applies_the_schema_to_the_episode_files():
    [(schema_path, patterns)] = jsonc(REPO / ".vscode/settings.json")["yaml.schemas"].items()
    assert (REPO / schema_path).resolve() == REPO / "episodes" / SCHEMA_NAME
    assert {"episodes/*.yaml", "episodes/**/*.yaml"} <= set(patterns)
    assert all(any(PurePosixPath(p.relative_to(REPO).as_posix()).match(g) for g in patterns) for p in SAMPLES)
    assert "redhat.vscode-yaml" in jsonc(REPO / ".vscode/extensions.json")["recommendations"]


@pytest.mark.parametrize("path", SAMPLES, ids=lambda p: p.name)
def test_the_sample_episodes_name_the_schema_on_their_first_line(path: Path):
    assert path.read_text(encoding="utf-8").splitlines()[0] == MODELINE
    assert (path.parent / MODELINE.rpartition("$schema=")[2]).is_file()


# Every kind's words, and the patterns they stand for: what an editor must never show instead.
WORDS = {form.words for form in VALUE_FORMS.values()}
PATTERNS = {form.pattern for form in VALUE_FORMS.values() if form.pattern}


def worded_fragments(schema) -> list[dict]:
    """Every fragment of the schema that holds a pattern, or says in words what its value must be."""
    found = []
    if isinstance(schema, dict):
        found += [schema] if "pattern" in schema or "errorMessage" in schema else []
        found += [fragment for value in schema.values() for fragment in worded_fragments(value)]
    elif isinstance(schema, list):
        found += [fragment for value in schema for fragment in worded_fragments(value)]
    return found


@pytest.mark.parametrize("settings", [SITE_SETTINGS, Settings()], ids=["site hosts", "no site hosts"])
def test_every_pattern_comes_with_its_words(settings: Settings):
    fragments = worded_fragments(build_schema(settings))
    assert {f["pattern"] for f in fragments if "pattern" in f} == PATTERNS
    for fragment in fragments:
        assert fragment.get("errorMessage"), f"a pattern without words: {fragment}"
        if "pattern" in fragment:
            assert fragment["errorMessage"] in WORDS and fragment["pattern"] not in fragment["errorMessage"]
    assert {f["errorMessage"] for f in fragments} >= WORDS, "a kind's words are used nowhere"


# Lines of an episode that `podcast check` takes, and lines it refuses: the editors' schema must agree.
TAKEN = ["date: 2025-12-08", "date: 1900-01-01", "date: 2025-12-08T07:30:00+08:00", "date: 2025-12-08 07:30Z",
         "date: 2025-12-08T07:30+0800", "date: 2025-12-08T07:30:00.125-05:00", "date: 2025-12-31T23:59:59+23:59",
         "language: zh-CN", "slug: tidal-power", "slug: 2024", "source: {url: 'https://example.org/a'}",
         "hosts: {卿姐: {rate: '+10%', pitch: -5%}}", "episode: 12", "draft: true"]
REFUSED = ["date: 2025-13-40", "date: 2025-1-8", "date: 1899-12-31", "date: 2025-12-08T07:30:00",
           "date: 2025-12-08T07:30:00+08", "date: 2025-12-08T07:30:00,5+08:00", "date: 2025-12-08T07:30:00.+08:00",
           "date: 2025-12-08T24:00+08:00", "date: 2025-12-08T07:60+08:00", "date: 2025-12-08T07:30+24:00",
           "date: 2025-12-08T07:30+08:60", "date: '20251208'", "date: ２０２５-12-08", "language: zh_CN",
           "slug: Tidal-power", "slug: tidal--power", "slug: -5", "source: {url: 'ftp://example.org/a'}",
           "hosts: {卿姐: {rate: fast}}", "episode: 0", "draft: yes"]
AGREEMENT = {**dict.fromkeys(TAKEN, True), **dict.fromkeys(REFUSED, False)}


def agreement_episode(line: str) -> str:
    """A good episode but for this line; the date's line is replaced, any other added."""
    if line.startswith("date: "):
        return episode_yaml(date=line.removeprefix("date: "))
    return episode_yaml(extra=line + "\n")


def test_the_agreement_cases_differ_from_a_good_episode_by_their_line_alone():
    assert validate_episode(episode_yaml(), "x.yaml", SITE_SETTINGS)[0] is not None
    assert len(AGREEMENT) == len(TAKEN) + len(REFUSED)


@pytest.mark.parametrize("line", AGREEMENT)
def test_the_schema_takes_what_podcast_check_takes(line: str):
    text = agreement_episode(line)
    checked = validate_episode(text, "x.yaml", SITE_SETTINGS)[0] is not None
    assert checked == AGREEMENT[line], validate_episode(text, "x.yaml", SITE_SETTINGS)[1]
    assert (problems(SITE_SETTINGS, text) == []) == checked


# ajv (JavaScript, ECMAScript patterns) in strict mode: tests/js/schema_check.mjs.
NODE = shutil.which("node") or "/usr/bin/node"
SCHEMA_CHECK = REPO / "tests" / "js" / "schema_check.mjs"


def ajv_check(schema: dict, episodes: dict[str, str], *, keywords=EDITOR_KEYWORDS) -> subprocess.CompletedProcess:
    """The script's run over these episode files (read as editors read YAML)."""
    require(NODE, NODE_MODULES / "ajv")
    data = {"schema": schema, "editorKeywords": list(keywords),
            "episodes": {name: load_yaml12(text) for name, text in episodes.items()}}
    return subprocess.run([NODE, str(SCHEMA_CHECK)], cwd=REPO, input=json.dumps(data, ensure_ascii=False),
                          capture_output=True, text=True, timeout=120)


def ajv_errors(settings: Settings, episodes: dict[str, str]) -> dict[str, list[dict]]:
    result = ajv_check(build_schema(settings), episodes)
    assert result.returncode == 0, f"ajv's strict mode refuses the schema: {result.stderr}"
    return json.loads(result.stdout)


def test_ajv_compiles_the_schema_in_strict_mode_and_the_good_episodes_pass():
    samples = {path.name: path.read_text(encoding="utf-8") for path in SAMPLES}
    assert ajv_errors(SITE_SETTINGS, samples) == {name: [] for name in samples}
    tests = {path.name: path.read_text(encoding="utf-8") for path in TEST_EPISODES}
    assert ajv_errors(CORPUS_SETTINGS, tests) == {name: [] for name in tests}
    own = {"own hosts": episode_yaml(extra="hosts:\n  卿姐:\n  晓旭:\n")}
    assert ajv_errors(Settings(), own) == {"own hosts": []}


def test_ajv_in_strict_mode_refuses_what_it_does_not_know():
    schema = build_schema(SITE_SETTINGS)
    result = ajv_check(schema, {}, keywords=())
    assert result.returncode == 1 and 'unknown keyword: "errorMessage"' in result.stderr, result.stderr
    union = {**schema, "properties": {**schema["properties"], "title": {"type": ["string", "number"]}}}
    result = ajv_check(union, {})
    assert result.returncode == 1 and "allowUnionTypes" in result.stderr, result.stderr


def test_ajv_agrees_with_podcast_check():
    found = ajv_errors(SITE_SETTINGS, {line: agreement_episode(line) for line in AGREEMENT})
    assert {line: not errors for line, errors in found.items()} == AGREEMENT


BAD_VALUES = {
    "bad-date": ("/date", "date"),
    "date-ancient": ("/date", "date"),
    "datetime-without-offset": ("/date", "date"),
    "bad-language": ("/language", "language"),
    "bad-slug": ("/slug", "slug"),
    "source-bad-url": ("/source/url", "url"),
    "draft-yes": ("/draft", "bool"),
}


def test_ajv_says_what_a_bad_value_must_be_in_words():
    found = ajv_errors(CORPUS_SETTINGS, {case: (DATA / "bad" / f"{case}.yaml").read_text(encoding="utf-8")
                                         for case in BAD_VALUES})
    for case, (path, kind) in BAD_VALUES.items():
        assert {"path": path, "keyword": "pattern" if VALUE_FORMS[kind].pattern else "type",
                "message": VALUE_FORMS[kind].words} in found[case], (case, found[case])
        shown = " ".join(error["message"] for error in found[case])
        assert "pattern" not in shown and not any(pattern in shown for pattern in PATTERNS), (case, shown)
    assert found["bad-date"][0]["message"] == ("a date as YYYY-MM-DD, or a date and time with its offset: "
                                               "2025-12-08T07:30:00+08:00")


def test_ajv_names_the_site_hosts_for_a_speaker_who_is_not_one():
    text = (DATA / "bad" / "unknown-speaker.yaml").read_text(encoding="utf-8")
    messages = [error["message"] for error in ajv_errors(CORPUS_SETTINGS, {"case": text})["case"]]
    assert "one of the site's hosts: 卿姐, 晓旭; an episode may add its own under hosts:" in messages, messages


def test_the_sample_episodes_keep_the_sites_hosts_so_copies_keep_speaker_checks():
    """An episode with its own `hosts:` switches off the schema's list of speakers: the samples, which editors
    copy, leave their hosts to mkdocs.yml."""
    for path in sorted((REPO / "episodes").glob("*.yaml")):
        assert not re.search(r"^hosts:", path.read_text(encoding="utf-8"), re.MULTILINE), path.name
        speakers = {turn["speaker"] if "speaker" in turn else next(iter(turn))
                    for section in yaml.safe_load(path.read_text(encoding="utf-8"))["script"]
                    for turn in section["turns"]}
        assert speakers and speakers <= {h.name for h in SITE_SETTINGS.hosts}, (path.name, speakers)
