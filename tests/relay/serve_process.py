"""Run `relaydesk serve` as a real child process (for crash, signal and multi-process tests).

Uses asyncio subprocesses: the tests' fake upstream runs on the same event loop, so a blocking
``subprocess.run`` would deadlock it.
"""

import asyncio
import os
import re
import signal
import sys
from collections.abc import Callable
from pathlib import Path

import aiohttp

from app import accounts, apikeys, keystore, pricing, providers, recharges
from tests.helpers.fake_upstream import FakeUpstream

LISTEN_RE = re.compile(r"listening on (https?://\S+)")


def provision(up: FakeUpstream, balance_micros: int) -> tuple[str, dict[str, str]]:
    """User alice with ``balance_micros`` and model m1, priced, served by ``up``; returns her
    API key and the environment that gives a serve process ``up``'s key (it has no keyring)."""
    accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", balance_micros)
    pricing.set_price("m1", "2", "8", "0.5")
    providers.add_provider("up", up.kind, models=["m1"], base_url=up.base_url)
    _, key = apikeys.create_key("alice")
    return key, {keystore.env_var_name("up"): up.api_key}


class ServeProcess:
    def __init__(self, data_dir: Path, *, env: dict[str, str] | None = None,
                 args: tuple[str, ...] = (),
                 preexec_fn: Callable[[], None] | None = None) -> None:
        self.data_dir = data_dir
        self.args = args  # more `serve` options, e.g. ("--tls", "on")
        self.preexec_fn = preexec_fn  # runs in the child before exec (e.g. a lower fd limit)
        self.env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
                    **(env or {})}
        self.proc: asyncio.subprocess.Process | None = None
        self.base_url = ""
        self.output: list[str] = []

    async def start(self, timeout: float = 30.0) -> "ServeProcess":
        self.proc = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "app", "--data-dir", str(self.data_dir), "serve",
            "--host", "127.0.0.1", "--port", "0", *self.args, env=self.env,
            stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
            preexec_fn=self.preexec_fn)
        assert self.proc.stdout is not None
        async with asyncio.timeout(timeout):
            while True:
                line = (await self.proc.stdout.readline()).decode()
                if not line:
                    raise RuntimeError("serve exited early:\n" + "".join(self.output))
                self.output.append(line)
                match = LISTEN_RE.search(line)
                if match:
                    self.base_url = match.group(1)
                    break
        self._drain = asyncio.create_task(self._read_rest())
        return self

    async def _read_rest(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        async for line in self.proc.stdout:
            self.output.append(line.decode())

    async def signal(self, sig: int) -> int:
        """Send ``sig`` and wait for the exit code."""
        assert self.proc is not None
        self.proc.send_signal(sig)
        code = await asyncio.wait_for(self.proc.wait(), timeout=30)
        await self._drain
        return code

    async def kill(self) -> None:
        await self.signal(signal.SIGKILL)

    async def stop(self) -> None:
        if self.proc is not None and self.proc.returncode is None:
            await self.signal(signal.SIGTERM)


async def chat_status(session: "aiohttp.ClientSession", base_url: str, key: str,
                      body: dict) -> int:  # type: ignore[type-arg]
    """POST one chat completion to a relay; its status, the answer read whole."""
    async with session.post(f"{base_url}/chat/completions", json=body,
                            headers={"Authorization": f"Bearer {key}"}) as resp:
        await resp.read()
        return resp.status
