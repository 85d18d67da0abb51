"""The README's Python snippet for trusting the relay's certificate runs as written, with the
official openai SDK, against a relay serving HTTPS with its self-signed certificate."""

import asyncio
import re
from pathlib import Path

from app import tls
from tests.relay.conftest import Harness

README = Path(__file__).resolve().parents[2] / "README.md"


def snippet() -> str:
    """The python block that trusts relaydesk-cert.pem, unindented."""
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), flags=re.S)
    (code,) = [b for b in blocks if "relaydesk-cert.pem" in b]
    lines = code.splitlines()
    indent = min(len(line) - len(line.lstrip()) for line in lines if line.strip())
    return "\n".join(line[indent:] for line in lines)


async def test_the_readme_https_snippet_runs_as_written(make_relay, sqlite_db, monkeypatch,
                                                        tmp_path: Path) -> None:
    plan = tls.resolve(sqlite_db, "127.0.0.1", "on")
    assert plan is not None
    h: Harness = await make_relay(tls=plan)
    (tmp_path / "relaydesk-cert.pem").write_bytes(plan.cert_file.read_bytes())  # handed out
    monkeypatch.chdir(tmp_path)
    code = snippet().replace("HOST:8765", f"127.0.0.1:{h.server.port}").replace("KEY", h.key)
    printed: list[object] = []
    scope: dict[str, object] = {"print": printed.append}
    compiled = compile(code, str(README), "exec")
    # The SDK's sync client blocks: run it beside the relay's loop, as a user's script would.
    try:
        await asyncio.to_thread(exec, compiled, scope)
    finally:
        if "client" in scope:
            await asyncio.to_thread(scope["client"].close)  # type: ignore[attr-defined]
    (models,) = printed
    assert [m.id for m in models.data] == ["m1"]  # type: ignore[attr-defined]
