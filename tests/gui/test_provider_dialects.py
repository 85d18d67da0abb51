"""The provider dialog's Anthropic API base URL and "Serves the Responses API natively": the
kind presets the URL, both are saved through the service layer and shown back, a bad URL is
explained; the page's details say how Claude Code and Codex CLI requests go."""

import asyncio

from app import providers
from gui.dialogs.provider_edit import ProviderEditDialog
from tests.gui.conftest import grab, settle_page
from tests.gui.layout import layout_problems
from tests.gui.test_providers_page import (
    assert_fits,
    click_save,
    fill,
    open_add_dialog,
    open_page,
    select,
)


async def open_edit_dialog(page, name: str) -> ProviderEditDialog:  # type: ignore[no-untyped-def]
    select(page, name)
    page.edit_button.click()
    await asyncio.sleep(0)
    dialog = page.last_dialog
    assert isinstance(dialog, ProviderEditDialog) and dialog.isVisible()
    return dialog


async def test_kind_presets_the_anthropic_url_unless_typed(backend) -> None:
    page = await open_page(backend)
    dialog = await open_add_dialog(page)
    expected = {"deepseek": "https://api.deepseek.com/anthropic",
                "zhipu": "https://open.bigmodel.cn/api/anthropic", "openai": "",
                "dashscope": ""}
    for kind in ("zhipu", "openai", "deepseek", "dashscope", "zhipu"):
        dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
        assert dialog.anthropic_url.text() == expected[kind], kind
    assert "translated to Chat Completions" in dialog.anthropic_url.placeholderText()
    assert "pass through here unchanged" in dialog.anthropic_url.toolTip()
    dialog.anthropic_url.setText("http://10.0.0.5:9000/anthropic")
    dialog.kind.setCurrentIndex(dialog.kind.findData("deepseek"))
    assert dialog.anthropic_url.text() == "http://10.0.0.5:9000/anthropic"
    dialog.reject()
    await settle_page(page)


async def test_add_saves_the_preset_and_the_flag_then_edit_clears_them(backend) -> None:
    page = await open_page(backend)
    dialog = await open_add_dialog(page)
    fill(dialog, "ds", "deepseek", "deepseek-chat")
    assert not dialog.responses_native.isChecked()
    dialog.responses_native.setChecked(True)
    assert await click_save(dialog)
    await settle_page(page)
    saved = providers.get_provider("ds")
    assert (saved.anthropic_base_url, saved.responses_native) == (
        "https://api.deepseek.com/anthropic", True)
    select(page, "ds")
    assert page.detail["apis"].text() == (
        "Anthropic Messages passed through to https://api.deepseek.com/anthropic; "
        "Responses passed through")

    dialog = await open_edit_dialog(page, "ds")
    assert dialog.anthropic_url.text() == "https://api.deepseek.com/anthropic"
    assert dialog.responses_native.isChecked()
    dialog.anthropic_url.clear()
    dialog.responses_native.setChecked(False)
    assert await click_save(dialog)
    await settle_page(page)
    saved = providers.get_provider("ds")
    assert (saved.anthropic_base_url, saved.responses_native) == (None, False)
    select(page, "ds")
    assert page.detail["apis"].text() == ("Anthropic Messages translated to Chat Completions; "
                                          "Responses translated to Chat Completions")

    dialog = await open_edit_dialog(page, "ds")  # a cleared URL stays cleared when reopened
    assert dialog.anthropic_url.text() == ""
    dialog.anthropic_url.setText("https://gw.example/anthropic/")
    assert await click_save(dialog)
    await settle_page(page)
    assert providers.get_provider("ds").anthropic_base_url == "https://gw.example/anthropic"


async def test_bad_anthropic_url_is_explained_and_nothing_saved(backend) -> None:
    page = await open_page(backend)
    dialog = await open_add_dialog(page)
    fill(dialog, "gw", "openai", "gpt-5")
    dialog.anthropic_url.setText("gw.example/anthropic")
    assert not await click_save(dialog)
    assert dialog.isVisible() and dialog.error.isVisibleTo(dialog)
    assert dialog.error.text().startswith("Anthropic API base URL must look like")
    assert providers.list_providers() == []
    dialog.reject()
    await settle_page(page)


async def test_wildcard_alias_through_the_dialog(backend) -> None:
    providers.add_provider("ds", "deepseek", models=["deepseek-chat"])
    page = await open_page(backend)
    dialog = await open_edit_dialog(page, "ds")
    dialog.add_mapping_button.click()
    dialog.mapping.item(0, 0).setText("claude-*-4")
    dialog.mapping.item(0, 1).setText("deepseek-chat")
    assert not await click_save(dialog)
    assert "not a valid pattern" in dialog.error.text()
    dialog.mapping.item(0, 0).setText("claude-*")
    assert await click_save(dialog)
    await settle_page(page)
    assert providers.get_provider("ds").model_map == {"claude-*": "deepseek-chat"}


async def test_dialog_with_the_new_fields_lays_out(backend, tmp_path) -> None:
    providers.add_provider("zhipu-glm", "zhipu", models=["glm-4-flash"], responses_native=True)
    page = await open_page(backend)
    page.show()
    await settle_page(page)
    select(page, "zhipu-glm")
    assert_fits(page, [*page.detail.values(), page.view])
    dialog = await open_edit_dialog(page, "zhipu-glm")
    dialog.adjustSize()
    assert_fits(dialog, [dialog.base_url, dialog.anthropic_url, dialog.responses_native,
                         dialog.models, dialog.ok_button])
    assert layout_problems(dialog) == []
    assert grab(dialog, tmp_path / "provider_dialog_dialects.png").stat().st_size > 0
    dialog.reject()
    await settle_page(page)
    page.close()
