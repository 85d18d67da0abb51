"""After the suite: no full API key, admin token, password or provider key the tests created is
in any file the suite left behind — SQLite databases (with -wal/-shm), backups, exports (zip
members, gzip streams), log files (every log record of the session is kept in
``suite-log.txt``), PostgreSQL test databases (dumped to text just before each is dropped) and
the PostgreSQL server log.

``tests/conftest.py`` moves this test to the very end of whatever is selected. It is meant for
full runs; selected alone or with a subset it scans what that subset wrote. As a guard against a
scan that silently checks nothing because recording broke, it demands recorded secrets: some
when at least ``FULL_SUITE`` tests were selected, and each kind (API key, password, provider
key) when the app, relay and GUI tests all ran.
"""

import pytest

from tests import conftest
from tests.helpers.secret_registry import Finding, SecretRegistry, scan_bytes, scan_tree

FULL_SUITE = 300  # the suite has ~1400 tests; any run this big creates keys and passwords


def test_no_secret_is_left_anywhere(secret_tracking: SecretRegistry,
                                    tmp_path_factory: pytest.TempPathFactory,
                                    request: pytest.FixtureRequest) -> None:
    secrets = secret_tracking.secrets
    counts = secret_tracking.counts()
    areas = {item.nodeid.split("/")[1] for item in request.session.items
             if item.nodeid.count("/") >= 2}
    if {"app", "relay", "gui"} <= areas:
        assert counts["api_key"] >= 1 and counts["password"] >= 1, counts
        assert counts["provider_key"] >= 1, counts
    elif len(request.session.items) >= FULL_SUITE:
        assert sum(counts.values()) >= 1, counts
    assert not conftest.PG_DUMP_FAILURES, conftest.PG_DUMP_FAILURES
    base = tmp_path_factory.getbasetemp()
    # The frozen-bundle test's PyInstaller output is third-party libraries copied by the build,
    # not anything RelayDesk wrote (the data folders that bundle ran on are scanned).
    build_output = tuple(base.glob("pyinstaller*/dist")) + tuple(base.glob("pyinstaller*/work"))
    findings: list[Finding] = scan_tree(base, secrets, skip=build_output)
    for server in conftest.PG_SERVERS:
        if server.tmpdir is not None and server.logfile.exists():
            findings += scan_bytes(server.logfile.read_bytes(), str(server.logfile), secrets)
    assert not findings, (f"{len(findings)} secret(s) found:\n"
                          + "\n".join(str(f) for f in findings[:50]))
