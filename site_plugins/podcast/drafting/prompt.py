"""What Claude is told: the standing instructions, then the article (the cached prefix), then this episode's
particulars (date, hosts and their personas, language and script, the length in characters and turns)."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import date

from .article import Article
from .length import Budget

FACTS_ARTICLE = """\
Facts: article only
- Every fact, number, name, date and quotation must come from the article. Do not add facts from memory, \
do not guess figures, do not invent quotations or sources. `outside_facts` stays empty.
- Where the article says nothing (for example what happens next), the hosts say it is not known yet.
- Related Info gathers what the article itself says around the event: earlier events, people and places \
it mentions."""

FACTS_LISTED = """\
Facts: the article first, outside knowledge listed
- The article is the main source. You may add well-established background from your own knowledge \
(history, earlier events, widely reported figures), as the show does, but never invent quotations.
- Every fact that is not in the article goes, as one short sentence, into `outside_facts`; an editor \
verifies each before the episode is published. If unsure of a figure, leave it out.
- Related Info may give such outside context; each outside fact there is listed too."""

INSTRUCTIONS = """\
You write episodes of a podcast in the style of Goose Pod: two hosts discuss one news article in a warm, \
thoughtful dialogue for listeners who have not read it, followed by a summary and an analysis.

{facts}
- The hosts may reflect, compare, use images and proverbs, and say how something makes them feel; that \
is commentary, not fact, and must read as such.
- For each turn that states a fact, `support` is one sentence copied word for word from the article \
that supports it; an empty string for a turn of pure commentary. Quotations appear only as the article \
gives them.

Plan first
- Fill `plan` before the script: for each section in order, its goal and the facts and numbers of the \
article it uses, in a line or two. Then write the script from the plan.

The sections, in this order, each once, with exactly these English names
- Intro: the first host greets the listener by name (or the audience), says the date and weekday given, \
names the show and themselves; the second host introduces themself and the topic with a hook.
- Core Event: what happened, who did it, the key numbers.
- Background: how it came to this; earlier events and causes.
- Conflict: the tensions and the sides, each in its own words.
- Impact: who is affected and how, from the large picture to daily life.
- Future: what comes next and what is not yet known.
- Conclusion: the takeaway in a sentence or two, thanks to the listener, goodbye.

Dialogue craft
- Each host keeps the persona given. They alternate; one host never speaks more than two turns in a row.
- Most turns open by reacting to what was just said (agreeing, wondering, pushing back) before adding \
something; the asking host asks the questions a listener would ask, several in each middle section.
- Hand-offs are natural: a host sometimes addresses the other by name or invites them in.
- A turn is 1 to 4 sentences of natural speech; vary the length. No lists, no headings, no HTML; \
*emphasis* only where a speaker would stress a word.
- Write for the ear in the requested language and script: numbers as a speaker of that language \
says them (458亿美元, not $45.8 billion, in Chinese), units and currencies in words. When what is \
read aloud should differ from the text (an abbreviation, a symbol, a year read digit by digit), give \
the spoken form in `say`; otherwise `say` is an empty string.
- Keep to the length asked: the number of turns per section and the characters or words in all.

The rest
- summary: 2 to 3 sentences on what happened and why it matters.
- analysis: for each aspect (Core Event, Background, Conflict, Impact, Future, Related Info) one short \
paragraph or a short Markdown list.
- category: one English word or short phrase such as Business, Politics, World, Science, Technology, \
Society, Culture, Health or Sports.
- tags: 3 to 6 short tags in the requested language (never more than 8).
- title: a short, engaging question or statement in the requested language.
- Write everything in the requested language, except the section names and analysis keys, which stay \
in English exactly as given.

