"""Node packages the tests drive (the Node openai SDK, the coding-agent CLIs): `npm ci` into a
test folder from its package-lock.json, once per session, or skip (fail under CI=true) with
the reason."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from tests.helpers.requirements import require


def npm_ci(folder: Path, *, needed_for: str, timeout: float) -> None:
    """Install ``folder``'s locked packages into ``folder/node_modules``."""
    missing = [tool for tool in ("node", "npm") if shutil.which(tool) is None]
    if missing:
        require(f"{' and '.join(missing)} not found on PATH (needed for {needed_for})")
    npm = shutil.which("npm")
    assert npm is not None
    try:
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=folder,
                              capture_output=True, text=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        require(f"`npm ci` in {folder} took over {timeout:g}s (is the npm registry reachable?)")
        raise
    if done.returncode != 0:
        require(f"`npm ci` in {folder} failed (exit {done.returncode}):\n{done.stderr[-2000:]}")
