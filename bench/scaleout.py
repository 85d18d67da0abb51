"""`python -m bench.scaleout`: requests/s of N = 1, 2, 3 `relaydesk serve` instances sharing one
PostgreSQL and one Redis (issue 19), beside one relay on SQLite, on the same box in the same run.

No load balancer runs in front: the load generator spreads its 50 connections round-robin over
the instances itself (17/17/16 for three), so what is measured is the relays, not a proxy.
Every instance is started once and stays up; a measurement loads the first N of them while the
others idle, and rounds alternate the configurations so a slow spell of a shared machine hits
all of them. Per round the CPU time of every process (psutil) is read, so the report can say
what the box's cores went to: the load generator, the fake upstream, PostgreSQL, Redis and
the relays all share them.

Two keys of one user: one with per-key limits (RPM, TPM, concurrency: set far above what the
run reaches, so nothing is refused but every request runs the shared-limit scripts in Redis)
and one without (Redis is then off the hot path). The figures go to bench/README.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import urllib.request
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psutil

from bench.loadgen import run_load
from bench.run import BODY, PY, ROOT, free_port, spawn, start_relaydesk, wait_port
from tests.helpers.postgres import PostgresServer, postgres_available
from tests.helpers.redis_server import RedisServer, redis_available

CONCURRENCY = 50
MAX_INSTANCES = 3
NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}
PROVIDER_KEY = {"RELAYDESK_PROVIDER_KEY_FAST": "bench"}
# Far above a minute of this box's traffic: counted on every request, never reached.
KEY_LIMITS = ("--rpm", "1000000", "--tpm", "1000000000", "--concurrency", "10000")


@dataclass
class Config:
    """One measured setup: which relays get the load, with which key."""

    label: str
    urls: list[str]
    key: str
    relays: list[str]  # names (in the process table) of the relays loaded
    rounds: list[list[dict[str, Any]]] = field(default_factory=list)  # per round, per relay
    cpu: dict[str, float] = field(default_factory=dict)  # process group -> CPU seconds
    elapsed: float = 0.0


def relaydesk_pg(database_url: str, data_dir: Path, *args: str) -> str:
    """The relaydesk CLI on the PostgreSQL database (bench/run.py's helper removes
    DATABASE_URL on purpose: its relay is the SQLite one)."""
    env = {**os.environ, **NO_KEYRING, "DATABASE_URL": database_url}
    out = subprocess.run([PY, "-m", "app", "--data-dir", str(data_dir), *args], cwd=ROOT,
                         env=env, capture_output=True, text=True, check=True)
    return out.stdout


def set_up_database(database_url: str, data_dir: Path, upstream: str) -> tuple[str, str, int]:
    """One user, price and provider; a key with limits and one without. Returns both keys and
    the limited key's id (its Redis entries are named by it)."""
    relaydesk_pg(database_url, data_dir, "user", "add", "bench", "--email", "bench@example.com")
    relaydesk_pg(database_url, data_dir, "recharge", "bench", "100000000")
    relaydesk_pg(database_url, data_dir, "price", "set", "bench", "--input", "1", "--output", "2")
    relaydesk_pg(database_url, data_dir, "provider", "add", "fast", "--kind", "openai",
                 "--base-url", upstream, "--models", "bench")
    limited = json.loads(relaydesk_pg(database_url, data_dir, "--json", "key", "create", "bench",
                                      "--name", "limited", *KEY_LIMITS))
    free = json.loads(relaydesk_pg(database_url, data_dir, "--json", "key", "create", "bench",
                                   "--name", "unlimited", "--rpm", "0", "--tpm", "0",
                                   "--concurrency", "0"))
    return limited["key"], free["key"], int(limited["id"])


def healthz(port: int) -> dict[str, Any]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as resp:
        body: dict[str, Any] = json.loads(resp.read())
    return body


# --- load and CPU --------------------------------------------------------------------------


