"""Prices → Add/Edit…: what one model costs per 1,000,000 tokens, typed as decimal text.

The pricing service parses and checks the text; an empty cached-input price means "same as
input", which the service applies.
"""

from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from app.money import format_amount
from app.pricing import MAX_OUTPUT_TOKENS_LIMIT
from gui.dialogs.recharge import error_label, with_unit


class PriceEditDialog(QDialog):
    def __init__(self, currency: str, model: str | None = None,
                 prices: tuple[int, int, int] | None = None,
                 parent: QWidget | None = None, max_output_tokens: int | None = None) -> None:
        """Editing when ``model`` is given; ``prices`` = (input, cached input, output) micros."""
        super().__init__(parent)
        self.setWindowTitle(self.tr("Edit price") if model else self.tr("Add price"))
        self.setMinimumWidth(440)
        self.model = QLineEdit(model or "")
        self.model.setPlaceholderText(self.tr("required: the model name clients send, e.g. "
                                              "deepseek-chat"))
        self.model.setReadOnly(model is not None)  # a new name is a new price: use Add
        self.input = QLineEdit()
        self.input.setPlaceholderText(self.tr("required, 0 for free"))
        self.cached = QLineEdit()
        self.cached.setPlaceholderText(self.tr("empty: same as input"))
        self.output = QLineEdit()
        self.output.setPlaceholderText(self.tr("required, 0 for free"))
        self.max_output = QSpinBox()
        self.max_output.setRange(0, MAX_OUTPUT_TOKENS_LIMIT)
        self.max_output.setGroupSeparatorShown(True)
        self.max_output.setSpecialValueText(self.tr("default"))  # 0: the default_max_tokens setting
        self.max_output.setValue(max_output_tokens or 0)
        self.max_output.setToolTip(self.tr(
            "The most completion tokens one request may cost; sent to the provider when the "
            "client names no limit. Default: the default max tokens setting."))
        if prices is not None:
            for field, micros in zip((self.input, self.cached, self.output), prices, strict=True):
                field.setText(format_amount(micros))
        hint = QLabel(self.tr("Prices are in {currency} per 1,000,000 tokens. Cached input is "
                              "what a prompt token costs when the provider reports it as "
                              "cached.").format(currency=currency))
        hint.setWordWrap(True)
        self.message = error_label()
        unit = self.tr("{currency} / 1M tokens").format(currency=currency)
        form = QFormLayout()
        form.addRow(self.tr("&Model:"), self.model)
        form.addRow(self.tr("&Input:"), with_unit(self.input, unit))
        form.addRow(self.tr("&Cached input:"), with_unit(self.cached, unit))
        form.addRow(self.tr("&Output:"), with_unit(self.output, unit))
        form.addRow(self.tr("Max output &tokens:"), self.max_output)
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
        (self.input if model else self.model).setFocus()

    def max_output_tokens(self) -> int | None:
        """None for "default", so the relay uses the default_max_tokens setting."""
        return self.max_output.value() or None

    def cached_text(self) -> str | None:
        """None when left empty, so the service charges cached tokens at the input price."""
        text = self.cached.text().strip()
        return text or None

    def fail(self, message: str, param: str | None = None) -> None:
        """Show the service's refusal and put the cursor in the field it names."""
        self.message.setText(message)
        self.message.show()
        fields: dict[str, QLineEdit | QSpinBox] = {
            "model": self.model, "input": self.input, "cached_input": self.cached,
            "output": self.output, "max_output_tokens": self.max_output}
        field = fields.get(param or "", self.input)
        field.setFocus()
        field.selectAll()
