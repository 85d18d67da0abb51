"""The official Node `openai` client against the relay: chat, streaming chat, model list, billing.

The client is pinned in tests/relay/node/package.json (+ package-lock.json) and installed with
`npm ci` once per test session. Without node/npm the tests skip loudly (fail with CI=true).
"""

import asyncio
import json
import os
import shutil
from pathlib import Path

import pytest

from tests.helpers.npm import npm_ci

NODE_DIR = Path(__file__).parent / "node"
SCRIPT = NODE_DIR / "chat.mjs"
NPM_TIMEOUT = 300
SCRIPT_TIMEOUT = 60


@pytest.fixture(scope="session")
def node_sdk() -> Path:
    """`npm ci` into tests/relay/node/node_modules, once per session; returns the node binary."""
    npm_ci(NODE_DIR, needed_for="the Node openai SDK tests", timeout=NPM_TIMEOUT)
    assert (NODE_DIR / "node_modules" / "openai" / "package.json").is_file()
    node = shutil.which("node")
    assert node is not None
    return Path(node)


async def run_script(node: Path, base_url: str, key: str, model: str = "m1") -> dict:
    """Run chat.mjs on this event loop (the relay under test serves from the same loop)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("OPENAI_")}
    env.update(RELAY_BASE_URL=base_url, RELAY_API_KEY=key, RELAY_MODEL=model,
               NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    proc = await asyncio.create_subprocess_exec(
        str(node), str(SCRIPT), cwd=NODE_DIR, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(proc.communicate(), SCRIPT_TIMEOUT)
    except TimeoutError:
        proc.kill()
        await proc.wait()
        raise AssertionError(f"chat.mjs did not finish within {SCRIPT_TIMEOUT}s") from None
    assert proc.returncode == 0, f"chat.mjs exited {proc.returncode}:\n{err.decode()[-3000:]}"
    return json.loads(out.decode().strip().splitlines()[-1])


@pytest.mark.parametrize("kind", ["deepseek", "zhipu", "openai"])
async def test_node_openai_sdk_chat_stream_models_and_billing(make_relay, node_sdk: Path,
                                                              kind: str) -> None:
    h = await make_relay((kind,))
    h.upstreams[kind].scenario.prompt_tokens = 40
    before = h.balance()

    summary = await run_script(node_sdk, h.base_url, h.key)

    assert summary["text"] == "Hello there!"
    assert summary["finishReason"] == "stop"
    assert summary["usage"]["prompt_tokens"] == 40
    assert summary["streamText"] == "Hello there!"
    assert summary["streamChunks"] >= 3
    assert summary["streamUsage"] is not None and summary["streamUsage"]["prompt_tokens"] == 40
    assert summary["models"] == [{"id": "m1", "object": "model",
                                  "created": summary["models"][0]["created"]}]
    assert isinstance(summary["models"][0]["created"], int)

    await h.settle()
    logs = h.logs()
    assert [(log.stream, log.status) for log in logs] == [(False, 200), (True, 200)]
    assert all(log.user_agent and log.user_agent.startswith("OpenAI/JS") for log in logs)
    assert all(log.prompt_tokens == 40 and not log.estimated for log in logs)
    spent = before - h.balance()
    assert spent > 0 and spent == sum(log.cost_micros for log in logs)
    h.assert_ledger_consistent()


async def test_node_openai_sdk_reports_bad_key(make_relay, node_sdk: Path) -> None:
    h = await make_relay()
    with pytest.raises(AssertionError, match=r"HTTP 401"):
        await run_script(node_sdk, h.base_url, "sk-rd-not-a-key")
    await h.settle()
    assert h.upstreams["deepseek"].requests == []
