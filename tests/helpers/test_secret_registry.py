"""The secret scanner finds what it must (else the final scan could never fail), and the
recording wrappers record without changing behaviour."""

import gzip
import sqlite3
import zipfile
from pathlib import Path

from app import accounts, apikeys, passwords
from tests.helpers.secret_registry import REGISTRY, hint, scan_tree

PLANTED = {"sk-rd-planted-0123456789abcdef": "api_key", "planted-pass-Zq81xv": "password"}


def test_finds_a_secret_in_sqlite_zip_gzip_and_a_log(tmp_path: Path) -> None:
    key, password = list(PLANTED)
    con = sqlite3.connect(tmp_path / "relay.db")
    con.execute("CREATE TABLE t (note TEXT)")
    con.execute("INSERT INTO t VALUES (?)", (f"oops {key}",))
    con.commit()
    con.close()
    with zipfile.ZipFile(tmp_path / "export.zip", "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("logs/requests.csv", "id,user\n1,alice\n")
        archive.writestr("users.csv", f"alice,{password}\n")
    (tmp_path / "nested").mkdir()
    (tmp_path / "nested" / "relay.log.gz").write_bytes(gzip.compress(key.encode()))
    (tmp_path / "relaydesk.log").write_text(f"line one\nlogin with {password}\n")
    (tmp_path / "clean.txt").write_text("nothing to see: sk-rd-…cdef\n")

    found = {(Path(f.where.split("!")[0]).name, f.where.partition("!")[2], f.kind, f.offset)
             for f in scan_tree(tmp_path, PLANTED)}
    db_hits = [f for f in found if f[0] == "relay.db"]
    assert db_hits and all(kind == "api_key" for _, _, kind, _ in db_hits)
    assert ("export.zip", "users.csv", "password", 6) in found
    assert ("relay.log.gz", "gunzip", "api_key", 0) in found
    assert ("relaydesk.log", "", "password", 20) in found
    assert not [f for f in found if f[0] == "clean.txt"]


def test_a_report_never_holds_the_whole_secret() -> None:
    secret = "sk-rd-planted-0123456789abcdef"
    assert secret not in hint(secret) and hint(secret).startswith("sk-r")


def test_creating_secrets_records_them(sqlite_db) -> None:
    accounts.add_user("carol", "carol@example.com", password="hunter2-but-longer")
    _, key = apikeys.create_key("carol")
    assert REGISTRY.secrets[key] == "api_key"
    assert REGISTRY.secrets["hunter2-but-longer"] == "password"
    assert passwords.verify_password("hunter2-but-longer",
                                     accounts.get_user("carol").password_hash)
