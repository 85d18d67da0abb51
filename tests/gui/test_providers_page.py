"""Providers page: add/edit/remove through the dialog, keys to the keyring only, tests of a
provider against a fake upstream; checked against the service layer."""

import asyncio
import sys
import types
from pathlib import Path

import pytest
from PySide6.QtWidgets import QLabel, QMessageBox, QWidget

from app import keystore, providers
from gui.dialogs.provider_edit import ProviderEditDialog
from gui.pages.providers import ProvidersPage
from tests.gui.conftest import grab, settle_page
from tests.gui.layout import layout_problems
from tests.helpers.fake_upstream import FakeUpstream


async def open_page(backend) -> ProvidersPage:  # type: ignore[no-untyped-def]
    page = ProvidersPage(backend)
    page.resize(1100, 520)
    await page.reload()
    return page


async def open_add_dialog(page: ProvidersPage) -> ProviderEditDialog:
    page.add_button.click()
    await asyncio.sleep(0)
    dialog = page.last_dialog
    assert isinstance(dialog, ProviderEditDialog) and dialog.isVisible()
    return dialog


def fill(dialog: ProviderEditDialog, name: str, kind: str, models: str, key: str = "") -> None:
    dialog.name.setText(name)
    dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
    dialog.models.setText(models)
    dialog.api_key.setText(key)


async def click_save(dialog: ProviderEditDialog) -> bool:
    dialog.ok_button.click()
    assert dialog.saving is not None
    return await dialog.saving


def select(page: ProvidersPage, name: str) -> None:
    page.select(name)
    assert page.selected() is not None and page.selected().name == name


def data_files_text(data_dir: Path) -> bytes:
    return b"".join(p.read_bytes() for p in data_dir.iterdir()
                    if p.name.startswith("relaydesk.sqlite3"))


async def test_add_with_key_stores_it_in_the_keyring_not_the_database(
        backend, gui_config, real_keyring) -> None:
    page = await open_page(backend)
    dialog = await open_add_dialog(page)
    fill(dialog, "deepseek-main", "deepseek", "deepseek-chat, deepseek-reasoner",
         key="sk-live-7f3a9c1e5b")
    assert await click_save(dialog)
    await settle_page(page)
    assert not dialog.isVisible() and dialog.api_key.text() == ""
    assert providers.provider_key("deepseek-main") == "sk-live-7f3a9c1e5b"
    provider = providers.get_provider("deepseek-main")
    assert provider.models == ["deepseek-chat", "deepseek-reasoner"]
    assert provider.base_url == providers.KIND_DEFAULT_URLS["deepseek"]
    assert b"sk-live-7f3a9c1e5b" not in data_files_text(gui_config.sqlite_path.parent)
    row = page.model.rows[0]
    assert row.name == "deepseek-main" and row.key_stored
    assert "Stored" in page.model.data(page.model.index(0, page.model.column("key")))

    # editing never shows the key again; empty keeps it, a new one replaces it
    select(page, "deepseek-main")
    page.edit_button.click()
    await asyncio.sleep(0)
    edit = page.last_dialog
    assert isinstance(edit, ProviderEditDialog)
    assert edit.api_key.text() == "" and "leave empty to keep it" in edit.api_key.placeholderText()
    assert await click_save(edit)
    await settle_page(page)
    assert providers.provider_key("deepseek-main") == "sk-live-7f3a9c1e5b"


async def test_key_without_keyring_shows_how_to_proceed_and_adds_nothing(backend) -> None:
    page = await open_page(backend)
    dialog = await open_add_dialog(page)
    fill(dialog, "zhipu-main", "zhipu", "glm-4-flash", key="sk-zhipu-1")
    assert not await click_save(dialog)
    assert dialog.isVisible() and dialog.error.isVisibleTo(dialog)
    assert "No usable OS keyring" in dialog.error.text()
    assert keystore.env_var_name("zhipu-main") in dialog.error.text()
    assert_fits(dialog, [dialog.error, dialog.api_key, dialog.ok_button])
    assert providers.list_providers() == []
    # the operator clears the key and saves: the provider exists without a key
    dialog.api_key.clear()
    assert await click_save(dialog)
    await settle_page(page)
    assert [p.name for p in providers.list_providers()] == ["zhipu-main"]
    assert page.model.rows[0].key_stored is False


