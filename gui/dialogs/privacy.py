"""Help → Privacy policy: the policy text shipped in resources/ (operator-editable)."""

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QTextBrowser, QVBoxLayout, QWidget

from app.resources import policy_text
from gui import i18n


class PrivacyDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Privacy policy"))
        self.resize(720, 640)
        self.view = QTextBrowser()
        self.view.setMarkdown(policy_text(i18n.ACTIVE[0]))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.view)
        layout.addWidget(buttons)
