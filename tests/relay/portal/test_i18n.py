"""Every string the portal shows has its Simplified Chinese translation, with the same
placeholders, and the language is chosen as a visitor expects."""

import ast
import json
import re
import string
from pathlib import Path

import pytest

from app.errors import ValidationError
from app.resources import resource
from relay.portal import i18n

ROOT = Path(__file__).resolve().parents[3]
TEMPLATE_CALL = re.compile(r"""_\(\s*(?P<q>['"])(?P<text>(?:\\.|(?!(?P=q)).)*)(?P=q)""", re.S)


def _unescape(text: str) -> str:
    return text.replace("\\'", "'").replace('\\"', '"')


def used_strings() -> set[str]:
    found: set[str] = set()
    for path in resource("portal", "templates").glob("*.html"):
        found |= {_unescape(m["text"]) for m in TEMPLATE_CALL.finditer(path.read_text("utf-8"))}
    for path in (ROOT / "relay" / "portal").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text("utf-8"))):
            if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "_" and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)):
                found.add(node.args[0].value)
    return found


def _fields(text: str) -> list[str]:
    return sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)


def test_every_portal_string_has_a_chinese_translation() -> None:
    table = i18n.catalogue("zh_CN")
    missing = sorted(text for text in used_strings() if text not in table)
    assert not missing, "untranslated portal strings:\n" + "\n".join(missing)


def test_translations_keep_their_placeholders() -> None:
    for path in resource("portal", "i18n", "zh_CN").glob("*.json"):
        for source, target in json.loads(path.read_text("utf-8")).items():
            assert _fields(source) == _fields(target), (path.name, source, target)
            assert target.strip(), (path.name, source)


def test_the_catalogue_files_agree_with_each_other() -> None:
    seen: dict[str, tuple[str, str]] = {}
    for path in sorted(resource("portal", "i18n", "zh_CN").glob("*.json")):
        for source, target in json.loads(path.read_text("utf-8")).items():
            if source in seen:
                assert seen[source][1] == target, (source, seen[source][0], path.name)
            seen[source] = (path.name, target)


@pytest.mark.parametrize(("cookie", "header", "expected"), [
    (None, "zh-CN,zh;q=0.9,en;q=0.8", "zh_CN"),
    (None, "zh-TW", "zh_CN"),
    (None, "en-US,en;q=0.9,zh-CN;q=0.8", "en"),
    (None, "fr-FR,zh;q=0.5", "zh_CN"),
    (None, "de,fr;q=0.5", "en"),
    (None, None, "en"),
    (None, "zh;q=0,en;q=0.1", "en"),
    (None, "zh;q=abc", "en"),
    ("en", "zh-CN", "en"),
    ("zh_CN", "en", "zh_CN"),
    ("xx", "zh-CN", "zh_CN"),
])
def test_language_choice(cookie: str | None, header: str | None, expected: str) -> None:
    assert i18n.negotiate(cookie, header) == expected


def test_service_refusals_reuse_the_desktop_translations() -> None:
    exc = ValidationError("{field} is required", param="amount", field="Amount")
    assert i18n.error_text(exc, "en") == "Amount is required"
    chinese = i18n.error_text(exc, "zh_CN")
    assert chinese != "Amount is required" and "Amount" not in chinese


def test_a_broken_translation_falls_back_to_english() -> None:
    translate = i18n.translator("en")
    assert translate("Hello, {name}", name="<b>") == "Hello, <b>"  # the template escapes
