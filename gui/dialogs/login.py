"""The admin password prompt shown at every launch after the first."""

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QLabel, QLineEdit, QVBoxLayout, QWidget


class LoginDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("RelayDesk — sign in"))
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText(self.tr("Admin password"))
        self.message = QLabel("")
        self.message.setStyleSheet("color: #b42318")
        self.message.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("Enter the administrator password.")))
        layout.addWidget(self.password)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def fail(self, message: str) -> None:
        self.message.setText(message)
        self.password.clear()
        self.password.setFocus()
