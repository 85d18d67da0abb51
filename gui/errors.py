"""Showing errors: plain words for what the operator can act on, in the interface's language;
a log file for the rest."""

import logging
import traceback
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import ServiceError
from gui.error_texts import CONTEXT

log = logging.getLogger("relaydesk.gui")
_shown: set[QMessageBox] = set()  # parentless boxes would be garbage-collected while shown


def setup_file_log(data_dir: Path) -> Path:
    """Unexpected errors go to ``relaydesk.log`` in the data folder."""
    path = data_dir / "relaydesk.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.setLevel(logging.WARNING)
    logging.getLogger().addHandler(handler)
    return path


def error_text(exc: ServiceError) -> str:
    """A refusal's message in the interface's language: its template and the field it names
    are translated (gui/error_texts.py lists them all), then filled in. Starts with a capital,
    as a sentence in a dialog does."""
    template = QCoreApplication.translate(CONTEXT, exc.template)
    values = dict(exc.values)
    # A template not translated yet keeps its field in English too, not half and half.
    if template != exc.template and isinstance(values.get("field"), str):
        values["field"] = QCoreApplication.translate(CONTEXT, values["field"])
    try:
        text = template.format(**values) if values else template
    except (KeyError, IndexError, ValueError):  # a translation that broke a placeholder
        log.warning("translation of %r does not fit its values", exc.template)
        text = exc.message
    return text[:1].upper() + text[1:]


def show_error(parent: QWidget | None, exc: BaseException, *, title: str | None = None) -> None:
    """A dialog for ``exc``: its message if it is a refusal, a generic note otherwise."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title or "RelayDesk")
    if isinstance(exc, ServiceError):
        box.setText(error_text(exc))
    else:
        log.error("unexpected error: %s", "".join(traceback.format_exception(exc)))
        box.setIcon(QMessageBox.Icon.Critical)
        box.setText(QCoreApplication.translate(
            "QWidget", "Something went wrong. The details were written to relaydesk.log in the "
            "data folder."))
        box.setDetailedText(f"{type(exc).__name__}: {exc}")
    _shown.add(box)
    box.finished.connect(lambda _code: _shown.discard(box))
    box.open()
