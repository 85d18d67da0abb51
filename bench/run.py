"""`make bench`: RelayDesk against a bare pass-through relay, same box, same run.

Three processes per measurement — fast upstream, relay, load generator — all on 127.0.0.1, so
the relay under test gets the same CPU share as the floor it is compared with. Both keep
connections alive, streams included. Prints a table and checks the targets (bench/README.md):

- RelayDesk >= 0.8 x the bare relay's requests/s at concurrency 50, non-stream and stream,
- <= 0.3 ms added over the bare relay at concurrency 1,
- relaying a 1 GB stream grows the relay's RSS by <= 5 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import ExitStack
from pathlib import Path

import psutil

from bench.fast_upstream import BIG_CHUNK_CHARS

PY = sys.executable
ROOT = Path(__file__).resolve().parent.parent
BODY = {"model": "bench", "max_tokens": 64, "messages": [{"role": "user", "content": "hi"}]}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_port(port: int, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise RuntimeError(f"nothing listening on {port}")


def spawn(stack: ExitStack, args: list[str], env: dict[str, str] | None = None
          ) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop() -> None:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
    stack.callback(stop)
    return proc


def relaydesk(data_dir: Path, *args: str, stdin: str | None = None) -> str:
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
    env.pop("DATABASE_URL", None)
    out = subprocess.run([PY, "-m", "app", "--data-dir", str(data_dir), *args], cwd=ROOT,
                         env=env, input=stdin, capture_output=True, text=True, check=True)
    return out.stdout


def start_relaydesk(stack: ExitStack, data: Path, upstream: str, port: int
                    ) -> tuple[subprocess.Popen[bytes], str]:
    """`relaydesk serve` on a fresh SQLite data dir with one user, price, provider and key,
    forwarding to ``upstream``; returns the process and the user's API key."""
    relaydesk(data, "user", "add", "bench", "--email", "bench@example.com")
    relaydesk(data, "recharge", "bench", "100000000")
    relaydesk(data, "price", "set", "bench", "--input", "1", "--output", "2")
    relaydesk(data, "provider", "add", "fast", "--kind", "openai", "--base-url", upstream,
              "--models", "bench")
    key = json.loads(relaydesk(data, "--json", "key", "create", "bench"))["key"]
    proc = spawn(stack, [PY, "-m", "app", "--data-dir", str(data), "serve", "--host",
                         "127.0.0.1", "--port", str(port)],
                 env={"RELAYDESK_PROVIDER_KEY_FAST": "bench",
                      "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"})
    return proc, key


def load(url: str, *, key: str | None, concurrency: int, seconds: float, stream: bool,
         body: dict | None = None, requests: int | None = None) -> dict:  # type: ignore[type-arg]
    args = [PY, "-m", "bench.loadgen", "--url", url, "--concurrency", str(concurrency),
            "--body", json.dumps(body or BODY)]
    args += ["--requests", str(requests)] if requests else ["--duration", str(seconds)]
    if key:
        args += ["--header", f"Authorization: Bearer {key}"]
    if stream:
        args.append("--stream")
    out = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def rss_growth(pid: int, run) -> tuple[int, dict]:  # type: ignore[no-untyped-def, type-arg]
    """Peak RSS growth of process ``pid`` while ``run()`` executes."""
    proc = psutil.Process(pid)
    baseline = proc.memory_info().rss
    peak = baseline
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, proc.memory_info().rss)
            time.sleep(0.02)
    thread = threading.Thread(target=sample)
    thread.start()
    try:
        result = run()
    finally:
        done.set()
        thread.join()
    return peak - baseline, result


