"""The user form marks what the service requires, and a refusal reads in the interface's
language, naming the field."""

from app import accounts
from gui.dialogs.user_edit import UserEditDialog
from tests.gui.tiny_translation import installed


async def test_required_fields_say_so_and_optional_ones_too(backend) -> None:
    dialog = UserEditDialog(backend)
    assert dialog.username.placeholderText().startswith("required")
    assert dialog.email.placeholderText().startswith("required")
    assert dialog.phone.placeholderText() == "optional"
    assert dialog.password.placeholderText().startswith("optional")
    dialog.close()


async def test_saving_without_an_email_names_the_field_in_chinese(backend, tmp_path) -> None:
    with installed(tmp_path, {"Email is required": "必须填写邮箱"}):
        dialog = UserEditDialog(backend)
        dialog.show()
        dialog.username.setText("li.na")
        dialog.save_button().click()
        await dialog.idle()
        assert dialog.isVisible() and not dialog.error.isHidden()
        assert dialog.error.text() == "必须填写邮箱"
        assert accounts.list_users() == []
        dialog.close()
