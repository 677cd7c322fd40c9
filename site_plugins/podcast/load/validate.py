"""Turn one episode file's YAML into an `Episode`, reporting every problem at once."""

from __future__ import annotations

import re
import uuid
from pathlib import Path, PurePosixPath
from zoneinfo import ZoneInfo

from slugify import slugify

from ..errors import Problem, Severity
from ..model import Episode, Host, Section, Settings, Source, Turn
from ..recordings import recording_problem
from ..speech import engine_problem, language_problem
from .fields import (
    EPISODE_FIELDS,
    EPISODE_TYPES,
    HOST_FIELDS,
    LONG_TURN_FIELDS,
    MAX_ARTICLE,
    MAX_ASPECTS,
    MAX_SECTIONS,
    MAX_SHORT,
    MAX_SLUG,
    MAX_SPOKEN,
    MAX_TAGS,
    MAX_TURN,
    MAX_TURNS,
    RESERVED_SLUGS,
    SECTION_FIELDS,
    SLUG_PATTERN,
    SOURCE_FIELDS,
    FieldSpec,
)
from .hosts import rank_genders, read_host
from .nodes import NodeReader, describe, did_you_mean, is_null
from .show import episode_image_problem
from .yamlsource import MappingNode, Node, ScalarNode, SequenceNode, compose_yaml, node_properties, where

_SLUG = re.compile(SLUG_PATTERN)
_READ_FIRST = ("title", "date", "script", "slug", "hosts")
"""Fields `read` takes itself: the others depend on them (speakers on hosts, the slug on the title)."""


def slug_from_title(title: str) -> str:
    """A readable ASCII slug: Chinese titles become pinyin words."""
    return slugify(title, max_length=80, word_boundary=True)


GUID_NAMESPACE = uuid.UUID("5b1f0c3e-6f2a-5d4e-9a57-2f4c5e0b7d61")


def default_guid(path: str, episodes_dir: str = "episodes") -> str:
    """A permanent ID made from the file's name (within the episodes folder), so title and slug may change."""
    relative = PurePosixPath(path)
    folder = PurePosixPath(episodes_dir)
    if relative.is_relative_to(folder):
        relative = relative.relative_to(folder)
    return str(uuid.uuid5(GUID_NAMESPACE, relative.with_suffix("").as_posix()))


def validate_episode(text: str, path: str, settings: Settings, *, project_dir: Path | None = None
                     ) -> tuple[Episode | None, list[Problem]]:
    """Parse and validate one episode file's text; the episode is None when there are errors. With
    `project_dir`, the files it names (`audio:`, `image:`) are checked too, whatever else is wrong."""
    root, syntax = compose_yaml(text, path)
    if syntax is not None:
        return None, [syntax]
    properties = node_properties(text, path)
    if any(p.is_error for p in properties):
        return None, properties
    if root is None:
        return None, [Problem(path, 1, 1, "the file is empty; an episode needs at least title, date and script")]
    reader = _EpisodeReader(path, settings, text, project_dir)
    episode = reader.read(root)
    problems = sorted(reader.problems + properties + review_comments(text, path), key=lambda p: (p.line, p.column))
    return (None if reader.failed else episode), problems


REVIEW_COMMENT = "# review: "
"""What `podcast draft --section` writes above a redrafted section's flags: a comment, so that every byte
outside the section stays as it was, and a warning of check like an item of `review:` until deleted."""
_REVIEW_COMMENT = re.compile(rf"^(?P<indent>[ \t]*){re.escape(REVIEW_COMMENT)}(?P<item>.+)$", re.M)


def review_comments(text: str, path: str) -> list[Problem]:
    """A warning at each `# review:` comment line."""
    if REVIEW_COMMENT not in text:
        return []
    return [Problem(path, text.count("\n", 0, match.start()) + 1, len(match["indent"]) + 1,
                    f"to review: {match['item'].strip()} (check it, then delete this line)", Severity.WARNING)
            for match in _REVIEW_COMMENT.finditer(text)]