async def test_kind_fills_the_url_unless_the_operator_typed_one(backend) -> None:
    page = await open_page(backend)
    dialog = await open_add_dialog(page)
    for kind in ("zhipu", "dashscope", "deepseek"):
        dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
        assert dialog.base_url.text() == providers.KIND_DEFAULT_URLS[kind]
    dialog.base_url.setText("http://10.0.0.5:9000/v1")
    dialog.kind.setCurrentIndex(dialog.kind.findData("openai"))
    assert dialog.base_url.text() == "http://10.0.0.5:9000/v1"
    dialog.reject()
    await settle_page(page)
    assert providers.list_providers() == []


async def test_edit_mapping_priority_and_toggle(backend) -> None:
    providers.add_provider("dashscope-main", "dashscope", models=["qwen-plus"])
    page = await open_page(backend)
    select(page, "dashscope-main")
    page.edit_button.click()
    await asyncio.sleep(0)
    dialog = page.last_dialog
    assert isinstance(dialog, ProviderEditDialog) and not dialog.name.isEnabled()
    dialog.add_mapping_button.click()
    dialog.mapping.item(0, 0).setText("gpt-4o-mini")
    dialog.mapping.item(0, 1).setText("qwen-plus")
    dialog.priority.setValue(5)
    dialog.weight.setValue(3)
    assert await click_save(dialog)
    await settle_page(page)
    provider = providers.get_provider("dashscope-main")
    assert provider.model_map == {"gpt-4o-mini": "qwen-plus"}
    assert (provider.priority, provider.weight) == (5, 3)
    mapping = page.model.index(0, page.model.column("mapping"))
    assert "gpt-4o-mini → qwen-plus" in page.model.data(mapping)

    # a half-filled mapping row: the service explains, nothing changes
    select(page, "dashscope-main")
    page.edit_button.click()
    await asyncio.sleep(0)
    dialog = page.last_dialog
    assert isinstance(dialog, ProviderEditDialog) and dialog.mapping.rowCount() == 1
    dialog.add_mapping_button.click()
    dialog.mapping.item(1, 0).setText("qwen-max")
    assert not await click_save(dialog)
    assert dialog.error.text().startswith("Model mapping: each row needs the model clients ask")
    dialog.mapping.selectRow(0)
    dialog.remove_mapping_button.click()
    dialog.mapping.selectRow(0)
    dialog.remove_mapping_button.click()
    assert await click_save(dialog)
    await settle_page(page)
    assert providers.get_provider("dashscope-main").model_map == {}

    select(page, "dashscope-main")
    assert page.toggle_button.text() == "Disable"
    page.toggle_button.click()
    await settle_page(page)
    assert providers.get_provider("dashscope-main").enabled is False
    assert page.toggle_button.text() == "Enable"
    page.toggle_button.click()
    await settle_page(page)
    assert providers.get_provider("dashscope-main").enabled is True


async def test_remove_asks_first(backend) -> None:
    providers.add_provider("zhipu-main", "zhipu", models=["glm-4-flash"])
    changed: list[str] = []
    backend.changed.connect(changed.append)
    page = await open_page(backend)
    select(page, "zhipu-main")
    page.remove_button.click()
    await asyncio.sleep(0)
    box = page.last_dialog
    assert isinstance(box, QMessageBox) and "zhipu-main" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    await settle_page(page)
    assert providers.get_provider("zhipu-main")
    page.remove_button.click()
    await asyncio.sleep(0)
    page.last_dialog.button(QMessageBox.StandardButton.Yes).click()
    await settle_page(page)
    assert providers.list_providers() == [] and page.model.rowCount() == 0
    assert "providers" in changed


