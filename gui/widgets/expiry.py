"""An optional last day: "Works until the end of [date]", for invites and redemption codes."""

from datetime import UTC, datetime

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QDateEdit, QHBoxLayout, QWidget


class ExpiryField(QWidget):
    """A tick box enabling a date; unticked means no expiry."""

    def __init__(self, days_ahead: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.expires = QCheckBox(self.tr("Works until the end of"))
        self.expiry = QDateEdit(QDate.currentDate().addDays(days_ahead))
        self.expiry.setCalendarPopup(True)
        self.expiry.setEnabled(False)
        self.expires.toggled.connect(self.expiry.setEnabled)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.expires)
        row.addWidget(self.expiry)
        row.addStretch(1)

    def expires_at(self) -> datetime | None:
        """The end of the chosen local day, as the naive UTC the services store."""
        if not self.expires.isChecked():
            return None
        day = self.expiry.date().addDays(1)
        local = datetime(day.year(), day.month(), day.day()).astimezone()  # local midnight
        return local.astimezone(UTC).replace(tzinfo=None)
