"""The Providers page's data: one row per provider, loaded off the GUI thread, and the table
model that shows it. Holds whether a key is stored, never the key itself, and the proxy with
its password masked."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QTableView, QWidget

from app import providers
from gui.backend import Backend
from gui.dialogs.provider_edit import kind_label
from gui.tables import NUMBER_ALIGNMENT, fit_columns, optional_columns

AnyIndex = QModelIndex | QPersistentModelIndex
SORT_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(slots=True)
class ProviderRow:
    """What the page shows about one provider; holds whether a key exists, never the key."""

    id: int
    name: str
    kind: str
    base_url: str
    models: list[str]
    model_map: dict[str, str]
    priority: int
    weight: int
    enabled: bool
    key_stored: bool
    health: str
    failures: int
    cooldown_until: datetime | None
    last_error: str | None
    live: bool = False  # failures/cool-down below come from the running relay
    live_cooldown_s: float = 0.0
    test: str = field(default="")  # what the Last test column says (set by the page)
    test_ok: bool | None = None  # the last Test result, as stored; None: never tested
    test_ms: int | None = None
    test_message: str | None = None
    proxy: str | None = None  # None (direct), "system" or a URL, its password masked
    extra_headers: dict[str, str] = field(default_factory=dict)
    ca_bundle: str | None = None
    anthropic_base_url: str | None = None  # Claude Code's requests pass through there
    responses_native: bool = False  # Codex CLI's requests pass through to base_url


def load_rows() -> list[ProviderRow]:
    """Runs in the backend's worker: provider rows plus keyring lookups (the key, and a
    proxy's user name)."""
    return [ProviderRow(
        id=p.id, name=p.name, kind=p.kind, base_url=p.base_url, models=list(p.models),
        model_map=dict(p.model_map), priority=p.priority, weight=p.weight, enabled=p.enabled,
        key_stored=providers.provider_key(p.name) is not None, health=p.health,
        failures=p.consecutive_failures, cooldown_until=p.cooldown_until,
        last_error=p.last_error, proxy=providers.proxy_display(p),
        extra_headers=dict(p.extra_headers), ca_bundle=p.ca_bundle, test_ok=p.last_test_ok,
        test_ms=p.last_test_ms, test_message=p.last_test_message,
        anthropic_base_url=p.anthropic_base_url, responses_native=bool(p.responses_native))
        for p in providers.list_providers()]


def live_health(backend: Backend) -> dict[int, tuple[int, float]]:
    """Provider id -> (failures, seconds of cool-down left) from the running relay, read-only."""
    return backend.relay_health()


def local_time(value: datetime | None) -> str:
    return "" if value is None else \
        value.replace(tzinfo=UTC).astimezone().strftime("%Y-%m-%d %H:%M:%S")


# Shown from the header's menu; the "Selected provider" box and Health's text hold them too.
HIDDEN_AT_FIRST = ("failures", "mapping", "cooldown", "error", "proxy")


def lay_out_columns(view: QTableView, model: "ProvidersModel") -> None:
    """Fit the table to the window: free text elides (a base URL in the middle), the rarely
    read columns start hidden."""
    fit_columns(view, stretch=model.column("url"), middle=[model.column("url")],
                elide=[model.column(k) for k in ("models", "mapping", "test", "error", "proxy")])
    optional_columns(view, [model.column(k) for k in HIDDEN_AT_FIRST])


