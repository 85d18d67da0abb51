"""The filter bar above the recharge records: user, status and the period the order was placed;
and how statuses and ledger kinds read.

Periods are whole local days; the service is asked in naive UTC, like every stored time.
"""

from datetime import UTC, date, datetime, time, timedelta

from PySide6.QtCore import QCoreApplication, QDate, Signal
from PySide6.QtWidgets import QComboBox, QDateEdit, QHBoxLayout, QLabel, QWidget

from app.reports import RECHARGE_STATUSES, RechargeFilter


def status_labels() -> dict[str, str]:
    """How a recharge status reads in the interface."""
    translate = QCoreApplication.translate  # lupdate reads the context from each call
    return {"pending": translate("RecordFilters", "Pending"),
            "paid": translate("RecordFilters", "Paid"),
            "partially_refunded": translate("RecordFilters", "Partly refunded"),
            "refunded": translate("RecordFilters", "Refunded")}


def kind_labels() -> dict[str, str]:
    """How a ledger entry's kind reads in the interface."""
    translate = QCoreApplication.translate  # lupdate reads the context from each call
    return {"recharge": translate("BalancesPage", "Recharge"),
            "refund": translate("BalancesPage", "Refund"),
            "adjustment": translate("BalancesPage", "Adjustment"),
            "hold": translate("BalancesPage", "Hold"),
            "release": translate("BalancesPage", "Release"),
            "charge": translate("BalancesPage", "Charge"),
            "carry_forward": translate("BalancesPage", "Carried forward")}


def _day(value: QDate) -> date:
    return date(value.year(), value.month(), value.day())


def utc_midnight(day: date) -> datetime:
    """The start of a local calendar day, as the naive UTC time the database stores."""
    return datetime.combine(day, time()).astimezone(UTC).replace(tzinfo=None)


class RecordFilters(QWidget):
    """Signals:
        changed(): the operator changed a filter; ask ``current()`` for it.
    """

    changed = Signal()
    PERIODS = ("all", "today", "7d", "30d", "month", "custom")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.user = QComboBox()
        self.user.setMinimumContentsLength(12)
        self.user.addItem(self.tr("All users"), None)
        self.status = QComboBox()
        self.status.addItem(self.tr("Any status"), None)
        for code, label in status_labels().items():
            if code in RECHARGE_STATUSES:
                self.status.addItem(label, code)
        self.period = QComboBox()
        for code, label in zip(self.PERIODS, (
                self.tr("All time"), self.tr("Today"), self.tr("Last 7 days"),
                self.tr("Last 30 days"), self.tr("This month"), self.tr("Custom range")),
                strict=True):
            self.period.addItem(label, code)
        today = QDate.currentDate()
        self.since = QDateEdit(today.addDays(-30))
        self.until = QDateEdit(today)
        for edit in (self.since, self.until):
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(lambda _: self.changed.emit())
        self.to_label = QLabel(self.tr("to"))
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        for text, field in ((self.tr("User:"), self.user), (self.tr("Status:"), self.status),
                            (self.tr("Placed:"), self.period)):
            caption = QLabel(text)
            caption.setBuddy(field)
            row.addWidget(caption)
            row.addWidget(field)
            field.currentIndexChanged.connect(lambda _: self.changed.emit())
        row.addWidget(self.since)
        row.addWidget(self.to_label)
        row.addWidget(self.until)
        row.addStretch(1)
        self.period.currentIndexChanged.connect(self._show_dates)
        self._show_dates()

    def _show_dates(self) -> None:
        custom = self.period.currentData() == "custom"
        for widget in (self.since, self.to_label, self.until):
            widget.setVisible(custom)

    def set_usernames(self, usernames: list[str]) -> None:
        """Refill the user choice, keeping the chosen user if they still exist."""
        chosen = self.user.currentData()
        self.user.blockSignals(True)
        try:
            while self.user.count() > 1:
                self.user.removeItem(1)
            for name in sorted(usernames, key=str.lower):
                self.user.addItem(name, name)
            index = self.user.findData(chosen) if chosen else 0
            self.user.setCurrentIndex(max(index, 0))
        finally:
            self.user.blockSignals(False)
        if chosen and self.user.currentData() != chosen:
            self.changed.emit()

    def set_range(self, since: date, until: date) -> None:
        """A custom period from ``since`` to ``until``, both days included."""
        for widget in (self.since, self.until, self.period):
            widget.blockSignals(True)
        self.since.setDate(QDate(since.year, since.month, since.day))
        self.until.setDate(QDate(until.year, until.month, until.day))
        self.period.setCurrentIndex(self.PERIODS.index("custom"))
        for widget in (self.since, self.until, self.period):
            widget.blockSignals(False)
        self._show_dates()
        self.changed.emit()

    def dates(self, today: date | None = None) -> tuple[date | None, date | None]:
        """First and last local day of the chosen period (None: unbounded)."""
        today = today or date.today()
        period = self.period.currentData()
        if period == "today":
            return today, today
        if period == "7d":
            return today - timedelta(days=6), today
        if period == "30d":
            return today - timedelta(days=29), today
        if period == "month":
            return today.replace(day=1), today
        if period == "custom":
            return _day(self.since.date()), _day(self.until.date())
        return None, None

    def current(self) -> RechargeFilter:
        first, last = self.dates()
        return RechargeFilter(
            username=self.user.currentData(), status=self.status.currentData(),
            since=utc_midnight(first) if first else None,
            until=utc_midnight(last + timedelta(days=1)) if last else None)
