"""The site's scripts: ES modules with unit tests (`node --test tests/js`), lint-clean by ESLint, sharing
nothing through globals, taking their words from the pages, and cutting search terms as the index does."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from dataclasses import replace

import pytest

from site_plugins.podcast import Settings
from site_plugins.podcast.build import ASSETS, ASSETS_URI, SITE_DATA_URI, asset_files, page_assets
from site_plugins.podcast.render.i18n import LABELS
from site_plugins.podcast.render.search import fnv1a, normalize, terms_of

from .checkers import NODE_MODULES, require
from .conftest import REPO

pytestmark = pytest.mark.unit

NODE = shutil.which("node") or "/usr/bin/node"
ESLINT = NODE_MODULES / ".bin" / "eslint"
ESLINT_CONFIG = REPO / "tests" / "eslint.config.mjs"
UNIT_TESTS = REPO / "tests" / "js"
MODULES = sorted(ASSETS.glob("*.js"))


def node(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    require(NODE)
    return subprocess.run([NODE, *args], cwd=REPO, input=stdin, capture_output=True, text=True, timeout=120)


def eslint(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    require(NODE, ESLINT)
    return subprocess.run([str(ESLINT), "--config", str(ESLINT_CONFIG), "--no-warn-ignored", *args], cwd=REPO,
                          input=stdin, capture_output=True, text=True, timeout=120)


def test_the_unit_tests_of_the_pure_helpers_pass():
    result = node("--test", "--test-reporter=tap", *map(str, sorted(UNIT_TESTS.glob("*.test.mjs"))))
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr
    written = sum(len(re.findall(r"^test\(", p.read_text(encoding="utf-8"), re.M)) for p in UNIT_TESTS.glob("*.mjs"))
    assert f"# pass {written}\n" in result.stdout and "# fail 0\n" in result.stdout, result.stdout[-800:]
    assert written >= 20


def test_eslint_finds_nothing_in_the_modules_and_their_tests():
    result = eslint("site_plugins/podcast/render/assets", "tests/js", "tests/eslint.config.mjs")
    assert result.returncode == 0, result.stdout + result.stderr


BAD_MODULE = """var player = {};
window.podcastDock = player;
if (player == null) undeclared();
"""


def test_eslint_would_fail_on_a_global_an_old_var_and_an_undeclared_name():
    result = eslint("--stdin", "--stdin-filename", "site_plugins/podcast/render/assets/bad.js", stdin=BAD_MODULE)
    assert result.returncode == 1, result.stdout + result.stderr
    for rule in ("no-var", "no-restricted-syntax", "eqeqeq", "no-undef"):
        assert rule in result.stdout, (rule, result.stdout)
    assert "not through globals" in result.stdout


def test_the_pages_load_modules_and_every_module_they_import_is_published():
    css, scripts = page_assets(Settings(search=True))
    assert all(script["type"] == "module" and script["path"].startswith(ASSETS_URI) for script in scripts)
    published = {*asset_files(), SITE_DATA_URI}
    assert {s["path"] for s in scripts} <= published
    assert css[0] in published
    for module in MODULES:
        for name in re.findall(r'^import .* from "\./([\w.-]+)";$', module.read_text(encoding="utf-8"), re.M):
            assert ASSETS_URI + name in published, f"{module.name} imports ./{name}, which is not published"
    without = {s["path"] for s in page_assets(replace(Settings(), search=False))[1]}
    assert without == {s["path"] for s in scripts} - {ASSETS_URI + "search.js"}


def test_no_module_shares_state_through_window_or_carries_english_words():
    english = {text for key, text in LABELS["en"].items() if len(text) > 4 and not text.startswith("{")}
    for module in MODULES:
        code = module.read_text(encoding="utf-8")
        assert "podcastDock" not in code and "podcastSite" not in code, module.name
        assert not re.search(r"^\(function", code, re.M), f"{module.name} is still a script, not a module"
        found = sorted(text for text in english if f'"{text}"' in code)
        assert not found, f"{module.name} repeats labels of i18n.py instead of reading the page's: {found}"


SEARCHED = ["俄罗斯 Turbines，ＡＢＣ 2025年", "图书馆为何要亮到午夜", "能", "Ünïcode café ÉCOLE", "カタカナとひらがな",
            "한국어 검색", "x_y 3.14 e-mail", "预算赤字 deficit２０２５", "ﬁne ｆｕｌｌ－ｗｉｄｔｈ"]


def test_the_browser_cuts_and_hashes_query_terms_as_the_index_was_written():
    script = ('import { readFileSync } from "node:fs";\n'
              'import { fnv1a, queryTerms } from "./site_plugins/podcast/render/assets/terms.js";\n'
              'const queries = readFileSync(0, "utf8").split("\\n");\n'
              'console.log(JSON.stringify(queries.map((q) => queryTerms(q).map((t) => [t, fnv1a(t)]))));\n')
    result = node("--input-type=module", "-e", script, stdin="\n".join(SEARCHED))
    assert result.returncode == 0, result.stderr
    for query, terms in zip(SEARCHED, json.loads(result.stdout), strict=True):
        indexed = set(terms_of(normalize(query)))
        assert terms, query
        for term, shard_hash in terms:
            assert term in indexed, f"{query!r}: the browser looks up {term!r}, which the index never holds"
            assert shard_hash == fnv1a(term), term
