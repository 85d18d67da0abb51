"""Groups → Add/Edit…: a group's name, price multiplier, allowed models and description.

The groups service parses and checks the text (the multiplier is exact decimal text, never a
float); this dialog only collects it and shows the service's refusal next to the field.
"""

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from app.models import UserGroup
from gui.dialogs.recharge import error_label

DEFAULT = "default"  # app.groups.DEFAULT: its name is fixed


class GroupEditDialog(QDialog):
    """A new group when ``group`` is None, otherwise that group."""

    def __init__(self, group: UserGroup | None = None, multiplier: str = "1",
                 parent: QWidget | None = None) -> None:
        """``multiplier``: the group's multiplier as the service formats it."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit group") if group else self.tr("Add group"))
        self.setMinimumWidth(440)
        self.name = QLineEdit(group.name if group else "")
        self.name.setPlaceholderText(self.tr("letters, digits, '.', '_' or '-'"))
        self.name.setReadOnly(group is not None and group.name == DEFAULT)
        self.multiplier = QLineEdit(multiplier)
        self.multiplier.setPlaceholderText(self.tr("e.g. 0.8 or 1.25"))
        self.models = QLineEdit(", ".join(group.models or ()) if group else "")
        self.models.setPlaceholderText(self.tr("empty: every priced model"))
        self.description = QLineEdit((group.description or "") if group else "")
        self.description.setPlaceholderText(self.tr("optional"))
        hint = QLabel(self.tr("Users in this group pay the model's price times the multiplier "
                              "(0.8 is 20% off, 1.25 is 25% more, 0 is free). Models: "
                              "comma-separated names its users may use."))
        hint.setWordWrap(True)
        self.message = error_label()
        form = QFormLayout()
        form.addRow(self.tr("&Name:"), self.name)
        form.addRow(self.tr("&Multiplier:"), self.multiplier)
        form.addRow(self.tr("M&odels:"), self.models)
        form.addRow(self.tr("&Description:"), self.description)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save
                                   | QDialogButtonBox.StandardButton.Cancel)
        self.ok_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(hint)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        (self.multiplier if group else self.name).setFocus()

    def model_list(self) -> list[str]:
        """The models typed, comma-separated; empty means every model."""
        return [part.strip() for part in self.models.text().split(",") if part.strip()]

    def fail(self, message: str, param: str | None = None) -> None:
        """Show the service's refusal and put the cursor in the field it names."""
        self.message.setText(message)
        self.message.show()
        fields = {"name": self.name, "multiplier": self.multiplier, "models": self.models,
                  "description": self.description}
        field = fields.get(param or "", self.multiplier)
        field.setFocus()
        field.selectAll()
