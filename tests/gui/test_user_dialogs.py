"""API keys dialog (list, create shown once, edit limits, revoke) and the key form's helpers."""

import asyncio
import os
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from PySide6.QtCore import QDate, QItemSelectionModel
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMessageBox

from app import accounts, apikeys, clock, pricing, providers
from app.models import AuditEvent
from gui.dialogs.api_keys import ApiKeysDialog, KeyFormDialog
from gui.dialogs.key_created import KeyCreatedDialog
from tests.gui.conftest import grab


async def until(predicate: Callable[[], object], timeout: float = 5.0) -> None:
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while not predicate():
        assert loop.time() < deadline, "condition not reached"
        await asyncio.sleep(0)


async def keys_dialog(backend,  # type: ignore[no-untyped-def]
                      username: str = "zhang.wei") -> ApiKeysDialog:
    dialog = ApiKeysDialog(backend, username)
    dialog.show()
    await dialog.idle()
    return dialog


async def opened(dialog: ApiKeysDialog, kind: type) -> object:
    await until(lambda: isinstance(dialog.last_dialog, kind) and dialog.last_dialog.isVisible())
    return dialog.last_dialog


def cells(dialog: ApiKeysDialog) -> list[str]:
    model = dialog.table.model()
    return [str(model.index(r, c).data()) for r in range(model.rowCount())
            for c in range(model.columnCount())]


