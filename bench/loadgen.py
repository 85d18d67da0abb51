"""Async load generator for relay benchmarks (127.0.0.1 targets only).

``concurrency`` workers each send one request after another, so throughput and latency are
measured under a fixed number of in-flight requests. A request counts as done when its whole body
has been read (streams included, discarded as they arrive so a 1 GB stream costs no memory).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import time
from collections import Counter
from typing import Any
from urllib.parse import urlsplit

import aiohttp

HOST = "127.0.0.1"


def _percentile(sorted_values: list[float], pct: float) -> float:
    """Nearest-rank percentile; 0.0 for no samples."""
    if not sorted_values:
        return 0.0
    rank = max(1, min(len(sorted_values), math.ceil(pct / 100 * len(sorted_values))))
    return sorted_values[rank - 1]


def _ms(values: list[float]) -> dict[str, float]:
    values = sorted(values)
    mean = sum(values) / len(values) if values else 0.0
    return {
        "mean": mean * 1000,
        "p50": _percentile(values, 50) * 1000,
        "p99": _percentile(values, 99) * 1000,
        "max": (values[-1] if values else 0.0) * 1000,
    }


async def run_load(
    url: str,
    headers: dict[str, str],
    body: dict[str, Any],
    concurrency: int,
    duration_s: float | None = None,
    n_requests: int | None = None,
    stream: bool = False,
    timeout_s: float = 300.0,
) -> dict[str, Any]:
    """Drive ``url`` with POSTs of ``body`` (``"stream"`` set from ``stream``).

    Stops after ``n_requests`` requests or, when only ``duration_s`` is given, stops starting new
    ones once it has elapsed. Returns requests/s, latency (mean/p50/p99/max ms), error counts and,
    for streams, time to first byte.
    """
    if urlsplit(url).hostname != HOST:
        raise ValueError("bench targets 127.0.0.1 only")
    if (duration_s is None) == (n_requests is None):
        raise ValueError("give exactly one of duration_s and n_requests")
    payload = json.dumps({**body, "stream": stream}).encode()
    send_headers = {"Content-Type": "application/json", **headers}
    latencies: list[float] = []
    first_bytes: list[float] = []
    errors: Counter[str] = Counter()
    received = 0
    remaining = n_requests
    started = time.perf_counter()
    deadline = started + duration_s if duration_s is not None else None

    def claim() -> bool:
        nonlocal remaining
        if remaining is not None:
            remaining -= 1
            return remaining >= 0
        return time.perf_counter() < deadline  # type: ignore[operator]

    timeout = aiohttp.ClientTimeout(total=None, sock_connect=timeout_s, sock_read=timeout_s)

    async def worker(session: aiohttp.ClientSession) -> None:
        nonlocal received
        while claim():
            t0 = time.perf_counter()
            try:
                async with session.post(url, data=payload, headers=send_headers,
                                        timeout=timeout) as resp:
                    first = True
                    async for chunk in resp.content.iter_any():
                        if first:
                            first_bytes.append(time.perf_counter() - t0)
                            first = False
                        received += len(chunk)
                    if resp.status >= 400:
                        errors[f"http_{resp.status}"] += 1
                        continue
            except (aiohttp.ClientError, TimeoutError) as exc:
                errors[type(exc).__name__] += 1
                continue
            latencies.append(time.perf_counter() - t0)

    # Keep-alive connections, no pool cap (the relays, not the pool, are what is measured).
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector, auto_decompress=False) as session:
        await asyncio.gather(*(worker(session) for _ in range(concurrency)))
    elapsed = time.perf_counter() - started

    latency = _ms(latencies)
    result: dict[str, Any] = {
        "requests": len(latencies),
        "errors": sum(errors.values()),
        "error_kinds": dict(errors),
        "elapsed_s": elapsed,
        "rps": len(latencies) / elapsed if elapsed else 0.0,
        "mean_ms": latency["mean"],
        "p50_ms": latency["p50"],
        "p99_ms": latency["p99"],
        "max_ms": latency["max"],
        "bytes": received,
        "mb_per_s": received / elapsed / 1e6 if elapsed else 0.0,
        "concurrency": concurrency,
        "stream": stream,
    }
    if stream:
        ttfb = _ms(first_bytes)
        result["ttfb_p50_ms"] = ttfb["p50"]
        result["ttfb_p99_ms"] = ttfb["p99"]
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:18002/v1/chat/completions")
    parser.add_argument("--header", action="append", default=[], help="'Name: value', repeatable")
    default_body = '{"model":"bench","messages":[{"role":"user","content":"hi"}]}'
    parser.add_argument("--body", default=default_body)
    parser.add_argument("--concurrency", type=int, default=32)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--duration", type=float)
    group.add_argument("--requests", type=int)
    parser.add_argument("--stream", action="store_true")
    args = parser.parse_args()
    headers = dict(h.split(":", 1) for h in args.header)
    headers = {k.strip(): v.strip() for k, v in headers.items()}
    duration = args.duration if args.duration is not None or args.requests is not None else 10.0
    result = asyncio.run(
        run_load(
            args.url,
            headers,
            json.loads(args.body),
            args.concurrency,
            duration_s=duration,
            n_requests=args.requests,
            stream=args.stream,
        )
    )
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
