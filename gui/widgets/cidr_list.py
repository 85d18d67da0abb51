"""An editor for a list of IP networks (one per line) with instant, advisory feedback.

The colouring uses the stdlib ``ipaddress`` module only so the operator sees a typo while
typing; whether the list is accepted is decided by the service (``app.settings.set``).
"""

import ipaddress

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor, QFontDatabase, QSyntaxHighlighter, QTextCharFormat, QTextDocument
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QVBoxLayout, QWidget


def looks_like_network(text: str) -> bool:
    """True when ``text`` parses as an IPv4/IPv6 address or network (host bits allowed)."""
    try:
        ipaddress.ip_network(text.strip(), strict=False)
    except ValueError:
        return False
    return True


class _InvalidLineHighlighter(QSyntaxHighlighter):
    """Marks lines that are not an address or network in red with a wavy underline."""

    def __init__(self, document: QTextDocument) -> None:
        super().__init__(document)
        self._bad = QTextCharFormat()
        self._bad.setForeground(QColor("#b42318"))
        self._bad.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self._bad.setUnderlineColor(QColor("#b42318"))

    def highlightBlock(self, text: str) -> None:  # noqa: N802 - Qt override
        if text.strip() and not looks_like_network(text):
            self.setFormat(0, len(text), self._bad)


class CidrListEditor(QWidget):
    """One address or CIDR network per line, e.g. ``192.168.1.0/24`` or ``fd00::/8``.

    Signals:
        changed(): the text was edited.
    """

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.edit = QPlainTextEdit()
        self.edit.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.edit.setPlaceholderText(self.tr("One address or network per line, for example "
                                             "192.168.1.0/24 or fd00::/8"))
        self.edit.setTabChangesFocus(True)
        self.edit.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self._highlighter = _InvalidLineHighlighter(self.edit.document())
        self.hint = QLabel()
        self.hint.setWordWrap(True)
        self.hint.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit)
        layout.addWidget(self.hint)
        self.edit.textChanged.connect(self._on_text_changed)
        self._update_hint()

    def set_values(self, values: list[str]) -> None:
        """Replace the content (e.g. with the saved, normalised list)."""
        self.edit.setPlainText("\n".join(values))

    def values(self) -> list[str]:
        """The non-empty lines, stripped, in order, exactly as typed."""
        return [line.strip() for line in self.edit.toPlainText().splitlines() if line.strip()]

    def invalid_values(self) -> list[str]:
        """Entries the instant check rejects (advisory only)."""
        return [value for value in self.values() if not looks_like_network(value)]

    def _on_text_changed(self) -> None:
        self._update_hint()
        self.changed.emit()

    def _update_hint(self) -> None:
        bad = self.invalid_values()
        if bad:
            self.hint.setStyleSheet("color: #b42318")
            self.hint.setText(self.tr("Not an IP address or network: {entries}").format(
                entries=", ".join(bad)))
        else:
            self.hint.setStyleSheet("color: palette(placeholder-text)")
            count = len(self.values())
            self.hint.setText(self.tr("%n entries. An address without a /prefix means that "
                                      "single computer.", "", count) if count else
                              self.tr("The list is empty."))