async def test_test_button_shows_busy_then_result(backend, monkeypatch) -> None:
    """The busy indicator runs while the probe runs (the probe itself is stubbed here)."""
    release = asyncio.Event()

    async def probe_provider(name: str, **_: object) -> object:
        await release.wait()
        return types.SimpleNamespace(ok=True, latency_ms=231, status=200, message="")

    monkeypatch.setitem(sys.modules, "relay.probe",
                        types.SimpleNamespace(probe_provider=probe_provider))
    providers.add_provider("deepseek-main", "deepseek", models=["deepseek-chat"])
    page = await open_page(backend)
    select(page, "deepseek-main")
    page.test_button.click()
    await asyncio.sleep(0)
    assert page.busy.isVisibleTo(page) and not page.test_button.isEnabled()
    assert page.model.rows[0].test == "Testing…"
    release.set()
    await settle_page(page)
    assert not page.busy.isVisibleTo(page) and page.test_button.isEnabled()
    assert page.model.rows[0].test == "OK, 231 ms" and "231 ms" in page.status.text()
    page.close()
    again = await open_page(backend)  # as after a restart: the result was kept
    assert again.model.rows[0].test == "OK, 231 ms"


async def test_probe_against_fake_upstream(backend, monkeypatch) -> None:
    pytest.importorskip("relay.probe")
    async with FakeUpstream(kind="deepseek", api_key="sk-up") as up:
        monkeypatch.setenv(keystore.env_var_name("deepseek-main"), up.api_key)
        providers.add_provider("deepseek-main", "deepseek", models=["deepseek-chat"],
                               base_url=up.base_url)
        page = await open_page(backend)
        assert page.model.rows[0].key_stored  # from the environment variable
        select(page, "deepseek-main")
        page.test_button.click()
        await settle_page(page)
        assert page.model.rows[0].test.startswith("OK, ") and " ms" in page.status.text()

        up.scenario.fail_with = "auth"
        page.test_button.click()
        await settle_page(page)
        text = page.model.rows[0].test
        assert text.startswith("Failed: ") and "Traceback" not in text
        assert "deepseek-main failed the test" in page.status.text()


async def test_render_page_and_dialog(backend, fake_clock, monkeypatch, tmp_path) -> None:
    """Realistic data, rendered (PNGs in the test's tmp_path for looking at): every field of
    the page's details and of the dialog is shown whole, none clipped or squeezed."""
    from datetime import timedelta
    for name in ("deepseek-main", "zhipu-glm"):
        monkeypatch.setenv(keystore.env_var_name(name), "sk-demo")
    providers.add_provider("deepseek-main", "deepseek",
                           models=["deepseek-chat", "deepseek-reasoner"], priority=10, weight=3)
    providers.add_provider("zhipu-glm", "zhipu", models=["glm-4-flash", "glm-4-plus"],
                           model_map={"gpt-4o-mini": "glm-4-flash"}, priority=10,
                           proxy="socks5h://127.0.0.1:7890",
                           extra_headers={"X-Title": "RelayDesk", "X-Team": "ops"})
    providers.add_provider("dashscope-qwen", "dashscope", models=["qwen-plus", "qwen-max"],
                           priority=0, enabled=False, proxy="system")
    z = providers.get_provider("zhipu-glm")
    providers.record_health(z.id, healthy=False, failures=3,
                            cooldown_until=fake_clock() + timedelta(seconds=30),
                            error="upstream returned 429: 当前API请求过多，请稍后重试。")
    d = providers.get_provider("deepseek-main")
    providers.record_health(d.id, healthy=True, failures=0)
    page = await open_page(backend)
    page._set_test("deepseek-main", "OK, 412 ms")
    page.show()
    await settle_page(page)
    select(page, "zhipu-glm")
    assert page.detail["network"].text() == ("socks5h://127.0.0.1:7890; extra headers: "
                                             "X-Team, X-Title")  # names only
    proxies = [page.model.data(page.model.index(r, page.model.column("proxy")))
               for r in range(page.model.rowCount())]
    assert sorted(proxies) == ["Direct", "System proxy", "socks5h://127.0.0.1:7890"]
    assert grab(page, tmp_path / "providers_page.png").stat().st_size > 0
    assert_fits(page, [*page.detail.values(), page.view])
    page.edit_button.click()
    await asyncio.sleep(0)
    dialog = page.last_dialog
    assert isinstance(dialog, ProviderEditDialog)
    dialog.adjustSize()
    assert (dialog.proxy_mode.currentData(), dialog.proxy_url.text()) == (
        "custom", "socks5h://127.0.0.1:7890")
    assert_fits(dialog, [dialog.name, dialog.base_url, dialog.models, dialog.mapping,
                         dialog.api_key, dialog.proxy_mode, dialog.proxy_url, dialog.headers,
                         dialog.ca_bundle, dialog.ca_browse_button, dialog.ok_button])
    assert layout_problems(dialog) == []
    assert grab(dialog, tmp_path / "provider_dialog.png").stat().st_size > 0
    dialog.reject()
    await settle_page(page)
    page.close()


