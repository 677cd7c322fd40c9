"""Episode files are composed by libyaml with a quicker tag rule for text; the tags are PyYAML's own."""

import pytest
import yaml

from site_plugins.podcast.load.yamlsource import _FAST_LOADER

pytestmark = pytest.mark.unit

DOCUMENT = """\
empty:
nothing: ~
null_word: null
words: [yes, no, on, off, true, False, y, n]
numbers: [0, -12, 0x1F, 0o17, 1_000, 3.5, .5, 1e3, -.inf, .NaN, +7]
dates: [2025-12-09, 2025-12-09 08:30:00, 2025-12-09T08:30:00Z]
merge: {<<: {a: 1}}
equals: =
quoted: ["yes", '2025-12-09', "~", '']
block: |
  2025
folded: >
  true
chinese: 二〇二五年十二月九日，能源
text: plain words, 12 of them
script:
  - speaker: 卿姐
    text: 好的。
  - 晓旭: "1999"
"""


def _tags(node):
    if isinstance(node, yaml.ScalarNode):
        return [(node.tag, node.value, node.start_mark.line, node.start_mark.column)]
    children = [n for pair in node.value for n in pair] if isinstance(node, yaml.MappingNode) else node.value
    return [(node.tag, None, node.start_mark.line, node.start_mark.column)] + [t for c in children for t in _tags(c)]


@pytest.mark.skipif(_FAST_LOADER is None, reason="PyYAML without libyaml composes with its own loader")
def test_every_scalar_gets_the_tag_the_safe_loader_gives():
    quick = _tags(yaml.compose(DOCUMENT, Loader=_FAST_LOADER))
    plain = _tags(yaml.compose(DOCUMENT, Loader=yaml.SafeLoader))
    assert quick == plain
    assert {tag.rsplit(":", 1)[1] for tag, *_ in quick} >= {"null", "bool", "int", "float", "timestamp", "merge",
                                                             "value", "str", "map", "seq"}
