"""Errors the operator can act on are plain words in the interface's language, naming the field;
unexpected ones go to the log file too."""

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication, QMessageBox

from app import settings
from app.errors import ValidationError
from app.money import parse_amount
from gui.errors import error_text, setup_file_log, show_error
from tests.gui.tiny_translation import installed

# A tiny Chinese catalogue, as resources/i18n would hold it once the lead fills it in.
CHINESE = {
    "{field} must be positive": "{field}必须大于零",
    "Input price": "输入价格",
    "{field}: {item!r} is not an IP address or network (such as 192.168.1.10 or "
    "192.168.1.0/24)": "{field}：{item!r} 不是 IP 地址或网段（例如 192.168.1.10 或 "
                       "192.168.1.0/24）",
    "Admin IP allow-list": "管理 IP 白名单",
    # a broken one: {missing} is not a value the service gives
    "{field} is not a number: {text!r} (write it like 12.50)": "{field}不是数字：{missing}",
}


@pytest.fixture
def chinese(tmp_path: Path) -> Iterator[None]:
    with installed(tmp_path, CHINESE):
        yield


def _boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)
            and w.isVisible()]


def test_service_refusal_is_shown_in_plain_words(tmp_path) -> None:
    show_error(None, ValidationError("Email is required", param="email"))
    (box,) = _boxes()
    assert box.text() == "Email is required" and not box.detailedText()
    box.close()


def test_a_refusal_reads_as_a_sentence() -> None:
    with pytest.raises(ValidationError) as caught:
        parse_amount("-5", param="input", field="Input price")
    assert error_text(caught.value) == "Input price must be positive"
    assert error_text(ValidationError("the current password is wrong")) == (
        "The current password is wrong")


def test_a_refusal_is_translated_with_the_field_it_names(chinese) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_amount("-5", param="input", field="Input price")
    assert caught.value.message == "Input price must be positive"  # CLI and API stay English
    assert error_text(caught.value) == "输入价格必须大于零"


def test_a_setting_refusal_is_shown_in_chinese_in_a_dialog(sqlite_db, chinese) -> None:
    with pytest.raises(ValidationError) as caught:
        settings.set("admin_ip_whitelist", ["10.0.0.0/8", "office"])
    show_error(None, caught.value)
    (box,) = _boxes()
    assert box.text() == ("管理 IP 白名单：'office' 不是 IP 地址或网段（例如 192.168.1.10 或 "
                          "192.168.1.0/24）")
    box.close()


def test_an_untranslated_refusal_stays_english(chinese) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_amount("0", field="Input price")
    assert error_text(caught.value) == "Input price must not be zero"


def test_a_translation_that_breaks_a_placeholder_falls_back_to_english(chinese, caplog) -> None:
    with pytest.raises(ValidationError) as caught:
        parse_amount("1.5.5", field="Input price")
    with caplog.at_level(logging.WARNING, logger="relaydesk.gui"):
        text = error_text(caught.value)
    assert text == caught.value.message and "does not fit" in caplog.text


def test_unexpected_error_goes_to_the_log_file_and_a_dialog(tmp_path) -> None:
    path = setup_file_log(tmp_path)
    handler = logging.getLogger().handlers[-1]
    try:
        show_error(None, RuntimeError("disk on fire"))
        (box,) = _boxes()
        assert "relaydesk.log" in box.text() and "disk on fire" in box.detailedText()
        box.close()
        handler.flush()
        logged = path.read_text(encoding="utf-8")
        assert "RuntimeError: disk on fire" in logged and "Traceback" not in box.text()
    finally:
        logging.getLogger().removeHandler(handler)
        handler.close()
