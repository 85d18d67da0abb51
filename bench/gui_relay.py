"""`python -m bench.gui_relay`: the desktop's window and relay do not hold each other up.

The app runs its relay in a child process (gui/relay_process.py); ``--relay thread`` measures
the earlier design, a relay thread in the window's process. Measured on a 1,000,000-row
request_log (bench.gui_logs' generator), the real Backend and pages, offscreen:

- relay p99 latency at c=20 while the window pages through the request logs and redraws the
  dashboard, against the same load with the window idle (target: within 2 ms);
- the window's event-loop lag (how late a 10 ms timer fires) while the relay serves c=50
  (target: under 50 ms).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from bench.run import BODY, PY, ROOT, free_port, spawn, wait_port


async def _load(url: str, key: str, concurrency: int, seconds: float) -> dict[str, Any]:
    """bench.loadgen in a child process, awaited without blocking the window's loop."""
    proc = await asyncio.create_subprocess_exec(
        PY, "-m", "bench.loadgen", "--url", url, "--concurrency", str(concurrency),
        "--duration", str(seconds), "--body", json.dumps(BODY),
        "--header", f"Authorization: Bearer {key}", cwd=ROOT, stdout=subprocess.PIPE)
    out, _ = await proc.communicate()
    return dict(json.loads(out))


async def _busy_window(pages: Any, until: asyncio.Future[Any]) -> int:
    """Page through the logs and redraw the dashboard, over and over, until ``until``."""
    logs, dashboard = pages
    rounds = 0
    while not until.done():
        bar = logs.view.verticalScrollBar()
        bar.setValue(bar.maximum())  # the view asks for the next 500 rows
        await logs.model.wait_idle()
        logs.view.viewport().repaint()
        await dashboard.refresh(force=True)
        dashboard.repaint()
        rounds += 1
    return rounds


async def _spin(pages: Any, until: asyncio.Future[Any]) -> int:
    """``--hog``: instead of the window's work, a process that only spins (CPU, nothing else)."""
    hog = await asyncio.create_subprocess_exec(PY, "-c", "while True: pass")
    try:
        await until
    finally:
        hog.kill()
        await hog.wait()
    return 0


async def _lag_while(load: asyncio.Future[Any]) -> float:
    """The latest a 10 ms timer of the window's loop fired while ``load`` ran (ms)."""
    from PySide6.QtCore import QTimer

    worst = 0.0
    last = time.perf_counter()

    def tick() -> None:
        nonlocal worst, last
        now = time.perf_counter()
        worst = max(worst, (now - last) * 1000 - 10)
        last = now

    timer = QTimer()
    timer.setInterval(10)
    timer.timeout.connect(tick)
    timer.start()
    await load
    timer.stop()
    return worst


async def measure(data_dir: Path, upstream: str, seconds: float, *,
                  relay_process: bool, hog: bool = False) -> dict[str, float]:
    """The app's Backend and pages, with its relay in a child process (as the app runs it) or
    on a thread of the window's process (the earlier design, for comparison)."""
    from app import accounts, apikeys, pricing, providers, recharges, runtime, settings
    from gui.backend import Backend
    from gui.pages.dashboard import DashboardPage
    from gui.pages.logs import LogsPage

    cfg = runtime.start(data_dir, environ={})
    accounts.add_user("bench-client", "bench@example.com")
    recharges.recharge("bench-client", 10**15)
    pricing.set_price("bench", "1", "2")
    providers.add_provider("fast", "openai", models=["bench"], base_url=upstream)
    _, key = apikeys.create_key("bench-client")
    settings.set("relay_host", "127.0.0.1")
    settings.set("relay_port", free_port())
    backend = Backend(cfg, relay_process=relay_process)
    assert await backend.start_relay(), backend.relay_error
    url = backend.relay_urls()[0] + "/chat/completions"
    logs, dashboard = LogsPage(backend), DashboardPage(backend)
    for page in (logs, dashboard):
        page.resize(1280, 800)
        page.show()
    await logs.reload()
    await dashboard.refresh(force=True)
    r: dict[str, float] = {}
    await _load(url, key, 8, 1.0)  # warm up
    quiet = await _load(url, key, 20, seconds)
    load = asyncio.ensure_future(_load(url, key, 20, seconds))
    rounds = await (_spin if hog else _busy_window)((logs, dashboard), load)
    busy = load.result()
    r["quiet_p99_ms"], r["busy_p99_ms"] = quiet["p99_ms"], busy["p99_ms"]
    r["quiet_rps"], r["busy_rps"], r["gui_rounds"] = quiet["rps"], busy["rps"], float(rounds)
    r["rows_loaded"] = float(logs.model.rowCount())
    heavy = asyncio.ensure_future(_load(url, key, 50, seconds))
    r["lag_ms"] = await _lag_while(heavy)
    r["c50_rps"] = heavy.result()["rps"]
    for page in (logs, dashboard):
        page.close()
    await backend.close()
    return r


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--seconds", type=float, default=5.0, help="per load phase")
    parser.add_argument("--relay", choices=("process", "thread"), default="process",
                        help="the relay as the app runs it (a child process), or on a thread")
    parser.add_argument("--hog", action="store_true",
                        help="a process that only spins instead of the window's work: how much "
                             "of the p99 growth is plain CPU share")
    args = parser.parse_args()

    import qasync
    from PySide6.QtWidgets import QApplication

    with ExitStack() as stack, tempfile.TemporaryDirectory(prefix="relaydesk-bench-") as tmp:
        data_dir = Path(tmp)
        built = subprocess.run([PY, "-m", "bench.gui_logs", "--rows", str(args.rows),
                                "--build-only", str(data_dir)], cwd=ROOT, check=True,
                               capture_output=True, text=True)
        print(f"built {args.rows:,} request_log rows in {float(built.stdout):.1f} s")
        up_port = free_port()
        spawn(stack, [PY, "-m", "bench.fast_upstream", "--port", str(up_port)])
        wait_port(up_port)
        app = QApplication.instance() or QApplication(sys.argv[:1])
        assert isinstance(app, QApplication)
        app.setQuitOnLastWindowClosed(False)
        with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
            r = runner.run(measure(data_dir, f"http://127.0.0.1:{up_port}/v1", args.seconds,
                                   relay_process=args.relay == "process", hog=args.hog))
    added = r["busy_p99_ms"] - r["quiet_p99_ms"]
    print(f"relay c=20, window idle:  p99 {r['quiet_p99_ms']:7.2f} ms  ({r['quiet_rps']:.0f} "
          f"req/s)")
    print(f"relay c=20, window busy:  p99 {r['busy_p99_ms']:7.2f} ms  ({r['busy_rps']:.0f} "
          f"req/s; {r['gui_rounds']:.0f} scroll + dashboard rounds, {r['rows_loaded']:,.0f} "
          f"rows loaded)")
    print(f"  p99 added by the window's work: {added:+.2f} ms (target <= 2 ms)")
    print(f"window loop lag while the relay serves c=50 ({r['c50_rps']:.0f} req/s): "
          f"{r['lag_ms']:.1f} ms (target < 50 ms)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
