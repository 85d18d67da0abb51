"""Payments page dialogs: refunding a gateway order (the Balances refund dialog, plus where the
money itself goes back)."""

from PySide6.QtWidgets import QLabel, QVBoxLayout, QWidget

from gui.dialogs.refund import RefundDialog


class OrderRefundDialog(RefundDialog):
    """Payments → Refund…: the balance is debited here; the payer gets the money back only
    when the operator refunds in the gateway's own console."""

    def __init__(self, order_no: str, username: str, paid_micros: int, refunded_micros: int,
                 currency: str, parent: QWidget | None = None) -> None:
        super().__init__(order_no, username, paid_micros, refunded_micros, currency, parent)
        note = QLabel(self.tr("RelayDesk cannot send money back: after refunding here, refund "
                              "the payment in the gateway's own console too."))
        note.setWordWrap(True)
        layout = self.layout()
        assert isinstance(layout, QVBoxLayout)
        layout.insertWidget(1, note)
