"""The JSON Schema that editors use to check episode files as they are typed, made from the field tables.

Editors read YAML as yaml-language-server does (YAML 1.2 core schema): `2025-12-08` and `yes` are text,
`true`/`false` booleans, `3` an integer. Draft-07 is the draft that yaml-language-server supports best.
What a schema cannot say (slug and GUID clashes across files, recordings on disk, tabs, duplicate keys,
speakers of an episode's own hosts, lengths, a percentage's range, a day past its month's end) is left to
`podcast check`.

The schema also holds to the strict mode of validators such as ajv: no keyword it ignores, no union of types
but with null, every keyword beside the type it applies to, every required key among the properties.
"""

from __future__ import annotations

import json

from ..model import Settings
from ..speech import ENGINES, GENDERS
from .fields import (
    EPISODE_FIELDS,
    EPISODE_TYPES,
    HOST_FIELDS,
    LONG_TURN_FIELDS,
    SECTION_FIELDS,
    SOURCE_FIELDS,
    VALUE_FORMS,
    FieldSpec,
)

DRAFT = "http://json-schema.org/draft-07/schema#"
SCHEMA_NAME = "episode.schema.json"
"""Its file name in the episodes folder, where `podcast schema` writes it."""
MODELINE = f"# yaml-language-server: $schema={SCHEMA_NAME}"
"""The first line of a drafted episode: editors with yaml-language-server but without the project's
settings find the schema (relative to the file, so for files directly in the episodes folder)."""
GENERATED = "Made by `podcast schema` from the field tables and the hosts in mkdocs.yml; do not edit by hand."
EDITOR_KEYWORDS = ("errorMessage",)
"""Keywords for editors only, outside JSON Schema. yaml-language-server (like VS Code's JSON service) shows
a schema's `errorMessage` in place of its own message for any mistake in the value, such as 'String does
not match the pattern of "^(?:19|[2-9]...$"'. A validator in strict mode refuses keywords it does not know:
declare these to it (ajv: `ajv.addVocabulary([...EDITOR_KEYWORDS])`)."""


def _worded(kind: str, schema: dict) -> dict:
    """`schema` with the kind's pattern, if it has one, and its words for editors to show."""
    form = VALUE_FORMS[kind]
    return {**schema, **({"pattern": form.pattern} if form.pattern else {}), "errorMessage": form.words}


def _text_or(kind: str, other: dict) -> dict:
    """Text of this kind, or a value of the `other` type that YAML 1.2 reads from the same characters.

    Not a union of types, which strict validators refuse, nor `anyOf`, for which yaml-language-server
    heads the hover text with each branch's title and words a wrong value as a list of types: a string
    meets the kind's pattern, anything else the other type, and either way a mistake reads in words."""
    return {"if": {"type": "string"}, "then": _worded(kind, {"type": "string"}),
            "else": {**other, "errorMessage": VALUE_FORMS[kind].words}}


# Validation reads any non-empty scalar as text (`title: 1984` is the text '1984'), so numbers pass too.
# Booleans would as well, but then editors offer true/false for every text. The pattern refuses blank text.
TEXT = _text_or("text", {"type": "number"})
NAME = _worded("name", {"type": "string"})


def kind_schemas(speakers: list[str]) -> dict[str, dict]:
    """Each `kind` of the field tables as a JSON Schema fragment; `speakers` are offered for completion."""
    kinds = {
        "text": TEXT,
        "date": _worded("date", {"type": "string"}),
        "language": _worded("language", {"type": "string"}),
        # `slug: 2024` is an integer to the editor, and a good slug to validation.
        "slug": _text_or("slug", {"type": "integer", "minimum": 0}),
        "url": _worded("url", {"type": "string"}),
        # YAML 1.2 reads `True` as a boolean too; validation refuses it, and `podcast check` says so.
        "bool": _worded("bool", {"type": "boolean"}),
        "integer": _worded("integer", {"type": "integer", "minimum": 1, "maximum": 999999}),
        "episode type": {"type": "string", "enum": list(EPISODE_TYPES)},
        # An item listed twice is a warning, which a strict build refuses.
        "list of text": {"type": "array", "items": TEXT, "uniqueItems": True},
        "analysis": {"type": "object", "propertyNames": NAME, "additionalProperties": TEXT},
        "speaker": {**TEXT, "examples": speakers} if speakers else TEXT,
        "engine": {"type": "string", "enum": list(ENGINES)},
        "gender": {"type": "string", "enum": list(GENDERS)},
        "percent": _worded("percent", {"type": "string"}),
    }
    kinds["list of engines"] = {"type": "array", "items": kinds["engine"], "uniqueItems": True}
    # The kinds that are tables of their own, made of the kinds above.
    kinds["turns"] = {"type": "array", "minItems": 1, "items": _turn(kinds, speakers)}
    kinds["hosts"] = {"type": "object", "propertyNames": NAME,  # `name:` alone: a site host, as it is
                      "additionalProperties": {**_object(HOST_FIELDS, kinds, title="host"),
                                               "type": ["object", "null"]}}
    kinds["source"] = _object(SOURCE_FIELDS, kinds, empty_optional=True)
    kinds["script"] = {"type": "array", "minItems": 1, "items": _object(SECTION_FIELDS, kinds, title="section")}
    return kinds


