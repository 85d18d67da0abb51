"""Dashboard: today's traffic at a glance, the last 14 days by model, and today's top models.

All numbers come from :mod:`app.stats` (aggregates computed by the database). The page only
lays them out: days without traffic are drawn as zero, money is shown with ``format_amount``
(the spend axis is labelled from exact integer ticks, never from float formatting). Days are
local days, and say so.
"""

from __future__ import annotations

import html
import time
from collections.abc import Callable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from PySide6.QtCharts import (
    QBarCategoryAxis,
    QBarSet,
    QCategoryAxis,
    QChart,
    QChartView,
    QStackedBarSeries,
)
from PySide6.QtCore import QMargins, Qt, QTimer
from PySide6.QtGui import (
    QAction,
    QColor,
    QCursor,
    QFont,
    QKeySequence,
    QPainter,
    QStandardItem,
    QStandardItemModel,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableView,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from app import settings
from app.money import format_amount
from gui.backend import Backend
from gui.pages.base import Page
from gui.tables import NUMBER_ALIGNMENT, fit_columns

if TYPE_CHECKING:  # imported for real inside refresh()
    from app.stats import DayModel, Today

DAYS = 14
MIN_INTERVAL_S = 5.0  # traffic can change the numbers many times a second; redraw calmly
MAX_SERIES = 7  # more models than this are drawn as one "Other" segment
TOP_MODELS = 5
# Tableau 10: distinct, colour-blind friendly, calm on a light background.
PALETTE = ["#4e79a7", "#f28e2b", "#59a14f", "#e15759", "#76b7b2", "#edc948", "#b07aa1",
           "#9c755f"]
OTHER_COLOR = "#bab0ac"


class Card(QFrame):
    """One figure: a caption, a big value and a line of detail."""

    def __init__(self, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("card")
        self.setStyleSheet("#card { background: palette(base); border: 1px solid palette(mid);"
                           " border-radius: 6px; }")
        self.caption = QLabel(caption)
        self.caption.setStyleSheet("color: palette(placeholder-text);")
        self.value = QLabel("-")
        self.shown = "-"  # the value's text, without its unit
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.9)
        font.setBold(True)
        self.value.setFont(font)
        self.detail = QLabel("")
        self.detail.setStyleSheet("color: palette(placeholder-text);")
        self.detail.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(14, 10, 14, 10)
        layout.setSpacing(2)
        for label in (self.caption, self.value, self.detail):
            layout.addWidget(label)
        layout.addStretch(1)  # cards share a height; keep their text lined up at the top

    def show_value(self, value: str, detail: str = "", unit: str = "") -> None:
        """``unit`` (a currency code) is set smaller after the value."""
        self.shown = value
        if unit:
            self.value.setTextFormat(Qt.TextFormat.RichText)
            self.value.setText(f"{html.escape(value)}<span style='font-size: small; "
                               f"font-weight: normal;'>&nbsp;{html.escape(unit)}</span>")
        else:
            self.value.setTextFormat(Qt.TextFormat.PlainText)
            self.value.setText(value)
        self.detail.setText(detail)


class DashboardPage(Page):
    """Attributes:
        chart_mode: "requests" or "spend", what the bars measure.
        refresh_count: how many times the numbers were actually fetched (throttling tests).
        clock: monotonic seconds, for the throttle (tests replace it to move time).
        deferred: the single-shot timer of a refresh the throttle postponed.
    """

    topics = ("logs", "money", "users")

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self.chart_mode = "requests"
        self.refresh_count = 0
        self.clock: Callable[[], float] = time.monotonic
        self._last_refresh = float("-inf")
        self._days: list[DayModel] = []
        self._series_values: list[list[int]] = []  # exact numbers behind each bar set
        self._ranked: list[str | None] = []  # models with their own bar set, largest first
        self._lumped: list[str | None] = []  # the rest, drawn together as "Other"
        self._today: date | None = None
        self._currency = ""
        self.deferred = QTimer(self)
        self.deferred.setSingleShot(True)
        self.deferred.timeout.connect(self._deferred_refresh)
        layout = QVBoxLayout(self)
        layout.setSpacing(12)
        layout.addLayout(self._build_cards())
        layout.addLayout(self._build_chart(), 1)
        layout.addLayout(self._build_top_models())
        refresh = QAction(self)
        refresh.setShortcut(QKeySequence("F5"))
        refresh.setShortcutContext(Qt.ShortcutContext.WindowShortcut)  # the visible page's
        refresh.triggered.connect(lambda: self.spawn(self.refresh(force=True)))
        self.addAction(refresh)

    def title(self) -> str:
        return self.tr("Dashboard")

    # --- building -----------------------------------------------------------------------------

    def _build_cards(self) -> QGridLayout:
        self.requests_card = Card(self.tr("Requests today"))
        self.tokens_card = Card(self.tr("Tokens today"))
        self.spend_card = Card(self.tr("Spend today (local time)"))
        self.users_card = Card(self.tr("Active users today"))
        self.errors_card = Card(self.tr("Errors today"))
        grid = QGridLayout()
        grid.setSpacing(12)
        for column, card in enumerate((self.requests_card, self.tokens_card, self.spend_card,
                                       self.users_card, self.errors_card)):
            grid.addWidget(card, 0, column)
            grid.setColumnStretch(column, 1)
        return grid

    def _build_chart(self) -> QVBoxLayout:
        self.chart_heading = heading = QLabel()
        heading.setStyleSheet("font-weight: bold;")
        self.requests_button = QPushButton(self.tr("Requests"))
        self.spend_button = QPushButton(self.tr("Spend"))
        self.mode_buttons = QButtonGroup(self)
        self.requests_button.setToolTip(self.tr("Show requests per day"))
        self.spend_button.setToolTip(self.tr("Show spend per day"))
        for button, mode in ((self.requests_button, "requests"), (self.spend_button, "spend")):
            button.setCheckable(True)
            button.clicked.connect(lambda _on=False, m=mode: self.set_chart_mode(m))
            self.mode_buttons.addButton(button)
        self.requests_button.setChecked(True)
        top = QHBoxLayout()
        top.addWidget(heading)
        top.addStretch(1)
        top.addWidget(self.requests_button)
        top.addWidget(self.spend_button)
        self.chart = QChart()
        self.chart.setAnimationOptions(QChart.AnimationOption.NoAnimation)
        self.chart.setMargins(QMargins(4, 4, 4, 4))
        self.chart.setBackgroundRoundness(6)
        self.chart.legend().setAlignment(Qt.AlignmentFlag.AlignBottom)
        self.series = QStackedBarSeries()
        self.series.setBarWidth(0.7)
        self.chart.addSeries(self.series)
        self.x_axis = QBarCategoryAxis()
        self.y_axis = QCategoryAxis()
        self.y_axis.setLabelsPosition(QCategoryAxis.AxisLabelsPosition.AxisLabelsPositionOnValue)
        self.x_axis.setGridLineVisible(False)
        self.chart.addAxis(self.x_axis, Qt.AlignmentFlag.AlignBottom)
        self.chart.addAxis(self.y_axis, Qt.AlignmentFlag.AlignLeft)
        self.series.attachAxis(self.x_axis)
        self.series.attachAxis(self.y_axis)
        self.chart_view = QChartView(self.chart)
        self.chart_view.setRenderHint(QPainter.RenderHint.Antialiasing)
        self.chart_view.setMinimumSize(420, 240)
        box = QVBoxLayout()
        box.addLayout(top)
        box.addWidget(self.chart_view, 1)
        return box

    def _build_top_models(self) -> QVBoxLayout:
        heading = QLabel(self.tr("Top models today"))
        heading.setStyleSheet("font-weight: bold;")
        self.top_model = QStandardItemModel(0, 5, self)
        self.top_model.setHorizontalHeaderLabels(
            [self.tr("Model"), self.tr("Requests"), self.tr("Tokens"), self.tr("Spend"),
             self.tr("Share of requests")])
        view = QTableView()
        view.setModel(self.top_model)
        view.verticalHeader().hide()
        view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        view.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        view.setShowGrid(False)
        view.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        rows = view.verticalHeader()
        rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
        header = view.horizontalHeader()
        self.top_model.setHeaderData(0, Qt.Orientation.Horizontal,
                                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                                     Qt.ItemDataRole.TextAlignmentRole)
        for column in range(1, 5):
            self.top_model.setHeaderData(column, Qt.Orientation.Horizontal, NUMBER_ALIGNMENT,
                                         Qt.ItemDataRole.TextAlignmentRole)
        fit_columns(view, stretch=0)
        view.setFixedHeight(header.sizeHint().height() + TOP_MODELS * rows.defaultSectionSize()
                            + 2 * view.frameWidth())
        self.top_view = view
        self.top_empty = QLabel(self.tr("No requests yet today."))
        self.top_empty.setStyleSheet("color: palette(placeholder-text);")
        self.top_empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.top_empty.setFixedHeight(view.height())
        box = QVBoxLayout()
        box.setSpacing(6)
        box.addWidget(heading)
        box.addWidget(self.top_view)
        box.addWidget(self.top_empty)
        return box

    # --- loading ------------------------------------------------------------------------------

    async def refresh(self, *, force: bool = False) -> None:
        """Fetch the numbers; a change signal within a few seconds of the last fetch is
        answered once, when that interval is over."""
        waited = self.clock() - self._last_refresh
        if not force and waited < MIN_INTERVAL_S:
            if not self.deferred.isActive():
                self.deferred.start(int((MIN_INTERVAL_S - waited) * 1000) + 1)
            return
        self.deferred.stop()
        self._last_refresh = self.clock()
        self.refresh_count += 1
        from app import stats  # the statistics service (dashboard issue)

        today = await self.backend.call(stats.today)
        days = await self.backend.call(stats.daily_by_model, DAYS)
        per_minute = await self.backend.call(stats.requests_per_minute)
        self._currency = await self.backend.call(settings.get, "currency")
        self._today, self._days = today.day, days
        self._rank_models()
        self._show_cards(today, per_minute)
        self._show_top_models(today.day, days)
        self._draw_chart()

    def _deferred_refresh(self) -> None:
        if self.isVisible():
            self.spawn(self.reload())
        else:
            self._stale = True  # reloaded when shown again

    def _money(self, micros: int) -> str:
        return self.tr("{amount} {currency}").format(amount=format_amount(micros),
                                                      currency=self._currency)

    def _show_cards(self, today: Today, per_minute: int) -> None:
        self.requests_card.show_value(
            f"{today.requests:,}", self.tr("{n} in the last minute").format(n=f"{per_minute:,}"))
        tokens = today.prompt_tokens + today.completion_tokens
        self.tokens_card.show_value(f"{tokens:,}", self.tr("{p} prompt, {c} completion").format(
            p=f"{today.prompt_tokens:,}", c=f"{today.completion_tokens:,}"))
        self.spend_card.show_value(format_amount(today.spend_micros),
                                   self.tr("charged to users"), unit=self._currency)
        self.users_card.show_value(f"{today.active_users:,}", self.tr("with at least one request"))
        if today.requests:
            tenths = round(1000 * today.errors / today.requests)  # a percentage, not money
            rate = self.tr("{pct}% of requests").format(pct=f"{tenths // 10}.{tenths % 10}")
        else:
            rate = self.tr("no requests yet")
        self.errors_card.show_value(f"{today.errors:,}", rate)
        color = "#c62828" if today.errors else "palette(text)"
        self.errors_card.value.setStyleSheet(f"color: {color};")

    def _show_top_models(self, day: date, days: list[DayModel]) -> None:
        today = [r for r in days if r.date == day]
        total = sum(r.requests for r in today)
        rows = sorted(today, key=lambda r: (-r.requests, -r.spend_micros, r.model or ""))
        self.top_model.setRowCount(0)
        self.top_model.setHeaderData(3, Qt.Orientation.Horizontal, self.tr(
            "Spend ({currency})").format(currency=self._currency))
        for r in rows[:TOP_MODELS]:
            name = QStandardItem(self._model_name(r.model))
            name.setData(self._color_of(r.model), Qt.ItemDataRole.DecorationRole)
            name.setToolTip(name.text())  # a long model name is elided
            cells = [name]
            share = f"{round(100 * r.requests / total)}%"  # a proportion, not money
            for text in (f"{r.requests:,}", f"{r.tokens:,}", format_amount(r.spend_micros),
                         share):
                item = QStandardItem(text)
                item.setTextAlignment(NUMBER_ALIGNMENT)
                cells.append(item)
            self.top_model.appendRow(cells)
        self.top_view.setVisible(bool(rows))
        self.top_empty.setVisible(not rows)

    def _color_of(self, model: str | None) -> QColor:
        """The model's colour in the chart (models folded into "Other" share its colour)."""
        if model in self._ranked:
            return QColor(PALETTE[self._ranked.index(model) % len(PALETTE)])
        return QColor(OTHER_COLOR)

    def _model_name(self, model: str | None) -> str:
        return model if model else self.tr("(no model)")

    def set_chart_mode(self, mode: str) -> None:
        """Bars measure "requests" or "spend"; the data is already here, only redraw."""
        self.chart_mode = mode
        (self.requests_button if mode == "requests" else self.spend_button).setChecked(True)
        self._draw_chart()

    # --- the chart ----------------------------------------------------------------------------

    def _rank_models(self) -> None:
        """Stack order and colours: by requests over the 14 days, the same in both modes."""
        totals: dict[str | None, int] = {}
        for r in self._days:
            totals[r.model] = totals.get(r.model, 0) + r.requests
        ranked = sorted(totals, key=lambda m: (-totals[m], m or ""))
        self._lumped = ranked[MAX_SERIES - 1:] if len(ranked) > MAX_SERIES else []
        self._ranked = ranked[:MAX_SERIES - 1] if self._lumped else ranked

    def _draw_chart(self) -> None:
        if self._today is None:
            return
        days = [self._today - timedelta(days=DAYS - 1 - i) for i in range(DAYS)]
        index = {d: i for i, d in enumerate(days)}
        spend = self.chart_mode == "spend"
        values: dict[str | None, list[int]] = {m: [0] * DAYS for m in self._ranked}
        other = [0] * DAYS
        for r in self._days:
            if r.date in index:
                series = values.get(r.model, other)
                series[index[r.date]] += r.spend_micros if spend else r.requests
        named = [(self._model_name(m), values[m], self._color_of(m)) for m in self._ranked]
        if self._lumped:
            named.append((self.tr("Other"), other, QColor(OTHER_COLOR)))
        self.series.clear()
        self._series_values = []
        for n, (name, numbers, color) in enumerate(named):
            bar_set = QBarSet(name)
            bar_set.append([float(v) for v in numbers])  # bar heights only; labels stay exact
            bar_set.setColor(color)
            bar_set.setBorderColor(color)
            bar_set.hovered.connect(lambda on, i, s=n: self._hovered(on, i, s))
            self.series.append(bar_set)
            self._series_values.append(numbers)
        self.x_axis.setCategories([f"{d.month}/{d.day}" for d in days])
        self.chart_heading.setText(
            self.tr("Spend per day in {currency}, last 14 days (local time)").format(
                currency=self._currency)
            if spend else self.tr("Requests per day, last 14 days (local time)"))
        totals = [sum(col) for col in zip(*self._series_values, strict=True)] if named \
            else [0] * DAYS
        empty_top = 1_000_000 if spend else 5  # an empty chart still gets a sensible scale
        self._set_value_axis(max(totals) or empty_top, spend)
        self.chart.setTitle("" if named else self.tr("No requests in the last 14 days."))
        self.chart.legend().setVisible(bool(named))

    def _set_value_axis(self, top: int, money: bool) -> None:
        """Round ticks (1, 2 or 5 times a power of ten) labelled exactly."""
        step = nice_step(top)
        ticks = [step * k for k in range(1, max(1, -(-top // step)) + 1)]
        for label in list(self.y_axis.categoriesLabels()):
            self.y_axis.remove(label)
        self.y_axis.setStartValue(0)
        self.y_axis.append(format_amount(0) if money else "0", 0)
        for value in ticks:
            self.y_axis.append(format_amount(value) if money else f"{value:,}", value)
        self.y_axis.setRange(0, ticks[-1])

    def _hovered(self, on: bool, day_index: int, series_index: int) -> None:
        if not on or self._today is None:
            QToolTip.hideText()
            return
        day = self._today - timedelta(days=DAYS - 1 - day_index)
        value = self._series_values[series_index][day_index]
        name = self.series.barSets()[series_index].label()
        if self.chart_mode == "spend":
            text = self.tr("{model} on {day}: {amount}").format(
                model=name, day=day.isoformat(), amount=self._money(value))
        else:
            text = self.tr("{model} on {day}: {n} requests").format(
                model=name, day=day.isoformat(), n=f"{value:,}")
        QToolTip.showText(QCursor.pos(), text, self.chart_view)


def nice_step(top: int) -> int:
    """A tick step of 1, 2 or 5 x 10^k that splits ``top`` into at most 5 intervals."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor * 5 >= top:
                return step * factor
        step *= 10