def assert_fits(window: QWidget, widgets: list[QWidget]) -> None:
    """Each widget is visible, inside the window, and not squeezed: at least its minimum size
    hint (a label: a line of its font, as a fallback font for other scripts may want a pixel
    more than the layout gives)."""
    frame = window.rect()
    for widget in widgets:
        assert widget.isVisibleTo(window), widget
        top_left = widget.mapTo(window, widget.rect().topLeft())
        bottom_right = widget.mapTo(window, widget.rect().bottomRight())
        assert frame.contains(top_left) and frame.contains(bottom_right), widget
        hint = widget.minimumSizeHint()
        height = widget.fontMetrics().height() if isinstance(widget, QLabel) else hint.height()
        assert widget.width() >= hint.width() and widget.height() >= height, (
            widget, widget.size(), hint)


async def test_proxy_headers_and_ca_bundle_through_the_dialog(backend, tmp_path) -> None:
    from app import tls
    cert, _ = tls.ensure_self_signed(tmp_path / "ca", [], [])
    page = await open_page(backend)
    dialog = await open_add_dialog(page)
    fill(dialog, "deepseek-main", "deepseek", "deepseek-chat")
    assert dialog.proxy_mode.currentData() == "none" and not dialog.proxy_url.isEnabled()
    dialog.proxy_mode.setCurrentIndex(dialog.proxy_mode.findData("custom"))
    assert dialog.proxy_url.isEnabled()
    dialog.proxy_url.setText("socks5h://127.0.0.1:7890")
    dialog.headers.setPlainText("OpenAI-Organization: org-1\n\nX-Title: RelayDesk\n")
    dialog.ca_browse_button.click()
    assert dialog.file_dialog is not None and dialog.file_dialog.isVisible()
    dialog.file_dialog.fileSelected.emit(str(cert))
    dialog.file_dialog.reject()
    assert dialog.ca_bundle.text() == str(cert)
    assert await click_save(dialog)
    await settle_page(page)
    provider = providers.get_provider("deepseek-main")
    assert (provider.proxy, provider.ca_bundle) == ("socks5h://127.0.0.1:7890", str(cert))
    assert provider.extra_headers == {"OpenAI-Organization": "org-1", "X-Title": "RelayDesk"}

    # edited: the form shows what is stored; system proxy, no headers, no CA bundle
    select(page, "deepseek-main")
    page.edit_button.click()
    await asyncio.sleep(0)
    edit = page.last_dialog
    assert isinstance(edit, ProviderEditDialog)
    assert (edit.proxy_mode.currentData(), edit.proxy_url.text()) == (
        "custom", "socks5h://127.0.0.1:7890")
    assert edit.headers.toPlainText() == "OpenAI-Organization: org-1\nX-Title: RelayDesk"
    assert edit.ca_bundle.text() == str(cert)
    edit.proxy_mode.setCurrentIndex(edit.proxy_mode.findData("system"))
    edit.headers.clear()
    edit.ca_bundle.clear()
    assert await click_save(edit)
    await settle_page(page)
    provider = providers.get_provider("deepseek-main")
    assert (provider.proxy, provider.extra_headers, provider.ca_bundle) == ("system", {}, None)
    assert page.model.data(page.model.index(0, page.model.column("proxy"))) == "System proxy"


