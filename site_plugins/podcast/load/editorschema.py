"""The JSON Schema that editors use to check episode files as they are typed, made from the field tables.

Editors read YAML as yaml-language-server does (YAML 1.2 core schema): `2025-12-08` and `yes` are text,
`true`/`false` booleans, `3` an integer. Draft-07 is the draft that yaml-language-server supports best.
What a schema cannot say (slug and GUID clashes across files, recordings on disk, tabs, duplicate keys,
speakers of an episode's own hosts) is left to `podcast check`.
"""

from __future__ import annotations

import json

from ..model import Settings
from ..speech import ENGINES, GENDERS
from .fields import (
    EPISODE_FIELDS,
    EPISODE_TYPES,
    HOST_FIELDS,
    LANGUAGE_PATTERN,
    LONG_TURN_FIELDS,
    PERCENT_PATTERN,
    SECTION_FIELDS,
    SLUG_PATTERN,
    SOURCE_FIELDS,
    URL_PATTERN,
    FieldSpec,
)

DRAFT = "http://json-schema.org/draft-07/schema#"
SCHEMA_NAME = "episode.schema.json"
"""Its file name in the episodes folder, where `podcast schema` writes it."""
MODELINE = f"# yaml-language-server: $schema={SCHEMA_NAME}"
"""The first line of a drafted episode: editors with yaml-language-server but without the project's
settings find the schema (relative to the file, so for files directly in the episodes folder)."""
GENERATED = "Made by `podcast schema` from the field tables and the hosts in mkdocs.yml; do not edit by hand."

# Validation reads any non-empty scalar as text (`title: 1984` is the text '1984'), so numbers pass too.
# Booleans would as well, but then editors offer true/false for every text. `pattern` applies to strings
# only, and refuses blank ones.
TEXT = {"type": ["string", "number"], "pattern": r"\S"}
NAME = {"pattern": r"\S"}
DATE_PATTERN = (r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])([T ]([01][0-9]|2[0-3]):[0-5][0-9]"
                r"(:[0-5][0-9]([.,][0-9]+)?)?(Z|[+-]([01][0-9]|2[0-3])(:?[0-5][0-9])?))?$")


def kind_schemas(speakers: list[str]) -> dict[str, dict]:
    """Each `kind` of the field tables as a JSON Schema fragment; `speakers` are offered for completion."""
    kinds = {
        "text": TEXT,
        "date": {"type": "string", "pattern": DATE_PATTERN},
        "language": {"type": "string", "pattern": LANGUAGE_PATTERN},
        # `slug: 2024` is an integer to the editor, and a good slug to validation.
        "slug": {"type": ["string", "integer"], "minimum": 0, "pattern": SLUG_PATTERN},
        "url": {"type": "string", "pattern": URL_PATTERN},
        # YAML 1.2 reads `True` as a boolean too; validation refuses it, and `podcast check` says so.
        "bool": {"type": "boolean"},
        "integer": {"type": "integer", "minimum": 1, "maximum": 999999},
        "episode type": {"type": "string", "enum": list(EPISODE_TYPES)},
        # An item listed twice is a warning, which a strict build refuses.
        "list of text": {"type": "array", "items": TEXT, "uniqueItems": True},
        "analysis": {"type": "object", "propertyNames": NAME, "additionalProperties": TEXT},
        "speaker": {**TEXT, "examples": speakers} if speakers else TEXT,
        "engine": {"type": "string", "enum": list(ENGINES)},
        "gender": {"type": "string", "enum": list(GENDERS)},
        "percent": {"type": "string", "pattern": PERCENT_PATTERN},
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
    schema["if"] = {"required": [hosts_key], "properties": {hosts_key: {"type": "object"}}}
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
            fragment["type"] = _as_list(fragment["type"]) + ["null"]
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
    return {"type": "object",
            "anyOf": [{"required": [key]} for key, spec in LONG_TURN_FIELDS.items() if spec.required]}


def _site_speakers_only(speakers: list[str]) -> dict:
    """Turns spoken by the site's hosts only: the rule for an episode without `hosts:` of its own."""
    only = {"enum": speakers}
    turn = {"if": _long_form(), "then": {"properties": {_key_of(LONG_TURN_FIELDS, "speaker"): only}},
            "else": {"propertyNames": only}}
    turns = {"properties": {_key_of(SECTION_FIELDS, "turns"): {"items": turn}}}
    return {"properties": {_key_of(EPISODE_FIELDS, "script"): {"items": turns}}}


def _description(speakers: list[str]) -> str:
    if not speakers:
        return "One episode. The site defines no hosts, so the episode names its own under `hosts:`."
    return (f"One episode. Speakers: {', '.join(speakers)} (the site's hosts); an episode may add its own "
            "under `hosts:`.")


def _key_of(fields: dict[str, FieldSpec], kind: str) -> str:
    return next(key for key, spec in fields.items() if spec.kind == kind)


def _as_list(kind_type: str | list[str]) -> list[str]:
    return [kind_type] if isinstance(kind_type, str) else list(kind_type)