def render_schema(settings: Settings) -> str:
    """The schema for the episode files of the site with these settings, as stable JSON text."""
    return json.dumps(build_schema(settings), ensure_ascii=False, indent=2) + "\n"


def build_schema(settings: Settings) -> dict:
    speakers = [host.name for host in settings.hosts]
    episode = _object(EPISODE_FIELDS, kind_schemas(speakers), empty_optional=True)
    hosts_key = _key_of(EPISODE_FIELDS, "hosts")
    schema = {"$schema": DRAFT, "$comment": GENERATED, "title": "Podcast episode",
              "description": _description(speakers), **episode}
    if not speakers:
        # Without site hosts every episode names its own.
        schema["required"] = [*episode["required"], hosts_key]
        return schema
    # An episode with hosts of its own may give turns to them, which no schema can list; `podcast check` does.
    schema["if"] = {"type": "object", "required": [hosts_key], "properties": {hosts_key: {"type": "object"}}}
    schema["else"] = _site_speakers_only(speakers)
    return schema


def _object(fields: dict[str, FieldSpec], kinds: dict[str, dict], *, title: str | None = None,
            empty_optional: bool = False) -> dict:
    """A mapping of these keys. No others: validation warns about them, which a strict build refuses,
    and a typo (`catgory:`) is then marked where it is typed rather than quietly ignored."""
    properties = {}
    for key, spec in fields.items():
        if spec.kind not in kinds:
            raise ValueError(f"field '{key}' has the kind '{spec.kind}', which has no JSON Schema; "
                             "add it to editorschema.kind_schemas")
        # Editors head a field's hover text, and name it in messages, by its title.
        fragment = {"title": key, **kinds[spec.kind], "description": spec.doc}
        if empty_optional and not spec.required:
            # Validation skips an optional field left empty (`category:` alone on its line).
            fragment = _or_null(fragment)
        properties[key] = fragment
    required = [key for key, spec in fields.items() if spec.required]
    return {**({"title": title} if title else {}), "type": "object", "properties": properties,
            **({"required": required} if required else {}), "additionalProperties": False}


def _turn(kinds: dict[str, dict], speakers: list[str]) -> dict:
    """`- speaker: text` (one key), or the long form; a key of the long form makes it the long form."""
    short = {"type": "object", "minProperties": 1, "maxProperties": 1,
             # Listed so that editors complete the site's hosts; other names are checked below.
             "properties": {name: {**kinds["text"], "description": f"What {name} says."} for name in speakers},
             "additionalProperties": kinds["text"]}
    return {"title": "turn", "description": "`speaker: text`, or `speaker:`, `text:` and optionally `say:`.",
            "if": _long_form(), "then": _object(LONG_TURN_FIELDS, kinds), "else": short}


def _long_form() -> dict:
    # Each required key among the properties beside it: `true`, as the long form's own schema checks them.
    return {"type": "object", "anyOf": [{"properties": {key: True}, "required": [key]}
                                        for key, spec in LONG_TURN_FIELDS.items() if spec.required]}


def _site_speakers_only(speakers: list[str]) -> dict:
    """Turns spoken by the site's hosts only: the rule for an episode without `hosts:` of its own."""
    only = {"enum": speakers, "errorMessage": f"one of the site's hosts: {', '.join(speakers)}; an episode may "
                                              "add its own under hosts:"}
    turn = {"type": "object", "if": _long_form(),
            "then": {"properties": {_key_of(LONG_TURN_FIELDS, "speaker"): only}}, "else": {"propertyNames": only}}
    turns = {"type": "object", "properties": {_key_of(SECTION_FIELDS, "turns"): {"type": "array", "items": turn}}}
    return {"properties": {_key_of(EPISODE_FIELDS, "script"): {"type": "array", "items": turns}}}


def _description(speakers: list[str]) -> str:
    if not speakers:
        return "One episode. The site defines no hosts, so the episode names its own under `hosts:`."
    return (f"One episode. Speakers: {', '.join(speakers)} (the site's hosts); an episode may add its own "
            "under `hosts:`.")


def _key_of(fields: dict[str, FieldSpec], kind: str) -> str:
    return next(key for key, spec in fields.items() if spec.kind == kind)


def _or_null(fragment: dict) -> dict:
    if "else" in fragment:  # text or a number: null is not text
        return {**fragment, "else": _or_null(fragment["else"])}
    return {**fragment, "type": [fragment["type"], "null"]}
