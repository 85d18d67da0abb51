"""Ready-to-paste settings for the coding agents (Claude Code, Codex CLI), built here once for
the desktop's key-created dialog and the portal's keys pages.

Every value (base URL, key, model, certificate path) is quoted for where it is pasted: a model
name is whatever the operator priced, and a quote in it must not end the quoting in a shell or
a TOML file and run or set something else.
"""

import json
import shlex

# The portal cannot hand out a file: the user puts the saved certificate's path in its place.
CERT_PLACEHOLDER = "/path/to/relaydesk-cert.pem"
CODEX_PROVIDER = "relaydesk"
CODEX_KEY_VARIABLE = "RELAYDESK_API_KEY"


def relay_root(base_url: str) -> str:
    """The relay's address without ``/v1``: Claude Code adds ``/v1/messages`` itself."""
    return base_url.rstrip("/").removesuffix("/v1")


def toml_string(value: str) -> str:
    """``value`` as a TOML basic string: JSON's escapes are TOML's, except that TOML also
    forbids a raw DEL character."""
    return json.dumps(value, ensure_ascii=False).replace("\x7f", "\\u007f")


def _export(name: str, value: str, note: str = "") -> str:
    line = f"export {name}={shlex.quote(value)}"
    return f"{line}  # {note}" if note else line


def claude_code(base_url: str, key: str, model: str | None = None,
                cert_file: str | None = None) -> str:
    """Shell lines that start Claude Code against this relay.

    The key goes in ANTHROPIC_AUTH_TOKEN (sent as ``Authorization: Bearer``): unlike
    ANTHROPIC_API_KEY it wins over a saved claude.ai login without asking first. With a model
    known, background tasks use it too instead of a Claude model the relay may not offer."""
    lines = ["# Claude Code (Anthropic Messages API)",
             _export("ANTHROPIC_BASE_URL", relay_root(base_url)),
             _export("ANTHROPIC_AUTH_TOKEN", key)]
    if model:
        lines += [_export("ANTHROPIC_MODEL", model),
                  _export("ANTHROPIC_DEFAULT_HAIKU_MODEL", model, "background tasks")]
    lines.append(_export("CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC", "1"))
    if cert_file is not None:
        lines.append(_export("NODE_EXTRA_CA_CERTS", cert_file, "trust the relay's certificate"))
    lines.append("claude")
    return "\n".join(lines) + "\n"


def codex_config(base_url: str, model: str | None = None) -> str:
    """``~/.codex/config.toml``: a provider for this relay speaking the Responses API."""
    chosen = (f"model = {toml_string(model)}" if model
              else '# model = "..."  # a model this relay offers you')
    return "\n".join([
        chosen,
        f'model_provider = "{CODEX_PROVIDER}"',
        "",
        f"[model_providers.{CODEX_PROVIDER}]",
        'name = "RelayDesk"',
        f"base_url = {toml_string(relay_root(base_url) + '/v1')}",
        f'env_key = "{CODEX_KEY_VARIABLE}"',
        'wire_api = "responses"',
    ]) + "\n"


def codex_env(key: str, cert_file: str | None = None) -> str:
    """Shell lines that give Codex the key (named by ``env_key``) and start it.

    Codex reads CODEX_CA_CERTIFICATE; older releases only SSL_CERT_FILE, so both are set."""
    lines = [_export(CODEX_KEY_VARIABLE, key)]
    if cert_file is not None:
        lines += [_export("CODEX_CA_CERTIFICATE", cert_file, "trust the relay's certificate"),
                  _export("SSL_CERT_FILE", cert_file)]
    lines.append("codex")
    return "\n".join(lines) + "\n"


def agent_snippets(base_url: str, key: str, model: str | None = None,
                   cert_file: str | None = None) -> dict[str, str]:
    """All three texts by name: ``claude_code``, ``codex_config`` and ``codex_env``."""
    return {"claude_code": claude_code(base_url, key, model, cert_file),
            "codex_config": codex_config(base_url, model),
            "codex_env": codex_env(key, cert_file)}
