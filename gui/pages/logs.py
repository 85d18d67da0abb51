"""Request logs: every relayed request, newest first, filtered by user, model, status and date.

The table pages through a log of any size (see :mod:`gui.pages.logs_model`). New traffic is
prepended only while the operator is looking at the top; someone reading further down keeps
their place and gets a note instead, and the new rows come in when they scroll back up.
"""

from datetime import date, datetime

from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from app import localdays, logquery
from app.logquery import LogFilter
from gui.backend import Backend
from gui.pages.base import Page
from gui.pages.logs_model import LogsModel
from gui.tables import fit_columns, optional_columns

# Sample text per column: wide enough for typical values without wasting space.
COLUMN_SAMPLES = {
    "time": "2026-06-01 23:59:59", "user": "zhang_wei", "model": "deepseek-reasoner",
    "provider": "deepseek", "status": "502 upstream_unavailable", "prompt": "12,345",
    "cached": "12,345", "completion": "12,345", "cost": "12.345678", "total_ms": "12,345",
    "ttfb_ms": "1,234", "ip": "192.168.100.100", "stream": "✓", "estimated": "✓",
    "written_off": "12.345678", "route": "/v1/chat/completions",
}
# Shown on demand (the header's context menu); each row's tooltip holds what they say.
HIDDEN_AT_FIRST = ("cached", "stream", "estimated", "written_off")
TYPING_DELAY_MS = 400


