"""app.keystore: provider keys live in the OS keyring (a real gnome-keyring here), or come from
RELAYDESK_PROVIDER_KEY_<NAME>; never from the database, and never a plaintext fallback."""

import gc
import uuid
import warnings
from contextlib import closing

import keyring
import pytest
import secretstorage

from app import keystore, providers
from app.errors import KeystoreUnavailable
from app.models import AuditEvent, Provider
from tests.app.support import dump, files_containing, unchanged


def unique(prefix: str = "p") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


@pytest.mark.parametrize(("name", "variable"), [
    ("ds-main.1", "RELAYDESK_PROVIDER_KEY_DS_MAIN_1"),
    ("deepseek", "RELAYDESK_PROVIDER_KEY_DEEPSEEK"),
    ("Zhipu_2", "RELAYDESK_PROVIDER_KEY_ZHIPU_2"),
    ("qwen.max-v2", "RELAYDESK_PROVIDER_KEY_QWEN_MAX_V2"),
])
def test_env_var_name(name, variable):
    assert keystore.env_var_name(name) == variable


# -- the real Secret Service ----------------------------------------------------------------

@pytest.mark.keyring
def test_set_get_delete(real_keyring):
    name = unique()
    assert keystore.backend_usable()
    assert "SecretService" in keystore.backend_name()
    assert keystore.get_secret("provider", name) is None
    keystore.set_secret("provider", name, "sk-secret-1")
    assert keystore.get_secret("provider", name) == "sk-secret-1"
    assert keystore.has_secret("provider", name)
    # stored under the RelayDesk service, in the real keyring
    assert keyring.get_password("RelayDesk", f"provider:{name}") == "sk-secret-1"
    keystore.set_secret("provider", name, "sk-secret-2")  # replaced, not duplicated
    assert keystore.get_secret("provider", name) == "sk-secret-2"
    keystore.delete_secret("provider", name)
    assert keystore.get_secret("provider", name) is None
    assert not keystore.has_secret("provider", name)
    keystore.delete_secret("provider", name)  # deleting again is fine


@pytest.mark.keyring
def test_kinds_are_separate(real_keyring):
    name = unique()
    keystore.set_secret("smtp", name, "mail-pass")
    try:
        assert keystore.get_secret("provider", name) is None
        assert keystore.get_secret("smtp", name) == "mail-pass"
    finally:
        keystore.delete_secret("smtp", name)


@pytest.mark.keyring
async def test_async_helpers(real_keyring):
    name = unique()
    await keystore.set_secret_async("provider", name, "async-key")
    try:
        assert await keystore.get_secret_async("provider", name) == "async-key"
    finally:
        keystore.delete_secret("provider", name)


@pytest.mark.keyring
def test_provider_key_goes_to_keyring_not_database(real_keyring, sqlite_db):
    name = unique("ds")
    secret = f"sk-{uuid.uuid4().hex}{uuid.uuid4().hex}"
    providers.add_provider(name, "deepseek", models=["deepseek-chat"], api_key=f"  {secret}  ")
    try:
        assert keyring.get_password("RelayDesk", f"provider:{name}") == secret
        assert providers.provider_key(name) == secret
        assert secret not in repr(dump())
        assert files_containing(sqlite_db.data_dir, secret.encode()) == []
        # control: the provider row itself did reach the database files
        assert files_containing(sqlite_db.data_dir, name.encode()) != []
        assert "sk-" not in repr(AuditEvent.get(AuditEvent.action == "provider.add").detail)
        providers.update_provider(name, api_key="sk-rotated")
        assert providers.provider_key(name) == "sk-rotated"
    finally:
        providers.remove_provider(name)
    assert keystore.get_secret("provider", name) is None  # removed with the provider


@pytest.mark.keyring
def test_env_var_beats_keyring(real_keyring, monkeypatch):
    name = f"ds-main.{uuid.uuid4().hex[:6]}"
    keystore.set_secret("provider", name, "from-keyring")
    try:
        assert keystore.get_secret("provider", name) == "from-keyring"
        monkeypatch.setenv(keystore.env_var_name(name), "sk-from-env-7c41")
        assert keystore.get_secret("provider", name) == "sk-from-env-7c41"
        monkeypatch.setenv(keystore.env_var_name(name), "")  # empty means unset
        assert keystore.get_secret("provider", name) == "from-keyring"
    finally:
        keystore.delete_secret("provider", name)


