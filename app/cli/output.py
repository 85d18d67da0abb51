"""How the CLI prints: aligned tables for people, one JSON document with ``--json`` for scripts."""

import json
import sys
from collections.abc import Callable, Sequence
from typing import Any

from app.money import format_field

Column = tuple[str, str]  # (field, header); fields ending in _micros print as money


class Output:
    def __init__(self, as_json: bool, stream: Any = None) -> None:
        self.as_json = as_json
        self.stream = stream or sys.stdout

    def _write(self, text: str) -> None:
        self.stream.write(text + "\n")

    def item(self, data: dict[str, Any], *, text: str | None = None) -> None:
        """One object: JSON, or ``text`` / ``key: value`` lines."""
        if self.as_json:
            self._write(json.dumps(data, ensure_ascii=False, indent=2))
        elif text is not None:
            self._write(text)
        else:
            labels = [label(key, value) for key, value in data.items()]
            width = max(map(len, labels), default=0)
            for name, (key, value) in zip(labels, data.items(), strict=True):
                self._write(f"{name.ljust(width)}  {_cell(key, value)}")

    def table(self, rows: Sequence[dict[str, Any]], columns: Sequence[Column],
              *, empty: str = "(none)") -> None:
        if self.as_json:
            self._write(json.dumps(list(rows), ensure_ascii=False, indent=2))
            return
        if not rows:
            self._write(empty)
            return
        cells = [[_cell(f, r.get(f)) for f, _ in columns] for r in rows]
        widths = [max(len(h), *(len(c[i]) for c in cells)) for i, (_, h) in enumerate(columns)]
        right = [_numeric(f, rows) for f, _ in columns]
        header = (_pad(h, w, r) for (_, h), w, r in zip(columns, widths, right, strict=True))
        self._write("  ".join(header).rstrip())
        for row in cells:
            self._write("  ".join(_pad(c, w, r) for c, w, r in zip(row, widths, right,
                                                                 strict=True)).rstrip())


def label(field: str, value: Any) -> str:
    """A field's name as people read it: ``balance_micros`` shows currency units, so its text
    label is ``balance`` (``--json`` keeps the integer micros under the full name)."""
    if field.endswith("_micros") and (value is None or isinstance(value, int)):
        return field.removesuffix("_micros")
    return field


def _numeric(field: str, rows: Sequence[dict[str, Any]]) -> bool:
    """Money and counts are right-aligned so their digits line up."""
    values = [r.get(field) for r in rows if r.get(field) is not None]
    return bool(values) and all(isinstance(v, int) and not isinstance(v, bool) for v in values)


def _pad(text: str, width: int, right: bool) -> str:
    return text.rjust(width) if right else text.ljust(width)


def _cell(field: str, value: Any) -> str:
    if value is None:
        return "-"
    if field.endswith("_micros") and isinstance(value, int) and not isinstance(value, bool):
        return format_field(field, value)
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ",".join(map(str, value)) or "-"
    if isinstance(value, dict):
        return ",".join(f"{k}={v}" for k, v in value.items()) or "-"
    return str(value)


def comma_list(text: str | None) -> list[str] | None:
    """"a,b , c" -> ["a", "b", "c"]; None stays None."""
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


Handler = Callable[[Any, Output], int | None]


def check_limit(limit: int, maximum: int = 100_000) -> int:
    """``--limit`` must be a sensible positive number (a negative LIMIT is an SQL error)."""
    from app.errors import ValidationError
    if not 1 <= limit <= maximum:
        raise ValidationError(f"--limit must be between 1 and {maximum}", param="limit")
    return limit
