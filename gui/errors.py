"""Showing errors: plain words for what the operator can act on, a log file for the rest."""

import logging
import traceback
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

from app.errors import ServiceError

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


def show_error(parent: QWidget | None, exc: BaseException, *, title: str | None = None) -> None:
    """A dialog for ``exc``: its message if it is a refusal, a generic note otherwise."""
    box = QMessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(title or "RelayDesk")
    if isinstance(exc, ServiceError):
        box.setText(exc.message)
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