class LogsPage(Page):
    """Attributes:
        model: the lazy :class:`LogsModel` behind :attr:`view`.
        newer_pending: new traffic arrived while the view was scrolled down.
    """

    topics = ("logs",)

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self.newer_pending = False
        self._choices_loaded = False
        self.model = LogsModel(backend, self.spawn, self)
        self.model.loaded.connect(self._update_status)
        self.model.modelReset.connect(self._update_status)
        self._build_filters()
        self._build_table()
        self.status_label = QLabel()
        self.newer_label = QLabel(self.tr("New requests arrived. Scroll to the top to see them."))
        self.newer_label.setStyleSheet("color: palette(highlight);")
        self.newer_label.hide()
        footer = QHBoxLayout()
        footer.addWidget(self.status_label)
        footer.addStretch(1)
        footer.addWidget(self.newer_label)
        layout = QVBoxLayout(self)
        layout.addLayout(self.filter_bar)
        layout.addWidget(self.view, 1)
        layout.addLayout(footer)
        self._typing = QTimer(self)
        self._typing.setSingleShot(True)
        self._typing.setInterval(TYPING_DELAY_MS)
        self._typing.timeout.connect(self._filters_changed)
        self._connect_filters()
        self._add_shortcuts()

    def title(self) -> str:
        return self.tr("Request logs")

    # --- building -----------------------------------------------------------------------------

    def _build_filters(self) -> None:
        self.user_filter = self._combo(self.tr("All users"))
        self.model_filter = self._combo(self.tr("All models"))
        self.status_filter = QComboBox()
        for text, key in ((self.tr("All statuses"), "all"), (self.tr("Successful"), "success"),
                          (self.tr("Errors only"), "errors")):
            self.status_filter.addItem(text, key)
        today = QDate.currentDate()
        self.from_check = QCheckBox(self.tr("From"))
        self.from_date = self._date_edit(today.addDays(-7))
        self.to_check = QCheckBox(self.tr("to"))
        self.to_date = self._date_edit(today)
        self.clear_button = QPushButton(self.tr("Clear filters"))
        self.clear_button.setToolTip(self.tr("Show every request again"))
        self.clear_button.clicked.connect(self.clear_filters)
        bar = QHBoxLayout()
        bar.addWidget(QLabel(self.tr("User:")))
        bar.addWidget(self.user_filter)
        bar.addSpacing(8)
        bar.addWidget(QLabel(self.tr("Model:")))
        bar.addWidget(self.model_filter)
        bar.addSpacing(8)
        bar.addWidget(self.status_filter)
        bar.addSpacing(8)
        for widget in (self.from_check, self.from_date, self.to_check, self.to_date):
            bar.addWidget(widget)
        bar.addStretch(1)
        bar.addWidget(self.clear_button)
        self.filter_bar = bar

    def _combo(self, placeholder: str) -> QComboBox:
        combo = QComboBox()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.setMinimumContentsLength(14)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        _edit(combo).setPlaceholderText(placeholder)
        _edit(combo).setClearButtonEnabled(True)
        return combo

    def _date_edit(self, day: QDate) -> QDateEdit:
        edit = QDateEdit(day)
        edit.setCalendarPopup(True)
        edit.setDisplayFormat("yyyy-MM-dd")
        edit.setEnabled(False)
        edit.setToolTip(self.tr("Local days, like the Time column"))
        return edit

    def _build_table(self) -> None:
        view = QTableView()
        view.setModel(self.model)
        view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setAlternatingRowColors(True)
        view.setSortingEnabled(False)  # pages arrive newest first; sorting would need them all
        view.setWordWrap(False)
        view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        rows = view.verticalHeader()
        rows.hide()
        rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)  # uniform rows: cheap to lay out
        rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
        header = view.horizontalHeader()
        header.setHighlightSections(False)
        metrics = view.fontMetrics()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        # Sized from samples, not contents: measuring cells would read a million-row model.
        for column, (key, label) in enumerate(self.model.columns):
            sample = max(COLUMN_SAMPLES[key], label, key=metrics.horizontalAdvance)
            header.resizeSection(column, metrics.horizontalAdvance(sample) + 16)
        keys = [key for key, _ in self.model.columns]
        fit_columns(view, stretch=keys.index("status"),
                    elide=[keys.index(k) for k in ("user", "model", "provider")],
                    middle=[keys.index("ip")], content_sized=False)
        optional_columns(view, [keys.index(k) for k in HIDDEN_AT_FIRST])
        view.verticalScrollBar().valueChanged.connect(self._scrolled)
        self.view = view

    def _connect_filters(self) -> None:
        for combo in (self.user_filter, self.model_filter):
            _edit(combo).textEdited.connect(lambda _text: self._typing.start())
            _edit(combo).returnPressed.connect(self._filters_changed)
            combo.activated.connect(lambda _index: self._filters_changed())
        self.status_filter.currentIndexChanged.connect(lambda _index: self._filters_changed())
        for check, edit in ((self.from_check, self.from_date), (self.to_check, self.to_date)):
            check.toggled.connect(edit.setEnabled)
            check.toggled.connect(lambda _on: self._filters_changed())
            edit.dateChanged.connect(self._dates_changed)

    def _add_shortcuts(self) -> None:
        actions = [
            (QKeySequence("F5"), self.reload_from_top),
            (QKeySequence(QKeySequence.StandardKey.Find), self.focus_filters),
            (QKeySequence(QKeySequence.StandardKey.Copy), self.copy_selection),
        ]
        for sequence, slot in actions:
            action = QAction(self)
            action.setShortcut(sequence)
            # Refresh and Find work from the navigation too (the visible page's only); Copy
            # stays with the page, where the selection is.
            action.setShortcutContext(
                Qt.ShortcutContext.WidgetWithChildrenShortcut if slot == self.copy_selection
                else Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            self.addAction(action)

    # --- filters ------------------------------------------------------------------------------

    def current_filter(self) -> LogFilter:
        """What the filter widgets say, as the service layer's filter."""
        since = until = None
        if self.from_check.isChecked():
            since = _start_of(self.from_date.date())
        if self.to_check.isChecked():
            until = _start_of(self.to_date.date().addDays(1))
        return LogFilter(username=self.user_filter.currentText().strip(),
                         model=self.model_filter.currentText().strip(),
                         status=self.status_filter.currentData() or "all",
                         since=since, until=until)

    def _filters_changed(self) -> None:
        self._typing.stop()
        flt = self.current_filter()
        if flt != self.model.filter:
            self._reset(flt)

    def _dates_changed(self) -> None:
        # keep the range the right way round while the operator edits either end
        if self.from_date.date() > self.to_date.date():
            if self.sender() is self.from_date:
                self.to_date.setDate(self.from_date.date())
            else:
                self.from_date.setDate(self.to_date.date())
        self._filters_changed()

    async def apply_filters(self) -> None:
        """Apply the filter widgets now and wait for the first page (tests, benchmark)."""
        self._filters_changed()
        await self.model.wait_idle()

    def clear_filters(self) -> None:
        for widget in (self.user_filter, self.model_filter, self.status_filter,
                       self.from_check, self.to_check):
            widget.blockSignals(True)
        self.user_filter.setCurrentText("")
        self.model_filter.setCurrentText("")
        self.status_filter.setCurrentIndex(0)
        self.from_check.setChecked(False)
        self.to_check.setChecked(False)
        for widget in (self.user_filter, self.model_filter, self.status_filter,
                       self.from_check, self.to_check):
            widget.blockSignals(False)
        self.from_date.setEnabled(False)
        self.to_date.setEnabled(False)
        self._filters_changed()

    def focus_filters(self) -> None:
        self.user_filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        _edit(self.user_filter).selectAll()

    # --- loading ------------------------------------------------------------------------------

    async def refresh(self) -> None:
        """First show: the newest page. New traffic: prepend it, but only at the top."""
        if not self._choices_loaded:
            await self._load_choices()
        if self.model.filter != self.current_filter() or not self._loaded_once:
            self._reset(self.current_filter())
        elif self.at_top():
            self.model.load_newer()
        else:
            self.newer_pending = True
            self.newer_label.show()
        await self.model.wait_idle()

    @property
    def _loaded_once(self) -> bool:
        return self.model.fetch_count > 0

    def reload_from_top(self) -> None:
        """F5: filter choices and the newest page again, scrolled to the top."""
        self._choices_loaded = False
        self.spawn(self._reload_from_top())

    async def _reload_from_top(self) -> None:
        await self._load_choices()
        self._reset(self.current_filter())
        await self.model.wait_idle()

    async def _load_choices(self) -> None:
        users, models = await self.backend.call(logquery.filter_choices)
        for combo, names in ((self.user_filter, users), (self.model_filter, models)):
            text = combo.currentText()
            combo.blockSignals(True)
            combo.clear()
            combo.addItems(["", *names])
            combo.setCurrentText(text)
            combo.blockSignals(False)
        self._choices_loaded = True

    def _reset(self, flt: LogFilter) -> None:
        self.newer_pending = False
        self.newer_label.hide()
        self.model.reset(flt)
        self.view.scrollToTop()

    def at_top(self) -> bool:
        bar = self.view.verticalScrollBar()
        return bar.value() <= bar.minimum()

    def _scrolled(self, value: int) -> None:
        if self.newer_pending and value <= self.view.verticalScrollBar().minimum():
            self.newer_pending = False
            self.newer_label.hide()
            self.model.load_newer()

    def _update_status(self) -> None:
        n = self.model.rowCount()
        if self.model.fetch_count == 0 or (n == 0 and not self.model.exhausted):
            text = self.tr("Loading…")
        elif n == 0 and self.model.filter == LogFilter():
            text = self.tr("No requests have been relayed yet.")
        elif n == 0:
            text = self.tr("No requests match these filters.")
        elif self.model.exhausted:
            text = self.tr("All {n} matching requests shown, newest first.").format(n=f"{n:,}")
        else:
            text = self.tr("{n} most recent requests shown. Scroll down to load older ones."
                           ).format(n=f"{n:,}")
        self.status_label.setText(text)

    # --- copying ------------------------------------------------------------------------------

    def copy_selection(self) -> None:
        """Ctrl+C: the selected rows as tab-separated text with a header line."""
        rows = sorted({i.row() for i in self.view.selectionModel().selectedRows()})
        if not rows:
            return
        cols = range(self.model.columnCount())
        lines = ["\t".join(self.model.columns[c][1] for c in cols)]
        for r in rows:
            lines.append("\t".join(str(self.model.index(r, c).data() or "") for c in cols))
        QGuiApplication.clipboard().setText("\n".join(lines) + "\n")


def _start_of(day: QDate) -> datetime:
    """The (naive UTC, like every stored time) instant the local ``day`` starts."""
    return localdays.day_start(date(day.year(), day.month(), day.day()))


def _edit(combo: QComboBox) -> QLineEdit:
    edit = combo.lineEdit()
    assert edit is not None, "filter boxes are editable"
    return edit
