"""Light Markdown: the fast path for plain text gives exactly what the Markdown parser gives."""

from __future__ import annotations

import random

import pytest

from site_plugins.podcast.markup import _INLINE, plain_text, render_block, render_inline

pytestmark = pytest.mark.unit

SAMPLES = ["你好，世界。", "Plain words, a comma; a colon: and 3.5 numbers (in brackets).", "  padded  ",
           "它说'好的'。", "emoji 🎙️ and RTL שלום", "1. not a list in a turn", "- neither is this", "a -- b",
           "http://example.org/x stays text", "tab\there"]


@pytest.mark.parametrize("text", SAMPLES)
def test_fast_path_matches_the_parser(text):
    assert str(render_inline(text)) == _INLINE.renderInline(text).strip()


def test_random_plain_text_matches_the_parser():
    rng = random.Random(3)
    alphabet = "abc XYZ 012 ，。：？（）()-+=/'%$@,.;:?中文字"
    for _ in range(500):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(1, 40)))
        assert str(render_inline(text)) == _INLINE.renderInline(text).strip(), text


def test_markup_and_html_in_text():
    assert str(render_inline("a *b* <script>x</script> & [l](https://e.org)")) == (
        'a <em>b</em> &lt;script&gt;x&lt;/script&gt; &amp; <a href="https://e.org">l</a>')
    assert str(render_inline("[x](javascript:alert(1))")) == "[x](javascript:alert(1))"
    assert plain_text("*a*  [b](https://e.org)\nc", limit=5) == "a b c"
    assert plain_text("abcdefgh", limit=5) == "abcd…"
    assert str(render_block("- one\n- two")) == "<ul>\n<li>one</li>\n<li>two</li>\n</ul>"
