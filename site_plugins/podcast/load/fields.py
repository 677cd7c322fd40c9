"""The episode file's fields as data: read by validation, by the documentation and by the editors' JSON Schema."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class FieldSpec:
    kind: str
    """What the value must be: text, date, bool, slug, script, ...; `editorschema.kind_schemas` has them all,
    and validation reads each kind with its own reader."""
    doc: str
    """What the field is, as the authoring guide's table and the editors' schema say it."""
    required: bool = False
    limit: int = 0
    """Most characters a text value (or each item of a list) may have; 0: no limit of its own."""
    prose: bool = False
    """Words an editor writes, where YAML may silently cut the text (a ' #' read as a comment)."""
    page_only: bool = False
    """Shown only on the episode's own page, in its audio and in the feed: a quick preview may redo
    just that page when only such fields change (listings, tags and related podcasts show the others)."""
    attribute: str = ""
    """The Episode attribute the field fills, when its name differs from the key."""


# Shared by validation (Python `re`) and the editors' JSON Schema (ECMAScript): keep to syntax both read alike.
LANGUAGE_PATTERN = r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$"
SLUG_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"
URL_PATTERN = r"^https?://[^\s/]+\.[^\s]*$"
PERCENT_PATTERN = r"^[+-]?[0-9]{1,3}%$"
"""A host's `rate` and `pitch`: +10%, -15%, 0%."""
DATE_PATTERN = (r"^(?:19|[2-9][0-9])[0-9]{2}-(?:0[1-9]|1[0-2])-(?:0[1-9]|[12][0-9]|3[01])(?:[T ](?:[01][0-9]|2[0-3])"
                r":[0-5][0-9](?::[0-5][0-9](?:\.[0-9]+)?)?(?:Z|[+-](?:[01][0-9]|2[0-3]):?[0-5][0-9]))?$")
"""The dates and times that validation's date reader (`NodeReader.moment`) accepts, from 1900 on, as one
pattern for the editors' schema; only a day past its month's end (2025-02-30) is left to validation."""


@dataclass(frozen=True, slots=True)
class ValueForm:
    """What a value of one kind must look like, for the editors' schema."""

    words: str
    """What the value must be, in words: editors show them instead of a pattern no one can read."""
    pattern: str = ""
    """The pattern a text value must match, if any."""


VALUE_FORMS: dict[str, ValueForm] = {
    "text": ValueForm("text that is not blank", r"\S"),
    "name": ValueForm("a name that is not blank", r"\S"),
    "date": ValueForm("a date as YYYY-MM-DD, or a date and time with its offset: 2025-12-08T07:30:00+08:00",
                      DATE_PATTERN),
    "language": ValueForm("a language code such as zh-CN or en", LANGUAGE_PATTERN),
    "slug": ValueForm("a slug: a-z, 0-9 and single hyphens between words, such as my-first-episode", SLUG_PATTERN),
    "url": ValueForm("a web address in full, starting with https:// or http://", URL_PATTERN),
    "percent": ValueForm("a percentage such as +10% or -15%", PERCENT_PATTERN),
    "bool": ValueForm("true or false"),
    "integer": ValueForm("a whole number from 1 to 999999"),
}
"""Each kind's words, and its pattern where it has one: the editors' schema is made from them. Validation
reads the same patterns, and says more (the value, the likely fix): an editor marks the value itself."""

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
MAX_ASPECTS = 50
"""Aspects in an episode's analysis (the reference episodes have six): each is a tab on the page."""
MAX_GUID = 200
"""Characters of an episode's `guid:` (a UUID has 36): it is written into the feed and the publish record
for good, so a pasted article cannot become one."""
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
EPISODE_TYPES = ("full", "trailer", "bonus")
"""itunes:episodeType's values."""
RESERVED_SLUGS = frozenset({"con", "prn", "aux", "nul", *(f"com{n}" for n in range(10)),
                            *(f"lpt{n}" for n in range(10))})
"""Names Windows refuses for a file or folder: a repository holding one cannot be checked out there."""

