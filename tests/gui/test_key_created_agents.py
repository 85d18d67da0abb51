"""The key-created dialog's Claude Code and Codex CLI tabs: the texts carry the new key, the
model and the relay, each Copy button copies its whole text, and closing forgets them."""

import tomllib
from pathlib import Path

from PySide6.QtGui import QGuiApplication

from gui.dialogs.key_created import KeyCreatedDialog
from tests.helpers.pasted import run_pasted

KEY = "sk-rd-" + "x7Qm2" * 8 + "Ab9"


def test_the_agent_tabs_copy_settings_that_reach_the_relay(tmp_path: Path) -> None:
    shown = KeyCreatedDialog("alice", "laptop", KEY, "http://192.168.1.10:8765/v1",
                             model="deepseek-chat")
    tabs = shown.snippets
    assert tabs is not None
    assert [tabs.tabText(i) for i in range(tabs.count())] == [
        "OpenAI SDKs, curl, Cherry Studio", "Claude Code", "Codex CLI"]
    tabs.claude_code.copy_button.click()
    pasted = QGuiApplication.clipboard().text()
    assert pasted == tabs.claude_code.text_box.toPlainText()
    assert tabs.claude_code.copy_button.text() == "Copied"
    found = run_pasted(tmp_path, pasted, "claude",
                       ("ANTHROPIC_BASE_URL", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_MODEL"))
    assert found == {"ANTHROPIC_BASE_URL": "http://192.168.1.10:8765",
                     "ANTHROPIC_AUTH_TOKEN": KEY, "ANTHROPIC_MODEL": "deepseek-chat"}
    tabs.codex_config.copy_button.click()
    config = tomllib.loads(QGuiApplication.clipboard().text())
    assert config["model"] == "deepseek-chat"
    assert config["model_providers"]["relaydesk"]["base_url"] == "http://192.168.1.10:8765/v1"
    tabs.codex_env.copy_button.click()
    assert run_pasted(tmp_path, QGuiApplication.clipboard().text(), "codex",
                      ("RELAYDESK_API_KEY",)) == {"RELAYDESK_API_KEY": KEY}
    QGuiApplication.clipboard().clear()  # it held the key
    shown.accept()
    assert all(box.text_box.toPlainText() == "" for box in tabs.boxes())


def test_over_https_the_agents_trust_the_certificate_file(tmp_path: Path) -> None:
    cert = tmp_path / "relaydesk cert.pem"
    shown = KeyCreatedDialog("alice", "laptop", KEY, "https://10.0.0.2:8765/v1",
                             fingerprint="AB:CD", cert_file=cert)
    tabs = shown.snippets
    assert tabs is not None
    claude = run_pasted(tmp_path, tabs.claude_code.text_box.toPlainText(), "claude",
                        ("NODE_EXTRA_CA_CERTS", "ANTHROPIC_MODEL"))
    assert claude == {"NODE_EXTRA_CA_CERTS": str(cert), "ANTHROPIC_MODEL": None}
    codex = run_pasted(tmp_path, tabs.codex_env.text_box.toPlainText(), "codex",
                       ("CODEX_CA_CERTIFICATE", "SSL_CERT_FILE"))
    assert codex == {"CODEX_CA_CERTIFICATE": str(cert), "SSL_CERT_FILE": str(cert)}
    assert "model" not in tomllib.loads(tabs.codex_config.text_box.toPlainText())
    shown.reject()


def test_a_picture_of_each_tab(tmp_path: Path) -> None:
    """Grabs each tab for a person to look at; the grab must not be empty."""
    shown = KeyCreatedDialog("zhang.wei", "desktop", KEY, "https://192.168.1.10:8765/v1",
                             fingerprint="AB:CD:EF", cert_file=tmp_path / "relaydesk-cert.pem",
                             model="deepseek-chat")
    tabs = shown.snippets
    assert tabs is not None
    shown.show()
    for index, name in enumerate(("openai", "claude_code", "codex")):
        tabs.setCurrentIndex(index)
        picture = shown.grab()
        assert not picture.isNull() and picture.width() > 400
        assert picture.save(str(tmp_path / f"key_created_{name}.png"))
    shown.close()
