"""The real coding-agent CLIs (Codex CLI, Claude Code) from npm, driven non-interactively
against a running relay and fake providers.

Both are pinned in tests/relay/agents/package.json (+ package-lock.json) and installed with
`npm ci` once per test session. Without node/npm, or when the install fails, the tests skip
loudly (fail with CI=true: tests/helpers/requirements.py).
"""

from __future__ import annotations

import asyncio
import json
import os
import platform
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.helpers.fake_scenario import RecordedRequest
from tests.helpers.npm import npm_ci
from tests.helpers.requirements import require
from tests.relay.protocols.conftest import rig  # noqa: F401 - the relay-with-providers fixture

AGENTS_DIR = Path(__file__).parent
NPM_TIMEOUT = 600  # two native binaries, ~850 MB unpacked
CLI_TIMEOUT = 180  # a CLI starts in seconds, but a cold one on a loaded CI box can take long


@dataclass(frozen=True)
class AgentClis:
    """Where the installed CLIs are."""

    codex: Path
    claude: Path


@dataclass
class CliRun:
    """How one CLI run ended."""

    returncode: int
    stdout: str
    stderr: str

    def explain(self) -> str:
        return f"exit {self.returncode}\nstdout:\n{self.stdout[-3000:]}\nstderr:\n" \
               f"{self.stderr[-3000:]}"


def _claude_binary(modules: Path) -> Path:
    """Claude Code's native binary: its postinstall copies it over the package's placeholder,
    and an npm that does not run install scripts leaves only the platform package's copy."""
    arch = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(
        platform.machine().lower(), platform.machine())
    native = modules / "@anthropic-ai" / f"claude-code-linux-{arch}" / "claude"
    return native if native.is_file() else modules / ".bin" / "claude"


@pytest.fixture(scope="session")
def agent_clis() -> AgentClis:
    """`npm ci` into tests/relay/agents/node_modules, once per session."""
    if platform.system() != "Linux":
        require(f"the agent CLI tests run the Linux builds, not {platform.system()}'s")
    npm_ci(AGENTS_DIR, needed_for="the coding-agent CLI tests", timeout=NPM_TIMEOUT)
    modules = AGENTS_DIR / "node_modules"
    clis = AgentClis(codex=modules / ".bin" / "codex", claude=_claude_binary(modules))
    for name, path in (("codex", clis.codex), ("claude", clis.claude)):
        if not os.access(path, os.X_OK):
            require(f"`npm ci` in {AGENTS_DIR} installed no runnable {name} at {path}")
    return clis


def base_env(home: Path) -> dict[str, str]:
    """A bare environment: no key, base URL or proxy of the developer's leaks into the CLI, and
    its state stays in ``home``."""
    env = {name: os.environ[name] for name in ("PATH", "LANG", "TERM") if name in os.environ}
    env.update(HOME=str(home), NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    return env


async def run_cli(argv: list[str], env: dict[str, str], cwd: Path) -> CliRun:
    """Run a CLI on this event loop (the relay under test serves from the same loop)."""
    proc = await asyncio.create_subprocess_exec(
        *argv, cwd=cwd, env=env, stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), CLI_TIMEOUT)
    except TimeoutError:
        proc.kill()
        out, err = await proc.communicate()
        raise AssertionError(f"{argv[0]} did not finish within {CLI_TIMEOUT}s:\n"
                             f"{out.decode()[-2000:]}\n{err.decode()[-2000:]}") from None
    return CliRun(proc.returncode if proc.returncode is not None else -1,
                  out.decode(errors="replace"), err.decode(errors="replace"))


def reported_usage(rec: RecordedRequest) -> dict[str, Any]:
    """The usage a chat fake reported to the relay: the last non-null one it streamed."""
    found = None
    for payload in rec.events:
        if payload != b"[DONE]":
            found = json.loads(payload).get("usage") or found
    assert found is not None, "the fake streamed no usage (or did not stream)"
    return found
