"""Prices: what each model costs the relay's users per 1,000,000 tokens.

The relay bills only priced models, so this table is the price list users are charged from.
The pricing service parses the decimal text and checks it; this page shows its answers.
"""

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from app import pricing, settings
from app.errors import ServiceError
from app.models import ModelPrice
from app.money import format_cost
from gui.asyncdialog import ask, confirm_destructive
from gui.backend import Backend
from gui.dialogs.price_edit import PriceEditDialog
from gui.errors import error_text
from gui.pages.balances_rows import (
    Column,
    RowsModel,
    local_time,
    make_table,
    selected_row,
    shortcut_button,
    sorted_view,
)
from gui.pages.base import Page
from gui.tables import fit_columns


class PricesPage(Page):
    topics = ("prices", "settings")  # settings: the currency the prices are in

    def __init__(self, backend: Backend, parent: QWidget | None = None) -> None:
        super().__init__(backend, parent)
        self.currency = "CNY"  # replaced by the setting on every refresh
        self.last_dialog: QDialog | None = None  # the open dialog or box, for tests
        self.model = RowsModel([
            Column(self.tr("Model"), lambda p: p.model, key=lambda p: p.model.lower()),
            Column(self.tr("Input"), lambda p: format_cost(p.input_micros),
                   key=lambda p: p.input_micros, numeric=True),
            Column(self.tr("Cached input"), lambda p: format_cost(p.cached_input_micros),
                   key=lambda p: p.cached_input_micros, numeric=True),
            Column(self.tr("Output"), lambda p: format_cost(p.output_micros),
                   key=lambda p: p.output_micros, numeric=True),
            Column(self.tr("Max output tokens"),
                   lambda p: f"{p.max_output_tokens:,}" if p.max_output_tokens
                   else self.tr("default"),
                   key=lambda p: p.max_output_tokens or 0, numeric=True),
            Column(self.tr("Updated"), lambda p: local_time(p.updated_at),
                   key=lambda p: p.updated_at),
        ], self)
        self._money_headers = [(c, self.model.columns[c].header) for c in (1, 2, 3)]
        self.proxy = sorted_view(self.model)
        self.view = make_table(self.proxy, sortable=True)
        self.view.sortByColumn(0, Qt.SortOrder.AscendingOrder)
        fit_columns(self.view, stretch=0)
        self.view.doubleClicked.connect(lambda _: self.spawn(self.edit_price()))
        self.view.selectionModel().selectionChanged.connect(self._selection_changed)
        self.hint = QLabel("")
        self.hint.setWordWrap(True)
        self.add_button = shortcut_button(
            self, self.tr("&Add…"), self.tr("Price a new model"), QKeySequence.StandardKey.New,
            lambda: self.spawn(self.add_price()))
        self.edit_button = shortcut_button(
            self, self.tr("&Edit…"), self.tr("Change the selected price"), "F2",
            lambda: self.spawn(self.edit_price()))
        self.remove_button = shortcut_button(
            self, self.tr("&Remove…"), self.tr("Stop pricing the selected model"),
            QKeySequence.StandardKey.Delete, lambda: self.spawn(self.remove_price()))
        refresh = shortcut_button(self, self.tr("Refresh"), self.tr("Reload the prices"), "F5",
                                  lambda: self.spawn(self.reload()))
        buttons = QHBoxLayout()
        for button in (self.add_button, self.edit_button, self.remove_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(refresh)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.hint)
        layout.addWidget(self.view, 1)
        self._selection_changed()

    def title(self) -> str:
        return self.tr("Prices")

    async def refresh(self) -> None:
        self.currency = await self.backend.call(settings.get, "currency")
        prices = await self.backend.call(pricing.list_prices)
        chosen = self.selected_price()
        for column, header in self._money_headers:
            self.model.set_header(column, self.tr("{column} ({currency})").format(
                column=header, currency=self.currency))
        self.model.set_rows(prices)
        if chosen is not None:
            self.select_model(chosen.model)
        self.hint.setText(self.tr(
            "Prices are in {currency} per 1,000,000 tokens. Users are charged for the tokens "
            "each request used: cached prompt tokens at the cached-input price, the rest of the "
            "prompt at the input price, the completion at the output price. Models without a "
            "price cannot be used through the relay.").format(currency=self.currency))
        self._selection_changed()

    def selected_price(self) -> ModelPrice | None:
        return selected_row(self.view)

    def select_model(self, model: str) -> bool:
        for row, price in enumerate(self.model.rows):
            if price.model == model:
                self.view.selectRow(self.proxy.mapFromSource(self.model.index(row, 0)).row())
                return True
        return False

    def _selection_changed(self, *_: Any) -> None:
        chosen = self.selected_price() is not None
        self.edit_button.setEnabled(chosen)
        self.remove_button.setEnabled(chosen)

    async def _save(self, dialog: PriceEditDialog) -> ModelPrice | None:
        """Show ``dialog`` until the pricing service accepts it or the operator cancels."""
        self.last_dialog = dialog
        try:
            while await ask(dialog) == QDialog.DialogCode.Accepted:
                try:
                    row = await self.backend.call(
                        pricing.set_price, dialog.model.text(), dialog.input.text(),
                        dialog.output.text(), dialog.cached_text(),
                        max_output_tokens=dialog.max_output_tokens())
                except ServiceError as exc:
                    dialog.fail(error_text(exc), exc.param)
                    continue
                self.backend.changed.emit("prices")
                return row
            return None
        finally:
            dialog.deleteLater()

    async def add_price(self) -> ModelPrice | None:
        return await self._save(PriceEditDialog(self.currency, parent=self))

    async def edit_price(self) -> ModelPrice | None:
        price = self.selected_price()
        if price is None:
            return None
        return await self._save(PriceEditDialog(
            self.currency, price.model,
            (price.input_micros, price.cached_input_micros, price.output_micros), self,
            max_output_tokens=price.max_output_tokens))

    async def remove_price(self) -> bool:
        price = self.selected_price()
        if price is None:
            return False
        if not await confirm_destructive(
                self, self.tr("Remove price"),
                self.tr("Remove the price of {model}?").format(model=price.model),
                self.tr("Requests for this model will be refused until it is priced again."),
                self.tr("Remove")):
            return False
        await self.backend.call(pricing.remove_price, price.model)
        self.backend.changed.emit("prices")
        return True
