"""What search indexes and looks up is the text in NFKC, lower-cased. Chinese text's full-width commas and colons
are made ASCII by a quicker way than NFKC itself; the result is NFKC's all the same."""

from __future__ import annotations

import random
import unicodedata

import pytest

from site_plugins.podcast.render.search import normalize

pytestmark = pytest.mark.unit

# Characters around the quicker way's edges: every full-width ASCII form and those just outside the range,
# combining marks that compose with what a wide form becomes, half-width katakana and their voicing mark,
# ligatures, circled digits, CJK compatibility ideographs, Hangul jamo, and plain Chinese and ASCII.
ALPHABET = ("".join(map(chr, range(0xFF00, 0xFF70))) + "\u0301\u0308\u0327\u20dd\u3099\uff9e\uff76\uff73"
            "\ufb01\u2460\u00bd\uf900\uf92c\u1100\u1161\u11a8\u00c5A\u030a，。：；！？「」預算图书馆 abcXYZ019\n")


@pytest.mark.parametrize("seed", range(20))
def test_normalized_text_is_nfkc_lower_cased(seed):
    rng = random.Random(seed)
    for _ in range(300):
        text = "".join(rng.choice(ALPHABET) for _ in range(rng.randrange(0, 40)))
        assert normalize(text) == unicodedata.normalize("NFKC", text).lower(), [hex(ord(c)) for c in text]


def test_full_width_forms_become_ascii():
    assert normalize("俄罗斯，ＡＢＣ：２０２５！") == "俄罗斯,abc:2025!"
    assert normalize("Ｅ\u0301") == "é"  # the wide letter's ASCII form takes the accent, as NFKC composes it
