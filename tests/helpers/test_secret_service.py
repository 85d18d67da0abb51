"""The headless Secret Service helper works: keyring round trips through a real gnome-keyring."""

from __future__ import annotations

import os
import subprocess
import sys
from contextlib import closing

import keyring
import pytest
import secretstorage
from keyring.backends import SecretService as SecretServiceBackend

from .requirements import require
from .secret_service import SecretService, secret_service_available, secret_service_backend

pytestmark = pytest.mark.keyring

SERVICE = "relaydesk-test"


@pytest.fixture(scope="module")
def secret_service():
    require(secret_service_available())
    service = SecretService()
    service.start()
    yield service
    service.stop()


def _secretstorage_lookup(service: str, username: str) -> list[tuple[str, bytes]]:
    """Read the gnome keyring directly (not through keyring): [(label, secret), ...]."""
    with closing(secretstorage.dbus_init()) as conn:
        collection = secretstorage.get_default_collection(conn)
        assert not collection.is_locked()
        return [
            (item.get_label(), item.get_secret())
            for item in collection.search_items({"service": service, "username": username})
        ]


def test_starts_with_private_env(secret_service):
    print(f"Secret Service started in {secret_service.startup_seconds:.2f}s")
    env = secret_service.env
    assert set(env) == set(SecretService.ENV_KEYS)
    assert env["DBUS_SESSION_BUS_ADDRESS"].startswith("unix:path=")
    assert str(secret_service.tmpdir) in env["DBUS_SESSION_BUS_ADDRESS"]
    assert env["HOME"].startswith(str(secret_service.tmpdir))
    assert oct(os.stat(env["XDG_RUNTIME_DIR"]).st_mode & 0o777) == "0o700"
    assert (secret_service.keyrings_dir / "login.keyring").exists()


def test_activate_and_deactivate_restore_environ(secret_service, monkeypatch):
    monkeypatch.setenv("HOME", "/original/home")
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    secret_service.activate()
    try:
        for key, value in secret_service.env.items():
            assert os.environ[key] == value
    finally:
        secret_service.deactivate()
    assert os.environ["HOME"] == "/original/home"
    assert "XDG_RUNTIME_DIR" not in os.environ
    secret_service.deactivate()  # no-op when not active


def test_keyring_round_trip_through_gnome_keyring(secret_service):
    secret_service.activate()
    previous = keyring.get_keyring()
    try:
        backend = secret_service_backend()
        assert isinstance(backend, SecretServiceBackend.Keyring)
        assert backend.priority > 0  # the backend sees a working Secret Service
        keyring.set_keyring(backend)

        keyring.set_password(SERVICE, "alice", "s3cret-✓")
        assert keyring.get_password(SERVICE, "alice") == "s3cret-✓"
        # A second, independent backend instance (new D-Bus connections) sees it ...
        assert secret_service_backend().get_password(SERVICE, "alice") == "s3cret-✓"
        # ... and so does secretstorage reading the gnome keyring's default collection.
        assert _secretstorage_lookup(SERVICE, "alice") == [
            (f"Password for 'alice' on '{SERVICE}'", "s3cret-✓".encode())
        ]

        keyring.set_password(SERVICE, "alice", "rotated")  # replace, not duplicate
        assert [s for _, s in _secretstorage_lookup(SERVICE, "alice")] == [b"rotated"]

        keyring.delete_password(SERVICE, "alice")
        assert keyring.get_password(SERVICE, "alice") is None
        assert _secretstorage_lookup(SERVICE, "alice") == []
        with pytest.raises(keyring.errors.PasswordDeleteError):
            keyring.delete_password(SERVICE, "alice")
    finally:
        keyring.set_keyring(previous)
        secret_service.deactivate()


def test_using_keyring_context_manager_restores_previous_backend(secret_service):
    before = keyring.get_keyring()
    saved_env = {k: os.environ.get(k) for k in SecretService.ENV_KEYS}
    with secret_service.using_keyring() as backend:
        assert keyring.get_keyring() is backend
        keyring.set_password(SERVICE, "ctx", "value")
        assert keyring.get_password(SERVICE, "ctx") == "value"
        keyring.delete_password(SERVICE, "ctx")
    assert keyring.get_keyring() is before
    assert {k: os.environ.get(k) for k in SecretService.ENV_KEYS} == saved_env


def test_secret_persists_on_disk_across_a_keyring_daemon_restart(secret_service):
    with secret_service.using_keyring():
        keyring.set_password(SERVICE, "persisted", "still-here")
        secret_service.restart_keyring()  # new gnome-keyring process, same files and password
        assert secret_service_backend().get_password(SERVICE, "persisted") == "still-here"
        keyring.delete_password(SERVICE, "persisted")


def test_subprocess_with_env_finds_the_secret_service_by_default(secret_service):
    with secret_service.using_keyring():
        keyring.set_password(SERVICE, "child", "from-parent")
    try:
        code = (
            "import keyring; kr = keyring.get_keyring(); "
            f"print(type(kr).__module__, keyring.get_password({SERVICE!r}, 'child'))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code],
            env={**os.environ, **secret_service.env},
            capture_output=True, text=True, timeout=60, check=True,
        ).stdout.split()
        assert out == ["keyring.backends.SecretService", "from-parent"]
    finally:
        with secret_service.using_keyring():
            keyring.delete_password(SERVICE, "child")