An example of the tone (not of the content), in {example_language}:
{example}
"""

EXAMPLES = {
    "zh": ("Chinese", "卿姐: 晓旭，你看到这个数字的时候是什么感觉？\n"
                      "晓旭: 说实话，我愣了一下。一年两百多亿，这可不是小数目。那它到底是从哪儿来的？\n"
                      "卿姐: 问得好。文章里说，主要是靠能源出口……"),
    "en": ("English", "Maya: Theo, when you first read that number, what went through your head?\n"
                      "Theo: Honestly? I read it twice. Twenty billion a year is not small change. So where "
                      "does it come from?\n"
                      "Maya: Good question. The article says most of it is energy exports..."),
}
WEEKDAYS = {"zh": ["星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"],
            "en": ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]}
_SCRIPTS = {"zh-tw": "traditional Chinese characters", "zh-hk": "traditional Chinese characters",
            "zh-mo": "traditional Chinese characters", "zh-hant": "traditional Chinese characters"}


@dataclass(frozen=True, slots=True)
class Particulars:
    """What this episode asks beyond the standing instructions."""

    hosts: tuple[tuple[str, str], ...]
    """(name, persona) of each host, the first leading."""
    language: str
    article_language: str
    today: date
    budget: Budget
    facts: str = "article"
    show: str = ""
    listener: str | None = None


def instructions(facts: str, language: str) -> str:
    example_language, example = EXAMPLES.get(language.split("-")[0].lower(), EXAMPLES["en"])
    return INSTRUCTIONS.format(facts=FACTS_LISTED if facts == "listed" else FACTS_ARTICLE,
                               example_language=example_language, example=example)


def prompt_version(schema_json: str) -> str:
    """A short hash of everything fixed that shapes an answer: the instructions (each policy, each example)
    and the schema. Recorded in each draft, so a change of prompt can be told from a change of model."""
    fixed = "".join([INSTRUCTIONS, FACTS_ARTICLE, FACTS_LISTED, repr(EXAMPLES), schema_json])
    return hashlib.sha256(fixed.encode("utf-8")).hexdigest()[:12]


def article_block(article: Article) -> str:
    facts = [f"Title: {article.title}" if article.title else "",
             f"Publisher: {article.publisher}" if article.publisher else "",
             f"Published: {article.published.isoformat()}" if article.published else "",
             f"Address: {article.url}" if article.url else ""]
    return "\n".join(["<article>", *[f for f in facts if f], "", article.text, "</article>"])


def script_name(language: str) -> str:
    lowered = language.lower()
    if lowered.startswith("zh"):
        return next((name for code, name in _SCRIPTS.items() if lowered.startswith(code)),
                    "simplified Chinese characters")
    return "its usual script"


def particulars_block(p: Particulars) -> str:
    weekday = WEEKDAYS.get(p.language.split("-")[0].lower(), WEEKDAYS["en"])[p.today.weekday()]
    sections = ", ".join(f"{name} {count}" for name, count in p.budget.section_turns().items())
    hosts = [f"- {name}{' (leads)' if number == 0 else ''}: {persona or 'a host of the show'}"
             for number, (name, persona) in enumerate(p.hosts)]
    return "\n".join(line for line in [
        "Hosts, in the order they speak first:", *hosts,
        f"Listener: {p.listener}" if p.listener else "Listener: none (greet the audience in general)",
        f"Show: {p.show}" if p.show else "",
        f"Today: {p.today.isoformat()}, {weekday} (the Intro says the date and the weekday)",
        f"Language of the episode: {p.language}, written in {script_name(p.language)}",
        f"Language of the article: {p.article_language}",
        f"Length: {p.budget.describe()}: {p.budget.turns} turns in all; turns per section: {sections}.",
    ] if line)


_CJK = re.compile(r"[\u3400-\u9fff\u3040-\u30ff]")


def estimated_tokens(text: str) -> int:
    """Tokens of `text`, estimated without the network: about one per CJK character and one per four other
    characters (the tokenizer's usual ratios; the API's token counter gives the exact figure)."""
    cjk = len(_CJK.findall(text))
    return cjk + (len(text) - cjk + 3) // 4


def article_language(article: Article) -> str:
    """'zh' when most letters of the article are CJK, else 'en' (what matters is how numbers and quotations
    are written, and how long reading it takes)."""
    letters = re.findall(r"[A-Za-z]|[\u3400-\u9fff]", article.text[:5000])
    cjk = sum(1 for letter in letters if _CJK.match(letter))
    return "zh" if letters and cjk > len(letters) / 2 else "en"
