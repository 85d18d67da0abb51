"""`python -m bench.purge`: purge 1,000,000 old request logs while a real relay keeps serving.

Builds a temp SQLite database: ``--rows`` request_log rows from 190 to 100 days ago (past the
90-day retention) and ``--recent`` rows from the last 30 days (kept), bulk-inserted in SQLite
(see :mod:`bench.gui_logs`). Starts the real relay app in this process on 127.0.0.1, and a
load generator in its own thread (own event loop) keeps ``--concurrency`` clients calling
``GET /healthz`` -- which pings the database through the relay's DatabaseExecutor, the same
single SQLite thread the purge batches run on, so any stall shows up as latency.

Measures a quiet baseline, then runs the purge exactly as the relay's daily job does
(:func:`relay.jobs.purge_async` on the relay's executor, one batch per executor call) and
prints the purge time, the longest request (max latency) and the longest gap between answers
during the purge, and how many requests were served meanwhile. Checks that exactly the old rows
went; asserts no timing targets.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import math
import tempfile
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import aiohttp

from bench.gui_logs import USERNAMES, fill_logs, make_users

NOW = datetime(2026, 6, 1, 12, 0, 0)  # the clock the purge runs at
HOST = "127.0.0.1"


def build(data_dir: Path, old: int, recent: int) -> float:
    from app import db, runtime

    cfg = runtime.start(data_dir, environ={})
    users = make_users(USERNAMES)
    db.close_database()
    took = fill_logs(cfg.sqlite_path, old, users, end=NOW - timedelta(days=100), days=90)
    took += fill_logs(cfg.sqlite_path, recent, users, end=NOW, days=30)
    return took


class Load:
    """Clients calling GET /healthz back to back, in a thread with its own event loop."""

    def __init__(self, url: str, concurrency: int) -> None:
        self.url, self.concurrency = url, concurrency
        self.samples: list[tuple[float, float, int]] = []  # (start, end, status), perf_counter
        self._stop = threading.Event()
        self._thread = threading.Thread(target=lambda: asyncio.run(self._main()),
                                        name="bench-load", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)

    async def _main(self) -> None:
        connector = aiohttp.TCPConnector(limit=0)
        async with aiohttp.ClientSession(connector=connector) as session:
            await asyncio.gather(*(self._worker(session) for _ in range(self.concurrency)))

    async def _worker(self, session: aiohttp.ClientSession) -> None:
        while not self._stop.is_set():
            started = time.perf_counter()
            async with session.get(self.url) as response:
                await response.read()
                status = response.status
            self.samples.append((started, time.perf_counter(), status))

    def window(self, start: float, end: float) -> dict[str, float]:
        """Requests that started in [start, end): count, latency percentiles, longest gap
        between two consecutive answers (what a client waiting on the relay feels)."""
        inside = [(s, e, code) for s, e, code in list(self.samples) if start <= s < end]
        latencies = sorted(e - s for s, e, _ in inside)
        ends = sorted(e for _, e, _ in inside)
        gaps = [b - a for a, b in itertools.pairwise(ends)]

        def pct(p: float) -> float:
            if not latencies:
                return 0.0
            return latencies[max(0, min(len(latencies) - 1,
                                        math.ceil(p / 100 * len(latencies)) - 1))] * 1000

        return {"requests": len(inside), "errors": sum(1 for *_, c in inside if c != 200),
                "per_s": len(inside) / (end - start) if end > start else 0.0,
                "p50_ms": pct(50), "p99_ms": pct(99), "max_ms": pct(100),
                "longest_gap_ms": max(gaps, default=0.0) * 1000}


async def measure(data_dir: Path, *, batch: int, rest: float, concurrency: int,
                  baseline_s: float) -> dict[str, object]:
    from app import clock, retention, runtime
    from app.models import AuditEvent, RequestLog
    from relay import jobs
    from relay.server import RelayServer

    runtime.start(data_dir, environ={})
    # The relay purges at start-up: let that run see nothing old yet, then move to NOW.
    current = [NOW - timedelta(days=150)]
    clock.set_clock(lambda: current[0])
    server = RelayServer(HOST, 0)
    await server.start()
    dbx = server.state.dbx
    try:
        async with asyncio.timeout(60):
            while not await dbx.run(lambda: AuditEvent.select().where(
                    AuditEvent.action == retention.AUDIT_ACTION).exists()):
                await asyncio.sleep(0.05)
        current[0] = NOW
        total_before = await dbx.run(RequestLog.select().count)
        t0 = time.perf_counter()
        plan = await dbx.run(retention.plan)
        plan_s = time.perf_counter() - t0

        load = Load(f"http://{HOST}:{server.port}/healthz", concurrency)
        load.start()
        await asyncio.sleep(0.5)  # warm up
        base_start = time.perf_counter()
        await asyncio.sleep(baseline_s)
        base_end = purge_start = time.perf_counter()
        result = await jobs.purge_async(dbx.run, batch=batch, rest=rest)
        purge_end = time.perf_counter()
        await asyncio.sleep(0.2)
        await asyncio.to_thread(load.stop)  # joining on the loop would stall the relay
        left = await dbx.run(RequestLog.select().count)
    finally:
        await server.stop()
        clock.set_clock(None)
    assert result is not None and result.complete
    assert result.request_logs == plan.request_logs == total_before - left, (result, plan, left)
    return {"rows_before": total_before, "rows_deleted": result.request_logs, "rows_left": left,
            "batches": result.batches, "plan_s": plan_s, "purge_s": purge_end - purge_start,
            "baseline": load.window(base_start, base_end),
            "during": load.window(purge_start, purge_end)}


def report(r: dict[str, object], batch: int, rest: float, concurrency: int) -> None:
    base, during = r["baseline"], r["during"]
    assert isinstance(base, dict) and isinstance(during, dict)
    purge_s = float(r["purge_s"])  # type: ignore[arg-type]
    deleted = int(r["rows_deleted"])  # type: ignore[call-overload]
    print(f"request_log rows: {r['rows_before']:,} before, {deleted:,} deleted, "
          f"{r['rows_left']:,} left")
    print(f"plan (counting): {float(r['plan_s']) * 1000:.0f} ms")  # type: ignore[arg-type]
    print(f"purge: {purge_s:.2f} s in {r['batches']} batches of {batch:,}, rest {rest:g} x "
          f"batch time between batches ({deleted / purge_s:,.0f} rows/s)")
    print(f"GET /healthz, {concurrency} clients back to back:")
    for label, w in (("baseline", base), ("during purge", during)):
        print(f"  {label:13} {w['requests']:>7,} requests ({w['per_s']:,.0f}/s, "
              f"{w['errors']} errors)  p50 {w['p50_ms']:.2f} ms  p99 {w['p99_ms']:.2f} ms  "
              f"max {w['max_ms']:.1f} ms  longest gap between answers "
              f"{w['longest_gap_ms']:.1f} ms")


def main(argv: list[str] | None = None) -> int:
    from relay.jobs import RELAY_BATCH, REST

    parser = argparse.ArgumentParser(prog="python -m bench.purge", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rows", type=int, default=1_000_000, help="old request_log rows")
    parser.add_argument("--recent", type=int, default=50_000, help="recent rows (kept)")
    parser.add_argument("--batch", type=int, default=RELAY_BATCH,
                        help=f"rows per batch (default: the relay job's {RELAY_BATCH})")
    parser.add_argument("--rest", type=float, default=REST,
                        help=f"pause after each batch, times its duration (default {REST:g})")
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--baseline", type=float, default=3.0, help="seconds of quiet load")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="relaydesk-bench-purge-") as tmp:
        data_dir = Path(tmp) / "data"
        took = build(data_dir, args.rows, args.recent)
        print(f"built {args.rows:,} old + {args.recent:,} recent request_log rows in "
              f"{took:.1f} s ({data_dir})")
        result = asyncio.run(measure(data_dir, batch=args.batch, rest=args.rest,
                                     concurrency=args.concurrency, baseline_s=args.baseline))
        from app import db
        db.close_database()
    report(result, args.batch, args.rest, args.concurrency)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
