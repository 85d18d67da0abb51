"""Runs a pasted shell snippet the way a user would, with a fake program standing in for the
client it starts, and returns the environment that program saw."""

import os
import subprocess
from pathlib import Path


def run_pasted(tmp_path: Path, text: str, program: str, names: tuple[str, ...]
               ) -> dict[str, str | None]:
    """Runs ``text`` in bash with a fake ``program`` that prints the named variables, so the
    test sees what the real agent would; returns them (None: not set)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    fake = bin_dir / program
    fake.write_text("#!/bin/sh\n" + "".join(
        f'if [ -n "${{{n}+x}}" ]; then printf "%s=%s\\0" {n} "${n}"; fi\n' for n in names))
    fake.chmod(0o755)
    clean = {k: v for k, v in os.environ.items() if k not in names}
    done = subprocess.run(["bash", "-c", text], cwd=tmp_path, capture_output=True, check=True,
                          env={**clean, "PATH": f"{bin_dir}{os.pathsep}{clean['PATH']}"})
    found: dict[str, str | None] = dict.fromkeys(names)
    for item in done.stdout.decode("utf-8").split("\0")[:-1]:
        name, _, value = item.partition("=")
        found[name] = value
    return found