def main() -> int:
    parser = argparse.ArgumentParser(description="RelayDesk relay benchmark")
    parser.add_argument("--seconds", type=float, default=3.0, help="per measurement and round")
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (medians)")
    parser.add_argument("--c1-seconds", type=float, default=1.5,
                        help="per concurrency-1 measurement and round")
    parser.add_argument("--c1-rounds", type=int, default=10,
                        help="interleaved concurrency-1 rounds: many short ones, because this "
                             "VM's slow spells shift single-request latency by a millisecond")
    parser.add_argument("--big-bytes", type=int, default=1024 ** 3, help="big stream size")
    parser.add_argument("--json", action="store_true", help="print the raw results as JSON")
    args = parser.parse_args()

    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        up_port, bare_port, rd_port = free_port(), free_port(), free_port()
        spawn(stack, [PY, "-m", "bench.fast_upstream", "--port", str(up_port)])
        wait_port(up_port)
        upstream = f"http://127.0.0.1:{up_port}/v1"
        bare = spawn(stack, [PY, "-m", "bench.bare_relay", "--port", str(bare_port),
                             "--upstream", upstream])
        rd, key = start_relaydesk(stack, Path(tmp) / "data", upstream, rd_port)
        for port in (bare_port, rd_port):
            wait_port(port)
        targets = {"bare": (f"http://127.0.0.1:{bare_port}/v1/chat/completions", None),
                   "relaydesk": (f"http://127.0.0.1:{rd_port}/v1/chat/completions", key)}
        results: dict[str, list[dict]] = {}  # type: ignore[type-arg]
        for url, k in targets.values():  # warm up connections, caches, JIT-free paths
            load(url, key=k, concurrency=8, seconds=1.0, stream=False)
        # Rounds alternate bare and RelayDesk, so a slow spell of a shared machine hits both
        # sides of a comparison; the report takes the median round.
        for stream in (False, True):
            for concurrency in (1, 50):
                rounds, seconds = ((args.c1_rounds, args.c1_seconds) if concurrency == 1
                                   else (args.rounds, args.seconds))
                for _ in range(rounds):
                    for name, (url, k) in targets.items():
                        label = f"{name} {'stream' if stream else 'json'} c={concurrency}"
                        res = load(url, key=k, concurrency=concurrency, seconds=seconds,
                                   stream=stream)
                        results.setdefault(label, []).append(res)
                        print(f"  measured {label}: {res['rps']:.0f} req/s", file=sys.stderr)
        # A limit above the big stream's deltas: RelayDesk ends a stream that sends more text
        # deltas than its max_tokens (each is at least one token).
        big_body = dict(BODY, bench_bytes=args.big_bytes,
                        max_tokens=args.big_bytes // BIG_CHUNK_CHARS + 1000)
        memory = {}
        for name, proc in (("bare", bare), ("relaydesk", rd)):
            url, k = targets[name]
            growth, res = rss_growth(proc.pid, lambda url=url, k=k: load(
                url, key=k, concurrency=1, seconds=0, stream=True, body=big_body, requests=1))
            memory[name] = {"rss_growth_mb": growth / 2 ** 20, "mb_per_s": res.get("mb_per_s"),
                            "errors": res.get("errors")}
        report(results, memory, args.big_bytes)
        if args.json:
            print(json.dumps({"load": results, "memory": memory}, indent=2))
    return 0


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def report(results: dict, memory: dict, big: int) -> None:  # type: ignore[type-arg]
    print(f"\n{'measurement (median round)':28} {'req/s':>9} {'mean ms':>9} {'p50 ms':>8} "
          f"{'p99 ms':>8} {'errors':>7}")
    for label, rounds in results.items():
        print(f"{label:28} {_median([r['rps'] for r in rounds]):9.0f} "
              f"{_median([r['mean_ms'] for r in rounds]):9.3f} "
              f"{_median([r['p50_ms'] for r in rounds]):8.3f} "
              f"{_median([r['p99_ms'] for r in rounds]):8.3f} "
              f"{sum(r['errors'] for r in rounds):7d}")
    print()
    for mode in ("json", "stream"):
        ratios = [rd["rps"] / bare["rps"] for rd, bare in zip(
            results[f"relaydesk {mode} c=50"], results[f"bare {mode} c=50"], strict=True)]
        added = [rd["mean_ms"] - bare["mean_ms"] for rd, bare in zip(
            results[f"relaydesk {mode} c=1"], results[f"bare {mode} c=1"], strict=True)]
        print(f"{mode:6}: throughput at c=50 = {_median(ratios):.2f} x bare (target >= 0.8)   "
              f"added latency at c=1 = {_median(added):.3f} ms (target <= 0.3)")
        print(f"        rounds: {', '.join(f'{r:.2f}' for r in ratios)} x   "
              f"{', '.join(f'{a:+.3f}' for a in added)} ms")
    for name, m in memory.items():
        print(f"{big / 2 ** 30:.1f} GiB stream through {name:9}: RSS +{m['rss_growth_mb']:.1f} MB "
              f"at {m['mb_per_s'] or 0:.0f} MB/s, errors {m['errors']} (target <= 5 MB)")


if __name__ == "__main__":
    raise SystemExit(main())
