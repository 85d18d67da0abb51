"""Simplified Chinese: the catalogue covers every interface string, and the app really uses it.

When a test here fails after you added or changed a string in gui/: run `make translations`,
translate the new entries in resources/i18n/relaydesk_zh_CN.ts (keep {placeholders}, %n and
one & mnemonic as in the source), then run `make translations` again to compile the .qm.
"""

import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QLocale, QTranslator
from PySide6.QtWidgets import QApplication

from gui import i18n
from gui.resources import resource
from tests.helpers.requirements import require

TS = resource("i18n", "relaydesk_zh_CN.ts")
QM = resource("i18n", "relaydesk_zh_CN.qm")
GUI = Path(__file__).resolve().parents[2] / "gui"
FIX = ("run `make translations`, translate the new entries in resources/i18n/relaydesk_zh_CN.ts, "
       "then run `make translations` again")

PLACEHOLDER = re.compile(r"\{[A-Za-z_][A-Za-z0-9_]*\}|%n|%L?\d")
MNEMONIC = re.compile(r"&(?![&\s])")


def messages(ts: Path = TS) -> Iterator[tuple[str, str, ET.Element]]:
    """(context, source, <message>) for every message in a .ts file."""
    for context in ET.parse(ts).getroot().iter("context"):
        name = context.findtext("name") or ""
        for message in context.iter("message"):
            yield name, message.findtext("source") or "", message


def translations(message: ET.Element) -> list[str]:
    """The translated text, or each plural form of it."""
    node = message.find("translation")
    if node is None:
        return []
    forms = node.findall("numerusform")
    return [form.text or "" for form in forms] if forms else [node.text or ""]


def where(context: str, source: str) -> str:
    return f"[{context}] {source!r}"


@pytest.fixture
def translator() -> QTranslator:
    ours = QTranslator()
    assert ours.load(str(QM)), f"cannot load {QM}: {FIX}"
    return ours


@pytest.fixture
def chinese() -> Iterator[QApplication]:
    """Chinese installed as gui.main installs it; English again afterwards."""
    app = QApplication.instance()
    assert isinstance(app, QApplication)
    installed = i18n.install(app, "zh_CN")
    try:
        yield app
    finally:
        for translator in installed:
            app.removeTranslator(translator)


def test_qm_loads_and_translates_strings_of_several_contexts(translator: QTranslator) -> None:
    assert translator.language() == "zh_CN"
    assert translator.translate("MainWindow", "&File") == "文件(&F)"
    assert translator.translate("UsersPage", "Users") == "用户"
    assert translator.translate("BalancesPage", "Balances & recharges") == "余额与充值"
    assert translator.translate("RechargeDialog", "Alipay") == "支付宝"
    assert translator.translate("main", "RelayDesk is already running for this data folder.")


def test_compiled_qm_matches_the_ts(translator: QTranslator) -> None:
    """Every translation in the .ts is in the .qm too: lrelease was run after the last edit."""
    stale = []
    for context, source, message in messages():
        expected = translations(message)
        if message.get("numerus") == "yes":
            got = translator.translate(context, source, None, 2)
        else:
            got = translator.translate(context, source)
        if not expected or got != expected[0]:
            stale.append(where(context, source))
    assert not stale, f"{len(stale)} strings differ between .ts and .qm ({FIX}): {stale[:10]}"


def test_every_string_has_a_finished_translation_with_the_same_placeholders() -> None:
    problems = []
    count = 0
    for context, source, message in messages():
        count += 1
        node = message.find("translation")
        kind = node.get("type") if node is not None else "missing"
        texts = translations(message)
        if kind in ("unfinished", "missing") or not texts or not all(t.strip() for t in texts):
            problems.append(f"{where(context, source)}: not translated")
            continue
        if kind in ("obsolete", "vanished"):
            problems.append(f"{where(context, source)}: {kind}, no longer in gui/")
        for text in texts:
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                problems.append(f"{where(context, source)}: placeholders differ in {text!r}")
            if len(MNEMONIC.findall(text)) != len(MNEMONIC.findall(source)):
                problems.append(f"{where(context, source)}: & mnemonic differs in {text!r}")
    assert count > 400
    assert not problems, f"{len(problems)} problems ({FIX}):\n" + "\n".join(problems)


def test_catalogue_has_every_string_in_gui(tmp_path: Path) -> None:
    """lupdate over gui/ now finds nothing the .ts lacks: no string was added untranslated."""
    lupdate = Path(sys.executable).with_name("pyside6-lupdate")
    require(None if lupdate.exists() else f"{lupdate} (part of PySide6) not found")
    fresh = tmp_path / "relaydesk_zh_CN.ts"
    sources = sorted(str(path) for path in GUI.rglob("*.py"))
    subprocess.run([str(lupdate), "-silent", "-no-obsolete", *sources, "-ts", str(fresh)],
                   check=True, capture_output=True)
    in_code = {(context, source) for context, source, _ in messages(fresh)}
    in_ts = {(context, source) for context, source, _ in messages()}
    missing = sorted(where(*key) for key in in_code - in_ts)
    gone = sorted(where(*key) for key in in_ts - in_code)
    assert not missing, f"{len(missing)} strings in gui/ are not in the .ts ({FIX}): {missing}"
    assert not gone, f"{len(gone)} strings in the .ts are gone from gui/ ({FIX}): {gone}"


def test_installed_translation_reaches_widgets_and_label_helpers(chinese: QApplication) -> None:
    from gui.dialogs.login import LoginDialog
    from gui.dialogs.provider_edit import kind_label
    from gui.dialogs.recharge import method_labels
    from gui.pages.balances_filters import kind_labels, status_labels

    dialog = LoginDialog()
    assert dialog.windowTitle() == "RelayDesk — 登录"
    assert method_labels()["wechat"] == "微信支付"
    assert status_labels()["partially_refunded"] == "部分退款"
    assert kind_labels()["refund"] == "退款"
    assert kind_label("openai") == "OpenAI 或兼容接口"
    assert kind_label("deepseek") == "DeepSeek"
    assert chinese.translate("QPlatformTheme", "Cancel") == "取消"  # Qt's own qtbase catalogue
    dialog.deleteLater()


@pytest.mark.parametrize(("system", "expected"), [
    ("zh_CN", "zh_CN"), ("zh_TW", "zh_CN"), ("zh_HK", "zh_CN"), ("en_US", "en"), ("de_DE", "en"),
    ("C", "en")])
def test_auto_follows_a_chinese_system_locale_and_falls_back_to_english(
        system: str, expected: str) -> None:
    assert i18n.choose("auto", QLocale(system)) == expected


def test_an_explicit_language_setting_wins_over_the_system() -> None:
    assert i18n.choose("en", QLocale("zh_CN")) == "en"
    assert i18n.choose("zh_CN", QLocale("en_US")) == "zh_CN"


def test_the_privacy_dialog_shows_the_policy_in_the_interface_language(qtbot) -> None:  # type: ignore[no-untyped-def]
    from gui import i18n
    from gui.dialogs.privacy import PrivacyDialog
    saved = i18n.ACTIVE[0]
    try:
        i18n.ACTIVE[0] = "zh_CN"
        dialog = PrivacyDialog()
        qtbot.addWidget(dialog)
        assert "我们收集的信息" in dialog.view.toPlainText()
        i18n.ACTIVE[0] = "en"
        dialog = PrivacyDialog()
        qtbot.addWidget(dialog)
        assert "Information we collect" in dialog.view.toPlainText()
    finally:
        i18n.ACTIVE[0] = saved
