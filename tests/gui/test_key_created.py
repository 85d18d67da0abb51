"""The key-created dialog hands out what a client needs: the key (once), the base URL, the
HTTPS certificate's pin and file, and settings for common clients that work as pasted."""

import asyncio
import re

import openai

from app import accounts, apikeys, pricing, settings
from gui.dialogs.key_created import KeyCreatedDialog, client_settings


async def test_the_pasted_environment_reaches_an_https_relay(backend, monkeypatch) -> None:
    """The snippet's `export` lines, set as a shell would, let the official SDK (no code
    changes) call the relay over HTTPS with its self-signed certificate."""
    accounts.add_user("alice", "alice@example.com")
    pricing.set_price("m1", "1", "2")
    _, key = apikeys.create_key("alice")
    settings.set("relay_host", "127.0.0.1")
    settings.set("relay_port", 0)
    settings.set("tls_mode", "on")
    assert await backend.start_relay()
    try:
        cert = backend.tls_cert_file
        assert cert is not None and backend.relay_urls()[0].startswith("https://")
        text = client_settings(backend.relay_urls()[0], key, cert)
        for name, value in re.findall(r"^export (\w+)=(\S+)", text, flags=re.M):
            monkeypatch.setenv(name, value)

        def client() -> list[str]:
            with openai.OpenAI(max_retries=0) as sdk:  # everything from the environment
                return [m.id for m in sdk.models.list().data]

        assert await asyncio.to_thread(client) == []  # no provider yet: an empty list, over TLS
    finally:
        await backend.stop_relay()


def test_the_dialog_shows_the_pin_the_file_and_the_settings_then_forgets_them(tmp_path
                                                                              ) -> None:
    cert = tmp_path / "relaydesk-cert.pem"
    shown = KeyCreatedDialog("alice", "laptop", "sk-rd-secret", "https://10.0.0.2:8765/v1",
                             fingerprint="AB:CD", cert_file=cert)
    labels = " ".join(label.text() for label in shown.findChildren(type(shown.copied)))
    assert "AB:CD" in labels and str(cert) in labels
    assert shown.settings_box is not None
    text = shown.settings_box.toPlainText()
    assert "export OPENAI_API_KEY=sk-rd-secret" in text
    assert "API host: https://10.0.0.2:8765" in text and f"NODE_EXTRA_CA_CERTS={cert}" in text
    shown.accept()
    assert shown.key_field.text() == "" and shown.settings_box.toPlainText() == ""