@pytest.mark.parametrize(("field", "text", "needle"), [
    ("proxy", "ftp://10.0.0.1:21", "must be none, system"),
    ("proxy", "", "must be none, system"),  # Custom with no URL is not "direct"
    ("headers", "Authorization: Bearer sk-x", "API key has its own field"),
    ("headers", "no colon", "Name: value"),
    ("ca", "/nonexistent/ca.pem", "is not a file"),
])
async def test_bad_network_settings_are_explained(backend, field, text, needle) -> None:
    page = await open_page(backend)
    dialog = await open_add_dialog(page)
    fill(dialog, "deepseek-main", "deepseek", "deepseek-chat")
    if field == "proxy":
        dialog.proxy_mode.setCurrentIndex(dialog.proxy_mode.findData("custom"))
        dialog.proxy_url.setText(text)
    elif field == "headers":
        dialog.headers.setPlainText(text)
    else:
        dialog.ca_bundle.setText(text)
    assert not await click_save(dialog)
    assert dialog.isVisible() and dialog.error.isVisibleTo(dialog)
    assert needle in dialog.error.text()
    assert providers.list_providers() == []
    dialog.reject()
    await settle_page(page)


async def test_proxy_password_is_kept_in_the_keyring_and_shown_masked(
        backend, gui_config, real_keyring) -> None:
    import uuid
    name = f"ds-{uuid.uuid4().hex[:8]}"
    password = f"pp-{uuid.uuid4().hex}"
    page = await open_page(backend)
    dialog = await open_add_dialog(page)
    fill(dialog, name, "deepseek", "deepseek-chat")
    dialog.proxy_mode.setCurrentIndex(dialog.proxy_mode.findData("custom"))
    dialog.proxy_url.setText(f"http://alice:{password}@127.0.0.1:3128")
    assert await click_save(dialog)
    await settle_page(page)
    try:
        assert providers.proxy_url(name) == f"http://alice:{password}@127.0.0.1:3128"
        assert password.encode() not in data_files_text(gui_config.sqlite_path.parent)
        shown = "http://alice:***@127.0.0.1:3128"
        assert page.model.data(page.model.index(0, page.model.column("proxy"))) == shown
        select(page, name)
        page.edit_button.click()
        await asyncio.sleep(0)
        edit = page.last_dialog
        assert isinstance(edit, ProviderEditDialog) and edit.proxy_url.text() == shown
        edit.weight.setValue(4)
        assert await click_save(edit)  # saved back masked: the password stays
        await settle_page(page)
        assert providers.proxy_url(name) == f"http://alice:{password}@127.0.0.1:3128"
        assert providers.get_provider(name).weight == 4
    finally:
        providers.remove_provider(name)


async def test_live_health_from_the_running_relay(backend, monkeypatch) -> None:
    """Three failed requests through the running relay (its own thread): the page shows the
    provider cooling down, live."""
    import aiohttp

    from app import accounts, apikeys, pricing, recharges, settings
    from tests.helpers.fake_upstream import FakeUpstream
    settings.set("relay_host", "127.0.0.1")
    settings.set("relay_port", 0)
    accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", 10_000_000)
    pricing.set_price("glm-4-flash", "1", "2")
    _, key = apikeys.create_key("alice")
    up = await FakeUpstream(kind="zhipu", api_key="sk-up").start()
    up.scenario.fail_with = "server_error"
    monkeypatch.setenv(keystore.env_var_name("zhipu-glm"), up.api_key)
    providers.add_provider("zhipu-glm", "zhipu", models=["glm-4-flash"], base_url=up.base_url)
    page = await open_page(backend)
    health = page.model.column("health")
    assert page.model.data(page.model.index(0, health)) == "Not used yet"
    assert await backend.start_relay()
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(3):
                async with session.post(
                        f"{backend.relay_urls()[0]}/chat/completions",
                        json={"model": "glm-4-flash",
                              "messages": [{"role": "user", "content": "hi"}]},
                        headers={"Authorization": f"Bearer {key}"}) as resp:
                    assert resp.status == 503
        backend.traffic.emit(0, 0)  # the backend's sampling tick
        assert page.model.data(page.model.index(0, health)).startswith("Cooling down (")
        assert page.model.rows[0].failures == 3 and page.model.rows[0].live
        select(page, "zhipu-glm")
        assert "live from the running relay" in page.detail["health"].text()
    finally:
        await backend.stop_relay()
        await up.stop()
    await settle_page(page)
