"""The provider dialog's "Fetch models": the list comes from the provider as the form describes
it (saved or not, nothing saved by fetching), the operator picks, the models field follows."""

import asyncio

from PySide6.QtCore import Qt

from app import keystore, providers
from gui.dialogs.model_picker import ModelPickerDialog
from gui.dialogs.provider_edit import ProviderEditDialog
from gui.pages.providers_model import load_rows
from tests.gui.conftest import until
from tests.helpers.fake_upstream import FakeUpstream

KEY = "sk-fetch-models-4d2e9a"
LISTED = ["zeta-chat", "alpha-chat", "mid-embed"]


def new_dialog(backend, up: FakeUpstream, models: str = "",  # type: ignore[no-untyped-def]
               key: str = KEY) -> ProviderEditDialog:
    dialog = ProviderEditDialog(backend)
    dialog.name.setText("lab-openai")
    dialog.kind.setCurrentIndex(dialog.kind.findData(up.kind))
    dialog.base_url.setText(up.base_url)
    dialog.models.setText(models)
    dialog.api_key.setText(key)
    dialog.open()
    return dialog


async def open_picker(dialog: ProviderEditDialog) -> ModelPickerDialog:
    dialog.fetch_button.click()
    assert dialog.fetching is not None
    await until(lambda: (dialog.picker is not None and dialog.picker.isVisible())
                or dialog.fetching.done())
    assert dialog.picker is not None, dialog.models_status.text()
    return dialog.picker


def items(picker: ModelPickerDialog) -> dict[str, bool]:
    return {item.text(): item.checkState() == Qt.CheckState.Checked for item in picker.items()}


def check(picker: ModelPickerDialog, name: str, on: bool = True) -> None:
    (item,) = [i for i in picker.items() if i.text() == name]
    item.setCheckState(Qt.CheckState.Checked if on else Qt.CheckState.Unchecked)


async def test_a_new_provider_fetches_with_the_typed_key_and_picks_two(backend) -> None:
    async with FakeUpstream(kind="openai", api_key=KEY, models=LISTED) as up:
        up.scenario.fail_with = "timeout"  # holds the answer until released: the busy state
        dialog = new_dialog(backend, up, models="my-alias")
        dialog.fetch_button.click()
        await until(lambda: len(up.requests) == 1)
        assert not dialog.fetch_button.isEnabled() and dialog.fetch_button.text() == "Fetching…"
        assert dialog.models_status.isVisibleTo(dialog)
        assert dialog.isVisible()  # the window keeps running while it waits
        up.scenario.release.set()
        await until(lambda: dialog.picker is not None and dialog.picker.isVisible())
        picker = dialog.picker
        assert picker is not None
        assert items(picker) == {"alpha-chat": False, "mid-embed": False, "zeta-chat": False}
        assert dialog.fetch_button.isEnabled()
        assert providers.list_providers() == []  # fetching saved nothing
        check(picker, "zeta-chat")
        check(picker, "alpha-chat")
        assert picker.count.text() == "2 of 3 checked"
        picker.ok_button.click()
        assert await dialog.fetching
    (sent,) = up.requests
    assert (sent.method, sent.path) == ("GET", "/v1/models")
    assert sent.headers["Authorization"] == f"Bearer {KEY}"
    # typed names the provider does not list stay; picked ones follow in list order
    assert dialog.models.text() == "my-alias, alpha-chat, zeta-chat"
    assert dialog.values()["models"] == ["my-alias", "alpha-chat", "zeta-chat"]
    assert dialog.isVisible() and providers.list_providers() == []
    dialog.reject()


