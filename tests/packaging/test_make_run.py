"""`make run` on an operator's machine installs what the app needs and nothing else, and never
touches a service (the operator's own PostgreSQL, say); `make test` adds the tests' needs."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
TEST_ONLY = {"postgresql", "chromium", "nodejs", "npm", "gnome-keyring", "xvfb", "imagemagick",
             "xdotool", "dbus-x11"}


def packages(purpose: str) -> set[str]:
    out = subprocess.run(["bash", str(ROOT / ".ci/system-deps"), "--print", purpose],
                         capture_output=True, text=True, check=True).stdout
    return set(out.split())


def test_run_installs_no_test_packages_and_test_installs_both() -> None:
    run, test = packages("run"), packages("test")
    assert run and not run & TEST_ONLY
    assert "libxcb-cursor0" in run and "fonts-wqy-microhei" in run  # Qt, Chinese text
    assert run <= test and {"postgresql", "chromium"} <= test


def test_make_run_installs_the_app_without_test_tools() -> None:
    if shutil.which("make") is None:
        pytest.fail("make is missing (.ci/system-deps test installs it)")
    # -n: print, do not run; -B: as if nothing were installed yet.
    out = subprocess.run(["make", "-n", "-B", "run"], cwd=ROOT, capture_output=True, text=True,
                         check=True).stdout
    assert "system-deps run" in out and "pip install --quiet -e ." in out
    assert "[test" not in out and "build]" not in out


def test_system_deps_never_touches_a_service(tmp_path: Path) -> None:
    """Every package present: the script must not start, stop or restart anything (it used to
    force-stop every local PostgreSQL cluster)."""
    calls = tmp_path / "calls"
    shims = tmp_path / "bin"
    shims.mkdir()
    for tool in ("pg_ctlcluster", "pg_lsclusters", "service", "systemctl", "apt-get",
                 "invoke-rc.d"):
        (shims / tool).write_text(f'#!/bin/sh\necho "{tool} $*" >> "{calls}"\n')
        (shims / tool).chmod(0o755)
    (shims / "dpkg-query").write_text('#!/bin/sh\nprintf "install ok installed"\n')
    (shims / "dpkg-query").chmod(0o755)
    env = {**os.environ, "PATH": f"{shims}:{os.environ['PATH']}"}
    for purpose in ("run", "test"):
        subprocess.run(["bash", str(ROOT / ".ci/system-deps"), purpose], env=env, check=True,
                       capture_output=True)
    assert not calls.exists(), calls.read_text()