class _EpisodeReader(NodeReader):
    def __init__(self, path: str, settings: Settings, source: str, project_dir: Path | None = None) -> None:
        super().__init__(path, source)
        self.settings = settings
        self.project_dir = project_dir

    def read(self, root: Node) -> Episode | None:
        fields = self.mapping(root, "the episode", EPISODE_FIELDS)
        if not fields:
            return None
        value = {key: node for key, (_, node) in fields.items()}
        title = self.text(value["title"], "title", limit=MAX_SHORT, prose=True) if "title" in value else None
        moment = self.moment(value["date"], "date", ZoneInfo(self.settings.timezone)) if "date" in value else None
        hosts = self._hosts(value.get("hosts"))
        sections = self._script(value["script"], hosts) if "script" in value else ()
        slug = self._slug(value.get("slug"), title, root)
        optional = self._optional(value)
        if title is None or moment is None or slug is None or self.failed:
            return None
        spoken = dict.fromkeys(t.speaker for s in sections for t in s.turns)
        self._check_unvoiced(value, optional, [hosts[name] for name in spoken])
        if self.failed:
            return None
        optional.setdefault("guid", default_guid(self.path, self.settings.episodes_dir))
        return Episode(
            source_path=self.path, slug=slug, title=title, published=moment[0], has_time=moment[1],
            sections=sections, hosts=tuple(hosts[name] for name in spoken), **optional,
            positions=tuple((key, *where(node)) for key, (_, node) in fields.items()),
        )

    def _check_unvoiced(self, value: dict[str, Node], optional: dict, speakers: list[Host]) -> None:
        """A host without `voice:` speaks the episode's language: its engine must know it (unless recorded)."""
        language = optional["language"]
        problems = {self._unvoiced_problem(host, language) for host in speakers if host.voice is None}
        problem = next((p for p in sorted(problems) if p), "")
        if "audio" in optional or not problem:
            return
        node = value.get("language")
        if node is not None:
            self.error(node, f"language {problem}; or give each host a 'voice:'")
        else:
            self.error(value["script"], f"the site's language {problem}; give each host a 'voice:'")

    def _unvoiced_problem(self, host: Host, language: str) -> str:
        engine = host.engine or self.settings.tts
        return "" if engine_problem(engine) else language_problem(engine, language)

    def _optional(self, value: dict[str, Node]) -> dict:
        """Every field the table gives a generic kind, read by that kind's reader (the others are read above)."""
        out: dict = {"language": self.settings.language}
        readers = {
            "text": lambda n, key, spec: self.text(n, key, limit=spec.limit, prose=spec.prose),
            "language": lambda n, key, spec: self.language(n, key),
            "list of text": lambda n, key, spec: self.text_list(n, key, limit=spec.limit, most=MAX_TAGS),
            "bool": lambda n, key, spec: self.boolean(n, key),
            "integer": lambda n, key, spec: self.integer(n, key),
            "episode type": lambda n, key, spec: self.choice(n, key, EPISODE_TYPES),
            "source": lambda n, key, spec: self._source(n),
            "analysis": lambda n, key, spec: self._analysis(n, spec),
        }
        for key, spec in EPISODE_FIELDS.items():
            if key in _READ_FIRST or key not in value or is_null(value[key]):
                continue
            result = readers[spec.kind](value[key], key, spec)
            if key == "review":
                self._review(value[key], result)
            if result is not None and not self._file_problem(key, result, value[key]):
                out[spec.attribute or key] = result
        return out

    def _review(self, node: Node, items: tuple[str, ...]) -> None:
        """Each item of `review:` is a warning at its line until the editor deletes it."""
        for item in node.value if isinstance(node, SequenceNode) else ():
            if isinstance(item, ScalarNode) and item.value.strip() in items:
                self.warn(item, f"to review: {item.value.strip()} (check it, then delete this line)")

    def _file_problem(self, key: str, name: object, node: Node) -> bool:
        """Whether the file that `audio:` or `image:` names is missing or wrong (an error at its value)."""
        if self.project_dir is None or key not in ("audio", "image"):
            return False
        if key == "image":
            problem = episode_image_problem(str(name), project_dir=self.project_dir)
        else:
            problem = recording_problem(str(name), project_dir=self.project_dir, audio_dir=self.settings.audio_dir,
                                        cache_dir=self.project_dir / self.settings.cache_dir)
        if problem:
            self.error(node, problem)
        return bool(problem)

    def _slug(self, node: Node | None, title: str | None, root: Node) -> str | None:
        if node is not None and not is_null(node):
            slug = self.text(node, "slug", limit=MAX_SLUG)
            if slug is not None and not _SLUG.match(slug):
                self.error(node, f"slug '{slug}' may hold only a-z, 0-9 and single '-' between words; "
                                 f"try '{slug_from_title(slug) or 'my-episode'}'")
                return None
            if slug in RESERVED_SLUGS:
                self.error(node, f"slug '{slug}' is a name Windows refuses for a file; choose another, "
                                 f"e.g. '{slug}-episode'")
                return None
            return slug
        if title is None:
            return None
        slug = slug_from_title(title)
        if slug in RESERVED_SLUGS:
            slug += "-episode"
        if not slug:
            self.error(root, f"the title '{title}' gives no usable URL name; add a line like 'slug: my-episode'")
            return None
        return slug

    def _hosts(self, node: Node | None) -> dict[str, Host]:
        hosts = {h.name: h for h in self.settings.hosts}
        if node is None or is_null(node):
            return hosts
        for name, (_, value_node) in self.mapping(node, "hosts", None).items():
            if is_null(value_node):
                hosts[name] = hosts.get(name, Host(name, variant=len(hosts)))
                continue
            options = self.mapping(value_node, f"host '{name}'", HOST_FIELDS)
            values = {key: self._host_value(key, value) for key, (_, value) in options.items()
                      if key in HOST_FIELDS and not is_null(value)}
            host, found = read_host(name, {k: v for k, v in values.items() if v is not None}, base=hosts.get(name),
                                    variant=len(hosts), default_engine=self.settings.tts)
            for key, message in found:
                self.error(options[key][1], f"host '{name}': {message}")
            hosts[name] = host
        return rank_genders(hosts)

    def _host_value(self, key: str, node: Node) -> object:
        if HOST_FIELDS[key].kind == "list of engines":
            return list(self.text_list(node, key)) if isinstance(node, SequenceNode) else describe(node)
        return self.text(node, key)

    def _script(self, node: Node, hosts: dict[str, Host]) -> tuple[Section, ...]:
        if is_null(node):
            self.error(node, "the script is empty; add at least one section with turns")
            return ()
        if not isinstance(node, SequenceNode):
            self.error(node, f"script must be a list of sections ('- section: Intro'), found {describe(node)}"
                             + _dash_hint(node))
            return ()
        sections = tuple(s for s in (self._section(item, hosts) for item in node.value) if s is not None)
        if node.value and not any(s.turns for s in sections) and not self.failed:
            self.error(node, "the script has no turns; add at least one under 'turns:'")
        if not node.value:
            self.error(node, "the script is empty; add at least one section with turns")
        self._check_size(node, sections)
        return sections

    def _check_size(self, node: SequenceNode, sections: tuple[Section, ...]) -> None:
        if len(node.value) > MAX_SECTIONS:
            self.error(node.value[MAX_SECTIONS], f"the script has {len(node.value)} sections; at most {MAX_SECTIONS} "
                                                 "are allowed (each is an audio chapter)")
        turns = [t for s in sections for t in s.turns]
        if len(turns) > MAX_TURNS:
            self.error(node, f"the script has {len(turns)} turns; at most {MAX_TURNS} are allowed: "
                             "split it into several episodes")
        spoken = sum(len(t.spoken) for t in turns)
        if spoken > MAX_SPOKEN:
            self.error(node, f"the script has {spoken} characters to speak; at most {MAX_SPOKEN} are allowed "
                             "(about six hours of Mandarin or two of English): split it into several episodes")

    def _section(self, node: Node, hosts: dict[str, Host]) -> Section | None:
        fields = self.mapping(node, "a section", SECTION_FIELDS)
        if "turns" not in fields:
            return None
        # A section without its name still has its turns checked: every problem is reported at once.
        name = self.text(fields["section"][1], "section", limit=MAX_SHORT) if "section" in fields else None
        turns_node = fields["turns"][1]
        if is_null(turns_node):
            self.error(turns_node, f"section '{name}' has no turns; add some or remove the section")
            return None
        if not isinstance(turns_node, SequenceNode):
            self.error(turns_node, f"turns must be a list of '- speaker: text' lines, found "
                                   f"{describe(turns_node)}{_dash_hint(turns_node)}")
            return None
        if not turns_node.value:
            self.error(turns_node, f"section '{name}' has no turns; add some or remove the section")
        turns = tuple(t for t in (self._turn(item, hosts) for item in turns_node.value) if t is not None)
        return Section(name, turns) if name is not None else None

    def _turn(self, node: Node, hosts: dict[str, Host]) -> Turn | None:
        if isinstance(node, ScalarNode):
            self.error(node, "a turn must be 'speaker: text'" + _scalar_turn_hint(node))
            return None
        if not isinstance(node, MappingNode):
            self.error(node, f"a turn must be 'speaker: text', found {describe(node)}")
            return None
        keys = [k.value for k, _ in node.value if isinstance(k, ScalarNode)]
        if "speaker" in keys or "text" in keys:
            return self._long_turn(node, hosts)
        if len(node.value) != 1:
            self.error(node, f"a turn has one speaker, found {len(node.value)} keys ({', '.join(keys)}); "
                             "start each turn on its own line with '- '")
            return None
        key_node, value_node = node.value[0]
        speaker = self._speaker(key_node, hosts)
        text = self.text(value_node, f"the turn of '{key_node.value}'", limit=MAX_TURN, prose=True)
        if speaker is None or text is None:
            return None
        return self._speakable(Turn(speaker, text, line=where(node)[0]), value_node)

    def _speakable(self, turn: Turn, node: Node) -> Turn | None:
        if not re.search(r"\w", turn.spoken):
            self.error(node, f"this turn has nothing a voice can read ('{turn.spoken[:20]}'); write words, "
                             "or add 'say:' with what the voice should say")
            return None
        return turn

    def _long_turn(self, node: Node, hosts: dict[str, Host]) -> Turn | None:
        fields = self.mapping(node, "a turn", LONG_TURN_FIELDS)
        if "speaker" not in fields or "text" not in fields:
            return None
        speaker = self._speaker(fields["speaker"][1], hosts)
        text = self.text(fields["text"][1], "text", limit=MAX_TURN, prose=True)
        say = self.text(fields["say"][1], "say", limit=MAX_TURN, prose=True) if "say" in fields else None
        if speaker is None or text is None:
            return None
        return self._speakable(Turn(speaker, text, say=say, line=where(node)[0]),
                               fields["say" if "say" in fields else "text"][1])

    def _speaker(self, node: Node, hosts: dict[str, Host]) -> str | None:
        name = self.text(node, "speaker", limit=MAX_SHORT)
        if name is None:
            return None
        if name not in hosts:
            known = ", ".join(hosts) or "none: declare them under 'hosts:' here or in mkdocs.yml"
            self.error(node, f"speaker '{name}' is not a host (known: {known}){did_you_mean(name, hosts)}")
            return None
        return name

    def _source(self, node: Node) -> Source | None:
        fields = self.mapping(node, "source", SOURCE_FIELDS)
        if "url" not in fields:
            return None
        value = {key: n for key, (_, n) in fields.items() if not is_null(n)}
        url = self.url(value["url"], "source url") if "url" in value else None
        limits = {"title": MAX_SHORT, "publisher": MAX_SHORT, "text": MAX_ARTICLE}
        texts = {k: self.text(value[k], f"source {k}", limit=n) for k, n in limits.items() if k in value}
        published = None
        if "published" in value:
            moment = self.moment(value["published"], "source published", ZoneInfo(self.settings.timezone))
            published = moment[0].date() if moment else None
        if url is None:
            return None
        return Source(url=url, published=published, **texts)

    def _analysis(self, node: Node, spec: FieldSpec) -> tuple[tuple[str, str], ...]:
        pairs: list[tuple[str, str]] = []
        entries = self.mapping(node, "analysis", None)
        if len(entries) > MAX_ASPECTS:
            self.error(node, f"analysis has {len(entries)} aspects; at most {MAX_ASPECTS} are allowed (each is a "
                             "heading on the page)")
            return ()
        for aspect, (key_node, value_node) in entries.items():
            if len(aspect) > MAX_SHORT:
                self.error(key_node, f"an analysis aspect's name is {len(aspect)} characters long; "
                                     f"at most {MAX_SHORT} are allowed")
                continue
            text = self.text(value_node, f"analysis '{aspect}'", limit=spec.limit, prose=spec.prose)
            if text is not None:
                pairs.append((aspect, text))
        return tuple(pairs)


def _dash_hint(node: Node) -> str:
    if isinstance(node, MappingNode):
        for key_node, _ in node.value:
            if isinstance(key_node, ScalarNode) and re.match(r"^-[^\s-]", key_node.value):
                return f"; '{key_node.value}' needs a space after '-'"
    return ""


def _scalar_turn_hint(node: ScalarNode) -> str:
    text = node.value
    if "\uff1a" in text.split("\n", 1)[0][:20]:
        return "; after the speaker write an ASCII colon and a space (': '), not '\uff1a'"
    if re.match(r"^[^:\s]{1,30}:\S", text):
        return "; add a space after the ':' that follows the speaker"
    return f", found text only ('{text[:20]}')"