async def test_a_saved_provider_fetches_with_its_stored_key_models_prechecked(
        backend, monkeypatch) -> None:
    async with FakeUpstream(kind="deepseek", api_key=KEY, models=LISTED) as up:
        providers.add_provider("ds", "deepseek", models=["alpha-chat", "hidden-model"],
                               base_url=up.base_url)
        monkeypatch.setenv(keystore.env_var_name("ds"), KEY)
        (row,) = await backend.call(load_rows)
        dialog = ProviderEditDialog(backend, row)
        dialog.open()
        assert dialog.api_key.text() == ""
        picker = await open_picker(dialog)
        assert items(picker) == {"alpha-chat": True, "mid-embed": False, "zeta-chat": False}
        check(picker, "alpha-chat", False)
        check(picker, "mid-embed")
        picker.ok_button.click()
        assert await dialog.fetching
        assert dialog.models.text() == "hidden-model, mid-embed"

        # Cancel in the pick list leaves the field as it was
        picker = await open_picker(dialog)
        check(picker, "zeta-chat")
        picker.reject()
        assert not await dialog.fetching
        assert dialog.models.text() == "hidden-model, mid-embed"
    assert [r.headers["Authorization"] for r in up.requests] == [f"Bearer {KEY}"] * 2
    assert providers.get_provider("ds").models == ["alpha-chat", "hidden-model"]
    dialog.reject()


async def test_the_filter_narrows_and_check_shown_checks_only_those(backend) -> None:
    async with FakeUpstream(kind="openai", api_key=KEY, models=LISTED) as up:
        dialog = new_dialog(backend, up)
        picker = await open_picker(dialog)
        picker.filter.setText("CHAT")
        shown = [i.text() for i in picker.items() if not i.isHidden()]
        assert shown == ["alpha-chat", "zeta-chat"]
        picker.check_shown_button.click()
        picker.filter.clear()
        assert items(picker) == {"alpha-chat": True, "mid-embed": False, "zeta-chat": True}
        picker.ok_button.click()
        assert await dialog.fetching
    assert dialog.models.text() == "alpha-chat, zeta-chat"
    dialog.reject()


async def test_a_rejected_key_is_said_in_plain_words_in_the_dialog(backend) -> None:
    async with FakeUpstream(kind="openai", api_key="sk-the-right-one-77") as up:
        dialog = new_dialog(backend, up, models="gpt-4o-mini")
        dialog.fetch_button.click()
        assert dialog.fetching is not None and not await dialog.fetching
    assert dialog.picker is None and dialog.isVisible()
    assert dialog.models_status.isVisibleTo(dialog)
    assert dialog.models_status.text() == ("Could not fetch the model list: The provider "
                                           "rejected the API key")
    assert KEY not in dialog.models_status.text()
    assert dialog.models.text() == "gpt-4o-mini" and dialog.fetch_button.isEnabled()
    dialog.reject()


async def test_settings_a_save_would_refuse_are_named_before_anything_is_sent(backend) -> None:
    async with FakeUpstream(kind="openai", api_key=KEY) as up:
        dialog = new_dialog(backend, up)
        dialog.base_url.setText("ftp://127.0.0.1/v1")
        dialog.fetch_button.click()
        assert dialog.fetching is not None and not await dialog.fetching
        assert dialog.models_status.text().startswith("Could not fetch the model list: "
                                                      "Base URL")
        dialog.base_url.setText(up.base_url)
        dialog.api_key.clear()
        dialog.fetch_button.click()
        assert not await dialog.fetching
        assert dialog.models_status.text() == ("Could not fetch the model list: No API key "
                                               "for this provider")
    assert up.requests == []
    dialog.reject()


async def test_closing_the_dialog_while_fetching_stops_it(backend) -> None:
    async with FakeUpstream(kind="openai", api_key=KEY) as up:
        up.scenario.fail_with = "timeout"
        dialog = new_dialog(backend, up)
        dialog.fetch_button.click()
        await until(lambda: len(up.requests) == 1)
        fetching = dialog.fetching
        assert fetching is not None
        dialog.reject()
        await asyncio.wait([fetching], timeout=5)
        assert fetching.cancelled()
        up.scenario.release.set()
    assert dialog.picker is None