EPISODE_FIELDS: dict[str, FieldSpec] = {
    "title": FieldSpec("text", "The episode's title.", required=True, limit=MAX_SHORT, prose=True),
    "date": FieldSpec("date", "`YYYY-MM-DD`, or an ISO 8601 date and time with its UTC offset "
                              "(`2025-12-08T07:30:00+08:00`). A date alone means midnight in the site's `timezone`. "
                              "A date in the future schedules the episode.", required=True, attribute="published"),
    "script": FieldSpec("script", "The sections in order; each has `section:` (its name) and `turns:`. At least one "
                                  "turn in all.", required=True, page_only=True, attribute="sections"),
    "category": FieldSpec("text", "One category; it gets its own page.", limit=MAX_SHORT),
    "language": FieldSpec("language", "A language code such as `zh-CN` or `en`. Default: the site's language."),
    "tags": FieldSpec("list of text", "A list, `[a, b]`; each tag gets its own page.", limit=MAX_SHORT),
    "slug": FieldSpec("slug", "The page's address, `a-z`, `0-9` and `-`. Default: the title, transliterated "
                              "(Chinese becomes pinyin). Must be unique.", limit=MAX_SLUG),
    "listener": FieldSpec("text", "Whom the episode is made for; shown under the title.", limit=MAX_SHORT,
                          page_only=True),
    "draft": FieldSpec("bool", "`true` or `false`. Drafts appear in the preview, never on the published site."),
    "hosts": FieldSpec("hosts", "`name: {voice: ..., gender: ...}` for each host (the fields are under *Hosts* "
                                "below); needed only for hosts that `mkdocs.yml` does not define, or to change "
                                "one of its fields for this episode.", page_only=True),
    "source": FieldSpec("source", "The article: `url` (required), `title`, `publisher`, `published`, `text` "
                                  "(paragraphs separated by blank lines).", page_only=True),
    "summary": FieldSpec("text", "A few sentences.", limit=MAX_SUMMARY, prose=True),
    "analysis": FieldSpec("analysis", "`aspect: text` lines, shown in the order written.", limit=MAX_ANALYSIS,
                          prose=True, page_only=True),
    "related": FieldSpec("list of text", "Slugs of other episodes to show first under Related Podcasts."),
    "audio": FieldSpec("text", "A recorded MP3 to use instead of generated speech, inside the repository but not "
                               "in `audio/` (the build writes there), e.g. `recordings/ep1.mp3`.", page_only=True),
    "image": FieldSpec("text", "The episode's own cover art, shown on its page, its cards and in link previews "
                               "instead of the show's `cover`: a square JPEG or PNG of 1400 to 3000 px inside the "
                               "repository, e.g. `images/ep1.jpg` (relative to `mkdocs.yml`, like `audio:`)."),
    "guid": FieldSpec("text", "The episode's permanent ID in the feed. By default it is made from the file's name "
                              "(and its folder inside `episodes/`), so changing the title or slug never makes podcast "
                              "apps see a new episode. If you rename or move a published file, publishing keeps the "
                              "ID it was published with, and `podcast check` prints the `guid:` line to add here to "
                              "keep it for good. Two episodes may not share one.", limit=MAX_GUID),
    "episode": FieldSpec("integer", "Episode number, shown by podcast apps.", page_only=True),
    "season": FieldSpec("integer", "Season number.", page_only=True),
    "explicit": FieldSpec("bool", "`true` or `false`; default: the show's setting.", page_only=True),
    "ai_generated": FieldSpec("bool", "`true`: the page and the feed say that the episode was written and voiced "
                                      "with AI. Drafts made by `podcast draft` carry it. Without it, an episode "
                                      "spoken by the speech engine still says that its voices are synthetic.",
                              page_only=True),
    "review": FieldSpec("list of text", "What an editor must still check, written by `podcast draft`: a number, a "
                                        "quotation or a name not found in the article, an outside fact to verify. "
                                        "Each item is a warning of `podcast check` (and stops a strict publish) "
                                        "until you have checked it and deleted the line.", limit=MAX_TURN),
    "outside_facts": FieldSpec("list of text", "Facts of the dialogue that are not in the article, listed by "
                                               "`podcast draft` when `draft_facts: listed`; kept as a record of "
                                               "what was verified.", limit=MAX_TURN, page_only=True),
    "episode_type": FieldSpec("episode type", "`full` (the default), `trailer` or `bonus`, as podcast apps label "
                                              "the episode.", page_only=True),
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
    "engine": FieldSpec("engine", "The speech engine: `gtts`, `espeak` or `edge`. Default: the site's `tts`."),
    "voice": FieldSpec("text", "The voice in the engine's terms: a language for `gtts` (`zh-CN`, `zh-TW`, `en`, ...); "
                               "a language or an eSpeak NG voice such as `cmn+m3` for `espeak`; a neural voice "
                               "such as `zh-CN-XiaoxiaoNeural` for `edge`. Default: the episode's language."),
    "gender": FieldSpec("gender", "`female` or `male`: picks the engine's voice for the language when `voice` "
                                  "names none (`edge`: a female or male neural voice, a second woman the second "
                                  "female voice; `espeak`: its female or male variant; `gtts` has one voice per "
                                  "language)."),
    "rate": FieldSpec("percent", "Speaking rate, e.g. `+10%` or `-15%` (from -50% to +100%); `gtts` ignores it."),
    "pitch": FieldSpec("percent", "Pitch, e.g. `+10%` or `-15%` (from -50% to +50%); `gtts` ignores it."),
    "tld": FieldSpec("text", "Accent for English voices (gTTS): com, co.uk, com.au, ca, ..."),
    "fallback": FieldSpec("list of engines", "Engines that speak, in order, when `engine` cannot be reached, e.g. "
                                             "`[gtts, espeak]`. Default: `espeak`. A fallback's turns are published "
                                             "when its engine may publish (gTTS, Edge); the offline `espeak` makes "
                                             "a preview that is never published."),
    "persona": FieldSpec("text", "Who the host is in the dialogue, for `podcast draft`, e.g. `leads the show, frames "
                                 "the story and sums up` or `asks what listeners would ask, reacts, brings "
                                 "examples`.", limit=MAX_SHORT),
}

LONG_TURN_FIELDS: dict[str, FieldSpec] = {
    "speaker": FieldSpec("speaker", "A host's name.", required=True),
    "text": FieldSpec("text", "What the page shows.", required=True),
    "say": FieldSpec("text", "What the voice says instead, when it must differ."),
}
