"""`make bench`, last part: RelayDesk against LiteLLM's proxy, same box, same fake upstream.

Installs LiteLLM's proxy into its own venv (bench/.venv-litellm) the first time, then measures
non-stream requests/s at concurrency 50 for both, rounds alternating, and checks the target of
bench/README.md (RelayDesk >= 30 x LiteLLM). LiteLLM is a comparison, not a dependency: when it
cannot be installed or started, this says why and exits 0, so `make bench` still passes.

Only loopback targets; LiteLLM runs with no database, a master key made for the run (it refuses to
start without one; requests send it, as RelayDesk's send a user's key), and its bundled model cost
map, so nothing reaches the internet at run time.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack
from pathlib import Path

from bench.run import BODY, PY, ROOT, free_port, load, spawn, start_relaydesk, wait_port

# The version the target in bench/README.md was set against; pinned so the comparison does not
# move under us and no unvetted release is pulled in by a benchmark.
LITELLM = "litellm[proxy]==1.106.12"
VENV = ROOT / "bench" / ".venv-litellm"
STAMP = VENV / ".installed"
TARGET = 30.0
LITELLM_ENV = {
    "LITELLM_LOCAL_MODEL_COST_MAP": "True",  # else it downloads the cost map at import
    "LITELLM_LOG": "ERROR",
    "LITELLM_MODE": "PRODUCTION",  # do not read a .env file from the working directory
    "NO_PROXY": "127.0.0.1,localhost",
}


def install() -> str | None:
    """Make the LiteLLM venv if it is not there yet; None when ready, else why not."""
    if STAMP.exists() and STAMP.read_text() == LITELLM:
        return None
    started = time.monotonic()
    print(f"LiteLLM: installing {LITELLM} into {VENV.relative_to(ROOT)} ...", file=sys.stderr)
    steps = [[PY, "-m", "venv", str(VENV)],
             [str(VENV / "bin" / "python"), "-m", "pip", "install", "--quiet",
              "--disable-pip-version-check", LITELLM]]
    for step in steps:
        try:
            out = subprocess.run(step, capture_output=True, text=True, timeout=1800)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return str(exc)
        if out.returncode != 0:
            lines = (out.stderr or out.stdout).strip().splitlines()
            return lines[-1] if lines else f"exit {out.returncode}"
    STAMP.write_text(LITELLM)
    print(f"LiteLLM: installed in {time.monotonic() - started:.0f} s", file=sys.stderr)
    return None


def litellm_config(path: Path, upstream: str) -> None:
    """One model "bench" on the fake upstream, priced like RelayDesk's, so no lookup misses."""
    config = {
        "model_list": [{
            "model_name": "bench",
            "litellm_params": {"model": "openai/bench", "api_base": upstream, "api_key": "bench"},
            "model_info": {"input_cost_per_token": 1e-6, "output_cost_per_token": 2e-6},
        }],
        "general_settings": {"disable_spend_logs": True},
    }
    path.write_text(json.dumps(config))  # JSON is YAML; no YAML writer needed here


def check(url: str, key: str | None) -> str | None:
    """One request before measuring: None if it answers 200, else what it answered."""
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    req = urllib.request.Request(url, json.dumps(BODY).encode(), headers)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            resp.read()
            return None
    except urllib.error.HTTPError as exc:
        return f"HTTP {exc.code}: {exc.read()[:300]!r}"
    except OSError as exc:
        return str(exc)


def wait_started(proc: subprocess.Popen[bytes], port: int, timeout: float) -> bool:
    """Wait for ``port`` while ``proc`` runs: False as soon as it exits, or after ``timeout``."""
    deadline = time.monotonic() + timeout
    while proc.poll() is None and time.monotonic() < deadline:
        try:
            wait_port(port, timeout=1.0)
            return True
        except RuntimeError:
            pass
    return False


def log_tail(path: Path, lines: int = 5) -> str:
    text = path.read_text(errors="replace").strip().splitlines() if path.exists() else []
    return " | ".join(text[-lines:]) or "no output"


def stop(proc: subprocess.Popen[bytes]) -> None:
    proc.terminate()
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def main() -> int:
    parser = argparse.ArgumentParser(description="RelayDesk against LiteLLM's proxy")
    parser.add_argument("--seconds", type=float, default=5.0, help="per measurement and round")
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (medians)")
    args = parser.parse_args()

    why = install()
    if why:
        print(f"LiteLLM: not measured (install failed: {why})")
        return 0
    # Both sides without a database server: RelayDesk on its SQLite data dir (as bench.run),
    # LiteLLM with none (a DATABASE_URL would make it start Prisma).
    os.environ.pop("DATABASE_URL", None)

    # The temporary directory outlives the processes that write in it.
    with tempfile.TemporaryDirectory() as tmp, ExitStack() as stack:
        up_port, rd_port, ll_port = free_port(), free_port(), free_port()
        spawn(stack, [PY, "-m", "bench.fast_upstream", "--port", str(up_port)])
        wait_port(up_port)
        upstream = f"http://127.0.0.1:{up_port}/v1"

        _, key = start_relaydesk(stack, Path(tmp) / "data", upstream, rd_port)

        config, log = Path(tmp) / "litellm.yaml", Path(tmp) / "litellm.log"
        litellm_config(config, upstream)
        # Its own Popen, not spawn(): its output goes to a file, to say why if it fails to start.
        out = stack.enter_context(log.open("wb"))
        master_key = "sk-" + secrets.token_hex(32)
        ll = subprocess.Popen([str(VENV / "bin" / "litellm"), "--config", str(config), "--host",
                               "127.0.0.1", "--port", str(ll_port)], cwd=tmp,
                              env={**os.environ, **LITELLM_ENV, "LITELLM_MASTER_KEY": master_key},
                              stdout=out, stderr=out)
        stack.callback(stop, ll)

        wait_port(rd_port)
        if not wait_started(ll, ll_port, timeout=180):  # it imports for a while
            print(f"LiteLLM: not measured (did not start: {log_tail(log)})")
            return 0
        targets = {"litellm": (f"http://127.0.0.1:{ll_port}/v1/chat/completions", master_key),
                   "relaydesk": (f"http://127.0.0.1:{rd_port}/v1/chat/completions", key)}
        for name, (url, k) in targets.items():
            problem = check(url, k)
            if problem:
                print(f"LiteLLM: not measured ({name} answered {problem}; {log_tail(log)})")
                return 0
        for url, k in targets.values():
            load(url, key=k, concurrency=8, seconds=1.0, stream=False)

        rps: dict[str, list[float]] = {name: [] for name in targets}
        errors = dict.fromkeys(targets, 0)
        for _ in range(args.rounds):  # alternating, so a slow spell hits both sides
            for name, (url, k) in targets.items():
                res = load(url, key=k, concurrency=50, seconds=args.seconds, stream=False)
                rps[name].append(res["rps"])
                errors[name] += res["errors"]
                print(f"  measured {name} json c=50: {res['rps']:.0f} req/s", file=sys.stderr)

    ratios = [rd / ll for rd, ll in zip(rps["relaydesk"], rps["litellm"], strict=True) if ll]
    print()
    for name in targets:
        print(f"{name:9} json c=50: {statistics.median(rps[name]):7.0f} req/s "
              f"(median of {args.rounds} x {args.seconds:g} s), errors {errors[name]}")
    ratio = statistics.median(ratios) if ratios else 0.0
    print(f"RelayDesk = {ratio:.1f} x LiteLLM {LITELLM.split('==')[1]} at c=50 "
          f"(target >= {TARGET:g})   rounds: {', '.join(f'{r:.1f}' for r in ratios)} x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
