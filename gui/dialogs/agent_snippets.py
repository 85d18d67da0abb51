"""Client settings as tabs of read-only text, each with its own Copy button: the OpenAI-style
clients' settings and, from app.snippets, Claude Code's and Codex CLI's."""

from pathlib import Path

from PySide6.QtGui import QFont, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from app import snippets


class SnippetBox(QWidget):
    """A monospace read-only text and a Copy button that puts all of it on the clipboard.

    Attributes:
        text_box: the text shown.
        copy_button: copies the text; says so once it has.
    """

    def __init__(self, text: str, lines: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.text_box = QPlainTextEdit(text)
        self.text_box.setReadOnly(True)
        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setStyleHint(QFont.StyleHint.Monospace)
        self.text_box.setFont(mono)
        self.text_box.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        metrics = self.text_box.fontMetrics()
        self.text_box.setMinimumHeight(metrics.lineSpacing() * lines + 16)
        # Wide enough for the usual lines; a long key or path scrolls rather than wraps a command.
        widest = max((len(line) for line in text.splitlines()), default=0)
        self.text_box.setMinimumWidth(metrics.horizontalAdvance("m") * min(widest + 2, 80) + 24)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.clicked.connect(self.copy)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.copy_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.text_box)
        layout.addLayout(row)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text_box.toPlainText())
        self.copy_button.setText(self.tr("Copied"))

    def clear(self) -> None:
        self.text_box.clear()


def _page(parts: list[tuple[str, SnippetBox]]) -> QWidget:
    page = QWidget()
    layout = QVBoxLayout(page)
    for hint, box in parts:
        if hint:
            label = QLabel(hint)
            label.setWordWrap(True)
            layout.addWidget(label)
        layout.addWidget(box)
    return page


class ClientSnippets(QTabWidget):
    """One tab per kind of client. The key is in every text: ``clear`` forgets them all.

    Attributes:
        openai: the OpenAI SDKs', Cherry Studio's and curl's settings.
        claude_code: the shell lines that start Claude Code.
        codex_config: Codex CLI's ``config.toml``.
        codex_env: the shell lines that give Codex the key and start it.
    """

    def __init__(self, openai_text: str, base_url: str, key: str, model: str | None,
                 cert_file: Path | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        cert = None if cert_file is None else str(cert_file)
        texts = snippets.agent_snippets(base_url, key, model, cert)
        self.openai = SnippetBox(openai_text, 12)
        self.claude_code = SnippetBox(texts["claude_code"], 8)
        self.codex_config = SnippetBox(texts["codex_config"], 9)
        self.codex_env = SnippetBox(texts["codex_env"], 4)
        self.addTab(_page([("", self.openai)]), self.tr("OpenAI SDKs, curl, Cherry Studio"))
        self.addTab(_page([(self.tr("Run these lines in a terminal; the last one starts "
                                    "Claude Code."), self.claude_code)]), "Claude Code")
        self.addTab(_page([(self.tr("Put this in ~/.codex/config.toml:"), self.codex_config),
                           (self.tr("Then give Codex the key and start it:"), self.codex_env)]),
                    "Codex CLI")

    def boxes(self) -> list[SnippetBox]:
        return [self.openai, self.claude_code, self.codex_config, self.codex_env]

    def clear(self) -> None:
        for box in self.boxes():
            box.clear()