def split(total: int, parts: int) -> list[int]:
    """``total`` connections over ``parts`` targets, round-robin (17/17/16 for 50 over 3)."""
    return [total // parts + (1 if i < total % parts else 0) for i in range(parts)]


async def _drive(urls: list[str], key: str, seconds: float) -> list[dict[str, Any]]:
    headers = {"Authorization": f"Bearer {key}"}
    return list(await asyncio.gather(*(
        run_load(url, headers, BODY, share, duration_s=seconds)
        for url, share in zip(urls, split(CONCURRENCY, len(urls)), strict=True))))


def drive(urls: list[str], key: str, seconds: float) -> list[dict[str, Any]]:
    """One load generator (this process) on every url at once; one result per url."""
    return asyncio.run(_drive(urls, key, seconds))


class Processes:
    """The processes whose CPU is read, by group; PostgreSQL's backends are the postmaster's
    children at the time of each reading (one per connection)."""

    def __init__(self) -> None:
        self.groups: dict[str, list[psutil.Process]] = {"load generator": [psutil.Process()]}
        self.postmaster: psutil.Process | None = None

    def add(self, group: str, pid: int) -> None:
        self.groups.setdefault(group, []).append(psutil.Process(pid))

    def _members(self) -> dict[str, list[psutil.Process]]:
        members = dict(self.groups)
        if self.postmaster is not None:
            members["postgresql"] = [self.postmaster, *self.postmaster.children(recursive=True)]
        return members

    def times(self) -> dict[str, dict[int, float]]:
        """CPU seconds (user + system) of each live process, by group and pid."""
        out: dict[str, dict[int, float]] = {}
        for group, procs in self._members().items():
            for proc in procs:
                try:
                    t = proc.cpu_times()
                except psutil.NoSuchProcess:
                    continue
                out.setdefault(group, {})[proc.pid] = t.user + t.system
        return out


def cpu_spent(before: dict[str, dict[int, float]], after: dict[str, dict[int, float]]
              ) -> dict[str, float]:
    """CPU seconds per group between two readings (processes present in both)."""
    return {group: sum(t - before.get(group, {}).get(pid, t) for pid, t in pids.items())
            for group, pids in after.items()}


def machine_busy() -> tuple[float, float]:
    """CPU seconds the whole machine was busy (every core, every program) and stolen by the
    hypervisor, since boot."""
    t = psutil.cpu_times()
    steal = getattr(t, "steal", 0.0)
    return sum(t) - t.idle - getattr(t, "iowait", 0.0) - steal, steal


def measure(config: Config, procs: Processes, seconds: float) -> None:
    """One round; CPU also of the machine as a whole, so the report can tell the cores the
    measured processes had from those other programs (or the hypervisor) took."""
    before, machine_before = procs.times(), machine_busy()
    results = drive(config.urls, config.key, seconds)
    after, machine_after = procs.times(), machine_busy()
    spent_by = cpu_spent(before, after)
    for group, spent in spent_by.items():
        config.cpu[group] = config.cpu.get(group, 0.0) + spent
    others = machine_after[0] - machine_before[0] - sum(spent_by.values())
    config.cpu["other programs"] = config.cpu.get("other programs", 0.0) + max(0.0, others)
    config.cpu["steal"] = config.cpu.get("steal", 0.0) + machine_after[1] - machine_before[1]
    config.elapsed += max(r["elapsed_s"] for r in results)
    config.rounds.append(results)
    shares = " + ".join(f"{r['rps']:.0f}" for r in results)
    print(f"  measured {config.label}: {sum(r['rps'] for r in results):.0f} req/s ({shares})",
          file=sys.stderr)


# --- what PostgreSQL and Redis hold ----------------------------------------------------------


def _pg_query(url: str, sql: str) -> list[tuple[Any, ...]]:
    import psycopg2  # type: ignore[import-untyped]

    conn = psycopg2.connect(url)
    try:
        with conn.cursor() as cur:
            cur.execute(sql)
            return list(cur.fetchall())
    finally:
        conn.close()


def pg_size(database_url: str) -> tuple[int, int]:
    """The database's size in bytes and its request-log rows (the growth per request)."""
    rows = _pg_query(database_url, "SELECT pg_database_size(current_database()), "
                                   "(SELECT count(*) FROM request_log)")
    return int(rows[0][0]), int(rows[0][1])


def pg_connections(server: PostgresServer, relay_pids: dict[str, int]) -> dict[str, Any]:
    """Connections to PostgreSQL: per relay (its TCP sockets to the server's port) and in
    total by application_name (pg_stat_activity)."""
    per_relay = {}
    for name, pid in relay_pids.items():
        conns = psutil.Process(pid).net_connections(kind="tcp")
        per_relay[name] = sum(1 for c in conns if c.raddr and c.raddr.port == server.port
                              and c.status == psutil.CONN_ESTABLISHED)
    rows = _pg_query(server.url, "SELECT coalesce(nullif(application_name, ''), '(none)'), "
                                 "count(*) FROM pg_stat_activity WHERE backend_type = "
                                 "'client backend' GROUP BY 1 ORDER BY 1")
    return {"per_relay": per_relay, "by_application": {name: int(n) for name, n in rows}}


def redis_footprint(url: str, key_id: int) -> dict[str, Any]:
    """The limited key's entries in Redis: members counted in its windows and their bytes."""
    import redis

    client = redis.Redis.from_url(url, socket_timeout=5)
    try:
        names = [f"relaydesk:lim:{{{key_id}}}:{part}" for part in ("req", "tok", "amt", "slots")]
        sizes = {name.rsplit(":", 1)[1]: int(client.memory_usage(name, samples=0) or 0)
                 for name in names}
        counted = int(client.zcard(names[0]))
        used = int(client.info("memory")["used_memory"])
    finally:
        client.close()
    total = sum(sizes.values())
    return {"bytes_by_part": sizes, "requests_in_window": counted, "bytes": total,
            "bytes_per_request": total / counted if counted else None,
            "redis_used_memory": used}


# --- the report ------------------------------------------------------------------------------


def _median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def _median_round(config: Config) -> list[dict[str, Any]]:
    return sorted(config.rounds, key=lambda rs: sum(r["rps"] for r in rs))[len(config.rounds)
                                                                            // 2]


def report(configs: list[Config], baseline: Config) -> None:
    base = _median([sum(r["rps"] for r in rs) for rs in baseline.rounds])
    print(f"\nnon-stream, c={CONCURRENCY} spread over the instances; median round of "
          f"{len(baseline.rounds)}")
    print(f"{'configuration':34} {'per instance req/s':>22} {'total':>7} {'× SQLite':>9} "
          f"{'p50 ms':>7} {'p99 ms':>7} {'errors':>6}")
    for config in configs:
        rounds = _median_round(config)
        total = _median([sum(r["rps"] for r in rs) for rs in config.rounds])
        errors = sum(r["errors"] for rs in config.rounds for r in rs)
        per = " / ".join(f"{r['rps']:.0f}" for r in rounds)
        p50 = max(r["p50_ms"] for r in rounds)
        p99 = max(r["p99_ms"] for r in rounds)
        print(f"{config.label:34} {per:>22} {total:7.0f} {total / base:9.2f} {p50:7.1f} "
              f"{p99:7.1f} {errors:6d}")
    groups = sorted({g for c in configs for g in c.cpu})
    print(f"\nCPU while loaded, in cores (of {psutil.cpu_count()}; all rounds), and µs of CPU "
          "per request:")
    print(f"{'configuration':34} " + " ".join(f"{g[:14]:>14}" for g in groups) + f" {'sum':>6}")
    for config in configs:
        cores = {g: config.cpu.get(g, 0.0) / config.elapsed for g in groups}
        print(f"{config.label:34} " + " ".join(f"{cores[g]:14.2f}" for g in groups)
              + f" {sum(cores.values()):6.2f}")
        requests = sum(r["requests"] for rs in config.rounds for r in rs)
        per_request = {g: config.cpu.get(g, 0.0) / requests * 1e6 for g in groups}
        print(f"{'  µs per request':34} " + " ".join(f"{per_request[g]:14.0f}" for g in groups)
              + f" {sum(per_request.values()):6.0f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement and round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians)")
    parser.add_argument("--json", action="store_true", help="also print the raw results")
    args = parser.parse_args()
    for reason in (postgres_available(), redis_available()):
        if reason is not None:  # `make bench` installs both (.ci/system-deps test)
            print(f"bench.scaleout: cannot run: {reason}", file=sys.stderr)
            return 1

    with ExitStack() as stack, tempfile.TemporaryDirectory() as tmp:
        procs = Processes()
        up_port = free_port()
        upstream = spawn(stack, [PY, "-m", "bench.fast_upstream", "--port", str(up_port)])
        procs.add("upstream", upstream.pid)
        wait_port(up_port)
        upstream_url = f"http://127.0.0.1:{up_port}/v1"

        sqlite_port = free_port()
        sqlite_relay, sqlite_key = start_relaydesk(stack, Path(tmp) / "sqlite", upstream_url,
                                                   sqlite_port)
        procs.add("relay sqlite", sqlite_relay.pid)

        pg = PostgresServer()
        pg.start()
        stack.callback(pg.stop)
        assert pg.tmpdir is not None
        procs.postmaster = psutil.Process(int(
            (pg.datadir / "postmaster.pid").read_text().split("\n", 1)[0]))
        database_url = pg.create_database("bench")
        rd = RedisServer()
        rd.start()
        stack.callback(rd.cleanup)
        assert rd.process is not None
        procs.add("redis", rd.process.pid)

        limited, unlimited, key_id = set_up_database(database_url, Path(tmp) / "cli",
                                                     upstream_url)
        ports = [free_port() for _ in range(MAX_INSTANCES)]
        relay_pids: dict[str, int] = {}
        for i, port in enumerate(ports, 1):
            proc = spawn(stack, [PY, "-m", "app", "--data-dir", str(Path(tmp) / f"relay{i}"),
                                 "serve", "--host", "127.0.0.1", "--port", str(port)],
                         env={**NO_KEYRING, **PROVIDER_KEY, "DATABASE_URL": database_url,
                              "REDIS_URL": rd.url})
            relay_pids[f"relay pg {i}"] = proc.pid
            procs.add(f"relay pg {i}", proc.pid)
        for port in (sqlite_port, *ports):
            wait_port(port)
        health = {port: healthz(port) for port in ports}
        for port, body in health.items():
            if body["database"] != "ok" or body["redis"] != "ok":
                print(f"bench.scaleout: relay on {port} is not healthy: {body}", file=sys.stderr)
                return 1

        def urls(n: int) -> list[str]:
            return [f"http://127.0.0.1:{p}/v1/chat/completions" for p in ports[:n]]

        sqlite = Config("SQLite, 1 relay", [f"http://127.0.0.1:{sqlite_port}/v1/chat/completions"],
                        sqlite_key, ["relay sqlite"])
        configs = [sqlite]
        configs += [Config(f"PostgreSQL+Redis, N={n}, key limits", urls(n), limited,
                           [f"relay pg {i}" for i in range(1, n + 1)]) for n in (1, 2, 3)]
        configs += [Config(f"PostgreSQL+Redis, N={n}, no limits", urls(n), unlimited,
                           [f"relay pg {i}" for i in range(1, n + 1)]) for n in (1, 3)]
        for config in configs:  # warm up connections and caches
            drive(config.urls, config.key, 1.0)
        load_before = os.getloadavg()[0]
        size_before = pg_size(database_url)
        for _ in range(args.rounds):
            for config in configs:
                measure(config, procs, args.seconds)
        connections = pg_connections(pg, relay_pids)
        size_after = pg_size(database_url)
        growth = ((size_after[0] - size_before[0]) / (size_after[1] - size_before[1])
                  if size_after[1] > size_before[1] else None)
        footprint = redis_footprint(rd.url, key_id)
        jobs = {port: healthz(port)["jobs"] for port in ports}
        rss = {name: psutil.Process(pid).memory_info().rss // 2 ** 20
               for name, pid in relay_pids.items()}

        report(configs, sqlite)
        # Other programs' load skews every figure: say how busy the box was.
        print(f"\nload average (1 min) before / after the rounds: {load_before:.1f} / "
              f"{os.getloadavg()[0]:.1f} on {psutil.cpu_count()} cores")
        print(f"\nPostgreSQL connections per relay: {connections['per_relay']}; by "
              f"application_name: {connections['by_application']}")
        print(f"run-once jobs held, per relay port: {jobs}")
        print(f"relay RSS after the rounds, MiB: {rss}")
        print(f"PostgreSQL database growth: {size_after[0] - size_before[0]} bytes for "
              f"{size_after[1] - size_before[1]} logged requests"
              + (f" ({growth:.0f} bytes each)" if growth else ""))
        per = footprint["bytes_per_request"]
        print(f"Redis, the limited key: {footprint['requests_in_window']} requests in its "
              f"1-minute window take {footprint['bytes']} bytes "
              f"({per:.0f} bytes each; by part {footprint['bytes_by_part']}); Redis "
              f"used_memory {footprint['redis_used_memory']} bytes" if per else
              f"Redis, the limited key: nothing counted ({footprint})")
        if args.json:
            print(json.dumps({"configs": [{"label": c.label, "rounds": c.rounds, "cpu": c.cpu,
                                           "elapsed": c.elapsed} for c in configs],
                              "connections": connections, "redis": footprint, "jobs": jobs,
                              "rss_mib": rss, "database_bytes_per_request": growth},
                             indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