def pick(dialog: ApiKeysDialog, row: int) -> None:
    model = dialog.table.model()
    dialog.table.selectionModel().select(
        model.index(row, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
        | QItemSelectionModel.SelectionFlag.Rows)


def in_days(days: int) -> QDate:
    day = clock.now().date() + timedelta(days=days)
    return QDate(day.year, day.month, day.day)


def setup_user_and_prices() -> None:
    accounts.add_user("zhang.wei", "zhang.wei@qq.com")
    pricing.set_price("deepseek-chat", "2", "8")
    pricing.set_price("glm-4-flash", "0.1", "0.1")
    pricing.set_price("qwen-plus", "0.8", "2")


async def test_create_key_shows_plaintext_once(backend) -> None:
    setup_user_and_prices()
    dialog = await keys_dialog(backend)
    assert dialog.table.isHidden() and not dialog.empty.isHidden()
    assert dialog.disabled_note.isHidden()
    dialog.create_button.click()
    form = await opened(dialog, KeyFormDialog)
    await form.tasks.idle()
    form.name.setText("laptop")
    form.models.setText("deepseek-chat, glm-4-flash")
    form.cidrs.setPlainText("192.168.1.0/24\n10.0.0.7\n")
    form.expires_on.setChecked(True)
    form.expiry.setDate(in_days(30))
    form.ok_button().click()
    shown = await opened(dialog, KeyCreatedDialog)
    plaintext = shown.key_field.text()
    assert plaintext.startswith("sk-") and shown.key_field.isReadOnly()
    assert "will not be shown again" in " ".join(
        w.text() for w in shown.findChildren(type(shown.copied)))
    seen_after_close: list[str] = []
    shown.finished.connect(lambda _code: seen_after_close.append(shown.key_field.text()))
    shown.copy_button.click()
    assert QGuiApplication.clipboard().text() == plaintext
    info = apikeys.lookup(plaintext)
    assert info is not None and info.username == "zhang.wei" and info.key_active
    assert info.allowed_models == {"deepseek-chat", "glm-4-flash"}
    assert info.allows_ip("192.168.1.20") and info.allows_ip("10.0.0.7")
    assert not info.allows_ip("10.0.0.8")
    assert info.expires_at is not None
    shown.done_button.click()
    await dialog.idle()
    assert seen_after_close == [""]  # not left lying in a widget
    assert dialog.last_dialog is shown and form.created is None
    values = cells(dialog)
    assert not any(plaintext in v or plaintext[6:] in v for v in values)
    assert "laptop" in values and apikeys.display_prefix(plaintext) in values
    assert "deepseek-chat, glm-4-flash" in values and "192.168.1.0/24, 10.0.0.7/32" in values
    assert (clock.now().date() + timedelta(days=30)).isoformat() in values
    dialog.close()


async def test_invalid_input_is_shown_and_nothing_is_created(backend) -> None:
    setup_user_and_prices()
    dialog = await keys_dialog(backend)
    task = asyncio.ensure_future(dialog.create_key())
    form = await opened(dialog, KeyFormDialog)
    await form.tasks.idle()
    cases = [
        (lambda: form.cidrs.setPlainText("192.168.1.0/33"),
         "Allowed addresses: '192.168.1.0/33' is not an IP address or network"),
        (lambda: (form.cidrs.clear(), form.models.setText("deepseek chat")),
         "Allowed models: 'deepseek chat' is not a valid model name"),
        (lambda: (form.models.clear(), form.expires_on.setChecked(True),
                  form.expiry.setDate(in_days(-2))), "Expiry: that date is in the past"),
        (lambda: (form.expires_on.setChecked(False), form.name.setText("x" * 65)),
         "Name must be 1-64 characters"),
    ]
    for change, message in cases:
        change()
        form.ok_button().click()
        await form.tasks.idle()
        assert form.isVisible() and message in form.error.text()
        assert apikeys.list_keys("zhang.wei") == []
    form.reject()
    assert await task is None
    assert apikeys.list_keys() == [] and dialog.model.rowCount() == 0
    dialog.close()


async def test_revoke_asks_then_the_key_stops_working(backend) -> None:
    setup_user_and_prices()
    _, plaintext = apikeys.create_key("zhang.wei", name="ci-runner")
    dialog = await keys_dialog(backend)
    assert not dialog.revoke_button.isEnabled()
    pick(dialog, 0)
    assert dialog.revoke_button.isEnabled()
    dialog.revoke_button.click()
    box = await opened(dialog, QMessageBox)
    assert "ci-runner" in box.text()
    box.button(QMessageBox.StandardButton.Cancel).click()
    await dialog.idle()
    assert apikeys.lookup(plaintext).key_active
    dialog.revoke_button.click()
    box = await opened(dialog, QMessageBox)
    [confirm] = [b for b in box.buttons()
                 if box.buttonRole(b) == QMessageBox.ButtonRole.DestructiveRole]
    confirm.click()
    await dialog.idle()
    assert apikeys.lookup(plaintext).key_active is False
    assert "Revoked" in cells(dialog)
    assert dialog.selected_key() is not None and not dialog.revoke_button.isEnabled()
    assert not dialog.edit_button.isEnabled()
    dialog.close()


async def test_edit_limits_changes_models_addresses_and_expiry(backend) -> None:
    setup_user_and_prices()
    expiry = (clock.now().date() + timedelta(days=10)).isoformat()
    key, plaintext = apikeys.create_key("zhang.wei", name="phone", models=["qwen-plus"],
                                        cidrs=["10.1.0.0/16"], expires=expiry)
    dialog = await keys_dialog(backend)
    pick(dialog, 0)
    dialog.edit_button.click()
    form = await opened(dialog, KeyFormDialog)
    await form.tasks.idle()
    assert form.name.isReadOnly() and form.models.text() == "qwen-plus"
    assert form.cidrs.toPlainText() == "10.1.0.0/16" and form.expires_on.isChecked()
    assert form.expiry.date().toString("yyyy-MM-dd") == expiry
    form.append_model("glm-4-flash")
    form.cidrs.clear()  # any address
    form.ok_button().click()
    await form.tasks.idle()
    await dialog.idle()
    info = apikeys.lookup(plaintext)
    assert info.allowed_models == {"qwen-plus", "glm-4-flash"} and info.allowed_cidrs is None
    assert info.expires_at == apikeys.get_key(key.id).expires_at  # unchanged expiry kept
    pick(dialog, 0)
    dialog.edit_button.click()
    form = await opened(dialog, KeyFormDialog)
    form.expires_on.setChecked(False)
    form.models.setText("")
    assert await form.save()
    await dialog.idle()
    info = apikeys.lookup(plaintext)
    assert info.expires_at is None and info.allowed_models is None
    assert "never" in cells(dialog)
    dialog.close()


async def test_priced_models_are_offered(backend) -> None:
    setup_user_and_prices()
    form = KeyFormDialog(backend, "zhang.wei")
    await form.tasks.idle()
    menu = [a.text() for a in form.model_menu.actions()]
    assert menu == ["deepseek-chat", "glm-4-flash", "qwen-plus"] and form.add_model.isEnabled()
    form.model_menu.actions()[1].trigger()
    form.model_menu.actions()[1].trigger()  # no duplicates
    form.model_menu.actions()[0].trigger()
    assert form.models.text() == "glm-4-flash, deepseek-chat"
    completer = form.models.completer()
    assert completer.splitPath("glm-4-flash, qw") == ["qw"]
    form.models.setText("glm-4-flash, qw")
    completer.setCompletionPrefix("qw")
    assert completer.completionCount() == 1  # only the model being typed is completed...
    assert completer.currentCompletion() == "glm-4-flash, qwen-plus"  # ...the rest is kept
    form.close()


async def test_render_key_dialogs(backend, fake_clock, tmp_path: Path) -> None:
    """Renders the keys list, the create form and the shown-once dialog for a person."""
    setup_user_and_prices()
    apikeys.create_key("zhang.wei", name="laptop", models=["deepseek-chat", "qwen-plus"],
                       cidrs=["192.168.1.0/24"], expires=date(2026, 12, 31))
    fake_clock.advance(days=2)
    k2, _ = apikeys.create_key("zhang.wei", name="ci-runner", rpm=60, concurrency=2)
    apikeys.touch_last_used({k2.id: fake_clock.advance(hours=5)})
    k3, _ = apikeys.create_key("zhang.wei", name="old-phone", cidrs=["10.0.0.7"])
    apikeys.revoke_key(k3.id)
    accounts.set_status("zhang.wei", "disabled")
    out = Path(os.environ.get("GUI_SHOTS_DIR", tmp_path))
    dialog = await keys_dialog(backend)
    pick(dialog, 0)
    assert not dialog.disabled_note.isHidden()
    grab(dialog, out / "api_keys_dialog.png")
    form = KeyFormDialog(backend, "zhang.wei", parent=dialog)
    await form.tasks.idle()
    form.name.setText("desktop")
    form.models.setText("deepseek-chat, glm-4-flash")
    form.cidrs.setPlainText("192.168.1.0/24\n10.0.0.7")
    form.expires_on.setChecked(True)
    form.expiry.setDate(QDate(2026, 9, 30))
    form.show()
    grab(form, out / "key_form.png")
    form.expiry.setDate(QDate(2026, 5, 1))
    await form.save()
    grab(form, out / "key_form_error.png")
    form.close()
    shown = KeyCreatedDialog("zhang.wei", "desktop", "sk-rd-" + "x7Qm2" * 8 + "Ab9",
                             "http://192.168.1.10:8765/v1", parent=dialog)
    shown.show()
    grab(shown, out / "key_created.png")
    shown.close()
    dialog.close()


async def test_rate_limits_are_stored_and_empty_means_default(backend) -> None:
    setup_user_and_prices()
    dialog = await keys_dialog(backend)
    task = asyncio.ensure_future(dialog.create_key())
    form = await opened(dialog, KeyFormDialog)
    await form.tasks.idle()
    assert form.rpm.text() == "" and form.rpm.placeholderText() == "default"
    form.rpm.setText("60")
    form.tpm.setText("9999999999")  # over the maximum: refused in the form, nothing created
    form.ok_button().click()
    await form.tasks.idle()
    assert form.isVisible() and form.error.text() == (
        "Tokens per minute must be between 0 (unlimited) and 1000000000")
    assert apikeys.list_keys("zhang.wei") == []
    form.tpm.clear()
    form.concurrency.setText("0")
    form.ok_button().click()
    shown = await opened(dialog, KeyCreatedDialog)
    info = apikeys.lookup(shown.key_field.text())
    assert (info.rpm_limit, info.tpm_limit, info.concurrency_limit) == (60, None, 0)
    shown.done_button.click()
    await task
    assert dialog.model.index(0, 6).data() == "60 requests/min, unlimited concurrent"
    pick(dialog, 0)
    dialog.edit_button.click()
    form = await opened(dialog, KeyFormDialog)
    assert (form.rpm.text(), form.tpm.text(), form.concurrency.text()) == ("60", "", "0")
    form.rpm.clear()  # back to the operator's default
    form.tpm.setText("50000")
    assert await form.save()
    await dialog.idle()
    key = apikeys.list_keys("zhang.wei")[0]
    assert (key.rpm_limit, key.tpm_limit, key.concurrency_limit) == (None, 50_000, 0)
    event = AuditEvent.select().where(AuditEvent.action == "key.update").get()
    assert event.detail["limits"] == {"rpm_limit": None, "tpm_limit": 50_000}  # only changes
    pick(dialog, 0)
    dialog.edit_button.click()
    form = await opened(dialog, KeyFormDialog)
    form.tpm.clear()
    form.concurrency.clear()
    assert await form.save()
    await dialog.idle()
    assert dialog.model.index(0, 6).data() == "default"
    assert apikeys.list_keys("zhang.wei")[0].tpm_limit is None
    dialog.close()


async def test_a_key_for_any_model_names_one_the_user_may_call_for_the_agents(
        backend, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    setup_user_and_prices()
    providers.add_provider("ds", "deepseek", models=["deepseek-chat"],
                           base_url="http://127.0.0.1:9/v1")
    monkeypatch.setattr(backend, "relay_urls", lambda: ["http://192.168.1.10:8765/v1"])
    dialog = await keys_dialog(backend)
    dialog.create_button.click()
    form = await opened(dialog, KeyFormDialog)
    await form.tasks.idle()
    form.name.setText("agents")
    form.ok_button().click()
    shown = await opened(dialog, KeyCreatedDialog)
    assert shown.snippets is not None
    assert "ANTHROPIC_MODEL=deepseek-chat" in shown.snippets.claude_code.text_box.toPlainText()
    shown.done_button.click()
    dialog.close()
