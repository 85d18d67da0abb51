"""Building blocks the settings sections share, so every group on the page looks alike."""

from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QVBoxLayout,
    QWidget,
)

from app.errors import ServiceError
from app.money import parse_amount


def note(text: str, *, wrap: bool = True) -> QLabel:
    """A grey explanatory line under or beside a field."""
    label = QLabel(text)
    label.setWordWrap(wrap)
    label.setStyleSheet("color: palette(placeholder-text)")
    return label


def group(title: str, *parts: QLayout | QWidget) -> QGroupBox:
    """A section: forms, rows and notes stacked (wrapped notes outside forms size correctly)."""
    box = QGroupBox(title)
    layout = QVBoxLayout(box)
    for part in parts:
        if isinstance(part, QLayout):
            layout.addLayout(part)
        else:
            layout.addWidget(part)
    return box


def left(widget: QWidget) -> QHBoxLayout:
    """Keep a small field at its natural width instead of stretching across the form."""
    row = QHBoxLayout()
    row.addWidget(widget)
    row.addStretch(1)
    return row


def threshold(text: str) -> int | str:
    """The threshold typed as an amount, in micro-units; text that is not an amount goes to
    the setting as typed, which refuses it with its own message."""
    try:
        return parse_amount(text.strip() or "0", param="low_balance_threshold_micros",
                            field="Low-balance warning threshold", allow_zero=True)
    except ServiceError:
        return text
