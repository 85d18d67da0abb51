"""The Logs page shows which API each request called: a Route column (shown, not hidden
behind the header's menu), the route in the row's tooltip, and nothing for older rows."""

from datetime import datetime
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from app import accounts, requestlog
from gui.pages.logs import LogsPage
from tests.gui.conftest import grab, settle_page

ROUTES = ["/v1/chat/completions", "/v1/messages", "/v1/responses", None]


@pytest.fixture
async def page(backend):  # type: ignore[no-untyped-def]
    p = LogsPage(backend)
    p.resize(1400, 500)
    yield p
    p.close()
    await settle_page(p)


async def test_the_route_column_and_tooltip(page: LogsPage, tmp_path: Path) -> None:
    alice = accounts.add_user("alice", "alice@example.com")
    requestlog.insert_many([
        {"request_id": f"r{n}", "user": alice.id, "username": "alice", "model": "m1",
         "endpoint": route, "created_at": datetime(2026, 6, 1, 9, n)}
        for n, route in enumerate(ROUTES)])
    page.show()
    await settle_page(page)
    await page.model.wait_idle()
    model = page.model
    labels = [model.headerData(c, Qt.Orientation.Horizontal) for c in range(model.columnCount())]
    column = labels.index("Route")
    assert not page.view.isColumnHidden(column)
    assert [model.index(r, column).data() for r in range(4)] == [
        "", "/v1/responses", "/v1/messages", "/v1/chat/completions"]
    tip = model.index(1, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "Route: /v1/responses" in tip
    assert "Route" not in model.index(0, 0).data(Qt.ItemDataRole.ToolTipRole)
    assert "/v1/messages" in model.headerData(column, Qt.Orientation.Horizontal,
                                              Qt.ItemDataRole.ToolTipRole)
    grab(page, tmp_path / "logs_route.png")  # to look at: the route column