class ProvidersModel(QAbstractTableModel):
    NUMERIC = frozenset({"priority", "weight", "failures"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.rows: list[ProviderRow] = []
        self.columns = [
            ("name", self.tr("Name")), ("kind", self.tr("Kind")),
            ("enabled", self.tr("Enabled")), ("key", self.tr("Key")),
            ("health", self.tr("Health")), ("failures", self.tr("Failures")),
            ("priority", self.tr("Priority")), ("weight", self.tr("Weight")),
            ("models", self.tr("Models")), ("mapping", self.tr("Mapping")),
            ("test", self.tr("Last test")), ("cooldown", self.tr("Cool-down until")),
            ("error", self.tr("Last error")), ("url", self.tr("Base URL")),
            ("proxy", self.tr("Proxy"))]

    def column(self, key: str) -> int:
        return [c for c, _ in self.columns].index(key)

    def set_rows(self, rows: list[ProviderRow]) -> None:
        self.beginResetModel()
        self.rows = rows
        self.endResetModel()

    def update_row(self, row: int) -> None:
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def rowCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802,B008 - Qt API
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: AnyIndex = QModelIndex()) -> int:  # noqa: N802,B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section][1]
        if orientation == Qt.Orientation.Horizontal and \
                role == Qt.ItemDataRole.TextAlignmentRole:
            return int(NUMBER_ALIGNMENT) if self.columns[section][0] in self.NUMERIC else None
        return None

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        row, column = self.rows[index.row()], self.columns[index.column()][0]
        if role == Qt.ItemDataRole.DisplayRole:
            return self.text_for(row, column)
        if role == SORT_ROLE:
            return getattr(row, column) if column in self.NUMERIC else self.text_for(row, column)
        if role == Qt.ItemDataRole.TextAlignmentRole and column in self.NUMERIC:
            return int(NUMBER_ALIGNMENT)
        if role == Qt.ItemDataRole.ToolTipRole and column in ("models", "mapping", "error",
                                                              "test", "url", "proxy"):
            return self.text_for(row, column) or None
        if role == Qt.ItemDataRole.ForegroundRole:
            return self._colour(row, column)
        return None

    def text_for(self, row: ProviderRow, column: str) -> str:
        if column == "name":
            return row.name
        if column == "kind":
            return kind_label(row.kind)
        if column == "models":
            return ", ".join(row.models)
        if column == "mapping":
            return ", ".join(f"{a} → {u}" for a, u in row.model_map.items())
        if column in ("priority", "weight", "failures"):
            return str(getattr(row, column))
        if column == "enabled":
            return self.tr("Yes") if row.enabled else self.tr("No")
        if column == "key":
            return self.tr("Stored") if row.key_stored else self.tr("Missing")
        if column == "health":
            if row.live_cooldown_s > 0:
                return self.tr("Cooling down ({seconds} s left)").format(
                    seconds=int(row.live_cooldown_s + 0.999))
            return {"healthy": self.tr("Healthy"), "cooling": self.tr("Cooling down"),
                    "unknown": self.tr("Not used yet")}.get(row.health, row.health)
        if column == "cooldown":
            return local_time(row.cooldown_until)
        if column == "error":
            return row.last_error or ""
        if column == "test":
            return row.test
        if column == "url":
            return row.base_url
        if column == "proxy":
            return self.proxy_text(row.proxy)
        if column == "network":
            return self.network_text(row)
        if column == "apis":
            return self.apis_text(row)
        return ""

    def apis_text(self, row: ProviderRow) -> str:
        """How Claude Code's and Codex CLI's requests reach this provider, one line."""
        messages = (self.tr("Anthropic Messages passed through to {url}").format(
            url=row.anthropic_base_url) if row.anthropic_base_url
            else self.tr("Anthropic Messages translated to Chat Completions"))
        responses = (self.tr("Responses passed through") if row.responses_native
                     else self.tr("Responses translated to Chat Completions"))
        return f"{messages}; {responses}"

    def network_text(self, row: ProviderRow) -> str:
        """Proxy, extra header names (a value may be a credential) and CA bundle, one line."""
        parts = [self.proxy_text(row.proxy)]
        if row.extra_headers:
            parts.append(self.tr("extra headers: {names}").format(
                names=", ".join(row.extra_headers)))
        if row.ca_bundle:
            parts.append(self.tr("CA bundle: {path}").format(path=row.ca_bundle))
        return "; ".join(parts)

    def proxy_text(self, proxy: str | None) -> str:
        if proxy is None:
            return self.tr("Direct")
        if proxy == "system":
            return self.tr("System proxy")
        return proxy

    def _colour(self, row: ProviderRow, column: str) -> QColor | None:
        if column == "health":
            if row.live_cooldown_s > 0 or row.health == "cooling":
                return QColor("#b54708")
            if row.health == "healthy":
                return QColor("#067647")
        if column == "key" and not row.key_stored:
            return QColor("#b42318")
        if column == "enabled" and not row.enabled:
            return QColor("#667085")
        return None