@pytest.mark.keyring
def test_env_var_only_for_provider_secrets(real_keyring, monkeypatch):
    monkeypatch.setenv(keystore.env_var_name("mail"), "nope")
    assert keystore.get_secret("smtp", "mail") is None


# -- no usable keyring (the default in tests: keyring.backends.fail.Keyring) -----------------

def test_fail_backend_is_not_usable():
    assert not keystore.backend_usable()
    assert keystore.backend_name() == "keyring.backends.fail.Keyring"
    assert keystore.get_secret("provider", "anything") is None
    keystore.delete_secret("provider", "anything")  # silently nothing to delete


def test_set_secret_without_keyring_explains_how_to_proceed():
    with pytest.raises(KeystoreUnavailable) as info:
        keystore.set_secret("provider", "ds-main.1", "sk-x")
    message = info.value.message
    assert "RELAYDESK_PROVIDER_KEY_DS_MAIN_1" in message
    assert "keyring" in message.lower()
    assert "plain text" in message
    assert "sk-x" not in message


def test_provider_with_key_and_no_keyring_leaves_nothing(any_db):
    providers.add_provider("other", "openai", models=["gpt-4o"])
    with unchanged(), pytest.raises(KeystoreUnavailable, match="RELAYDESK_PROVIDER_KEY_DS"):
        providers.add_provider("ds", "deepseek", models=["deepseek-chat"], api_key="sk-secret")
    assert [p.name for p in Provider.select()] == ["other"]


def test_update_with_key_and_no_keyring_changes_nothing(any_db):
    providers.add_provider("ds", "deepseek", models=["m"])
    with unchanged(), pytest.raises(KeystoreUnavailable):
        providers.update_provider("ds", weight=5, api_key="sk-secret")


def test_env_var_supplies_key_without_keyring(any_db, monkeypatch):
    providers.add_provider("ds-main.1", "deepseek", models=["deepseek-chat"])
    assert providers.provider_key("ds-main.1") is None
    monkeypatch.setenv("RELAYDESK_PROVIDER_KEY_DS_MAIN_1", "sk-from-env")
    assert providers.provider_key("ds-main.1") == "sk-from-env"
    assert keystore.has_secret("provider", "ds-main.1")
    providers.remove_provider("ds-main.1")  # no keyring to clean: still removes the row
    assert Provider.select().count() == 0


def _refusals_while_locked() -> tuple[str, str | None]:
    """With the default collection locked: (add_provider's error message, get_secret result)."""
    with unchanged(), pytest.raises(KeystoreUnavailable, match="KeyringLocked") as info:
        providers.add_provider("ds", "deepseek", models=["m"], api_key="sk-secret")
    keystore.delete_secret("provider", "ds")  # refused quietly
    return info.value.message, keystore.get_secret("provider", "ds")


@pytest.mark.keyring
def test_locked_keyring_is_reported_and_changes_nothing(real_keyring, secret_service, any_db):
    name = unique()
    keystore.set_secret("provider", name, "kept")
    with closing(secretstorage.dbus_init()) as conn:
        secretstorage.get_default_collection(conn).lock()
    try:
        assert keystore.backend_usable()  # the keyring is there, it just refuses
        # keyring's SecretService backend leaks its D-Bus connection when the collection is
        # locked (KeyringLocked is raised before its `with closing(...)`): collect those sockets
        # here, where their ResourceWarning is expected, not in some later test.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ResourceWarning)
            message, secret = _refusals_while_locked()
            locked_read = keystore.get_secret("provider", name)
            gc.collect()
        assert "RELAYDESK_PROVIDER_KEY_DS" in message
        assert (secret, locked_read) == (None, None)  # unreadable, not a crash
    finally:
        secret_service.restart_keyring()  # starts unlocked again, from the same files
    assert keystore.get_secret("provider", name) == "kept"
    keystore.delete_secret("provider", name)
