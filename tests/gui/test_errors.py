"""Errors the operator can act on are plain words; unexpected ones go to the log file too."""

import logging

from PySide6.QtWidgets import QApplication, QMessageBox

from app.errors import ValidationError
from gui.errors import setup_file_log, show_error


def _boxes() -> list[QMessageBox]:
    return [w for w in QApplication.topLevelWidgets() if isinstance(w, QMessageBox)
            and w.isVisible()]


def test_service_refusal_is_shown_in_plain_words(tmp_path) -> None:
    show_error(None, ValidationError("email is required", param="email"))
    (box,) = _boxes()
    assert box.text() == "email is required" and not box.detailedText()
    box.close()


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
