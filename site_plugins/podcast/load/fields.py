"""The episode file's fields as data: read by validation, by the documentation and by the editors' JSON Schema."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldSpec:
    kind: str
    """What the value must be: text, date, bool, slug, script, ...; `editorschema.kind_schemas` has them all."""
    doc: str
    required: bool = False


# Shared by validation (Python `re`) and the editors' JSON Schema (ECMAScript): keep to syntax both read alike.
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
URL_PATTERN = r"^https?://[^\s/]+\.[^\s]*$"

# Limits, set from what the format needs and what feeds, files and chapter tables can hold. Each is
# reported as a located error: a file past one would otherwise crash, hang or blow up a build.
MAX_SHORT = 300
"""Characters of a title, category, tag, listener, speaker, publisher or aspect name."""
MAX_SUMMARY = 4000
"""Characters of a summary: Apple reads at most 4000 bytes of an episode's description."""
MAX_TURN = 5000
"""Characters of one turn's text or `say:` (the reference episode's longest turn has about 150)."""
MAX_ANALYSIS = 10_000
"""Characters of one analysis aspect."""
MAX_ARTICLE = 200_000
"""Characters of the source article's text."""
MAX_SECTIONS = 100
"""Sections (audio chapters) in a script; an ID3 chapter table holds at most 255."""
MAX_TURNS = 2000
"""Turns in a script."""
MAX_SPOKEN = 100_000
"""Characters spoken in one episode: about six hours of Mandarin or two of English, so the MP3
stays well under GitHub's 100 MB per file and a typo cannot start hours of synthesis."""
MAX_TAGS = 50
MAX_SLUG = 80
"""Characters of a slug: it names a folder and a file, and some systems cut paths at 255 bytes."""
RESERVED_SLUGS = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)),
                            *(f"lpt{n}" for n in range(10))})
"""Names Windows refuses for a file or folder: a repository holding one cannot be checked out there."""

EPISODE_FIELDS: dict[str, FieldSpec] = {
    "title": FieldSpec("text", "The episode's title.", required=True),
    "date": FieldSpec("date", "YYYY-MM-DD, or an ISO 8601 datetime with a UTC offset.", required=True),
    "category": FieldSpec("text", "One category, e.g. Business; gets its own page."),
    "language": FieldSpec("language", "BCP 47 code (zh-CN, en); default: the site's language."),
    "tags": FieldSpec("list of text", "Tags; each gets its own page."),
    "slug": FieldSpec("slug", "The episode's URL name; default: the title, transliterated."),
    "listener": FieldSpec("text", "Whom the episode is made for; shown in the header."),
    "draft": FieldSpec("bool", "true: shown by `mkdocs serve`, never published."),
    "hosts": FieldSpec("hosts", "name -> {voice, tld}; optional when the site defines the hosts."),
    "source": FieldSpec("source", "The news article discussed: url (required), title, publisher, published, text."),
    "summary": FieldSpec("text", "A few sentences; Markdown."),
    "script": FieldSpec("script", "Sections in order, each with `section:` and `turns:`.", required=True),
    "analysis": FieldSpec("analysis", "aspect -> Markdown text, shown in this order."),
    "related": FieldSpec("list of text", "Slugs of episodes to show first under Related Podcasts."),
    "audio": FieldSpec("text", "A recorded file to use instead of synthesis."),
    "guid": FieldSpec("text", "The episode's permanent ID in feeds; default: made from the file name."),
    "episode": FieldSpec("integer", "Episode number, for podcast apps."),
    "season": FieldSpec("integer", "Season number, for podcast apps."),
    "explicit": FieldSpec("bool", "true when this episode has explicit content (default: the show's setting)."),
    "ai_generated": FieldSpec("bool", "true: the page and the feed say that AI wrote or voiced the episode."),
}

SOURCE_FIELDS: dict[str, FieldSpec] = {
    "url": FieldSpec("url", "The article's address.", required=True),
    "title": FieldSpec("text", "The article's headline."),
    "publisher": FieldSpec("text", "Who published it."),
    "published": FieldSpec("date", "When it was published."),
    "text": FieldSpec("text", "The article, paragraphs separated by blank lines."),
}

SECTION_FIELDS: dict[str, FieldSpec] = {
    "section": FieldSpec("text", "The section's name, e.g. Core Event.", required=True),
    "turns": FieldSpec("turns", "The section's turns, in order.", required=True),
}

HOST_FIELDS: dict[str, FieldSpec] = {
    "voice": FieldSpec("text", "Voice/language code for speech: zh-CN, zh-TW, en, ..."),
    "tld": FieldSpec("text", "Accent for English voices (gTTS): com, co.uk, com.au, ca, ..."),
}

LONG_TURN_FIELDS: dict[str, FieldSpec] = {
    "speaker": FieldSpec("speaker", "A host's name.", required=True),
    "text": FieldSpec("text", "What the page shows.", required=True),
    "say": FieldSpec("text", "What the voice says instead, when it must differ."),
}
