"""`relaydesk codes generate|list|disable`, on SQLite and PostgreSQL: the CSV printed or written
once, exact amounts, expiry, disabling, and refusals that change nothing."""

import csv
import io
import stat

from app import accounts, redemption
from app.models import RedemptionCode


def _csv(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_generate_prints_the_codes_once_as_csv(cli):
    rows = _csv(cli.ok("codes", "generate", "--count", "3", "--amount", "12.34",
                       "--expires", "2999-01-01", "--note", "fair").out)
    assert rows[0] == list(redemption.CSV_COLUMNS)
    assert len(rows) == 4 and len({r[0] for r in rows[1:]}) == 3
    assert {tuple(r[1:]) for r in rows[1:]} == {("12.34", "2999-01-02 00:00:00", rows[1][3],
                                                 "fair")}
    listed = cli.json("codes", "list")
    assert [(c["amount_micros"], c["status"], c["expires_at"]) for c in listed] == [
        (12_340_000, "active", "2999-01-02T00:00:00Z")] * 3
    assert all(r[0] not in str(listed) and r[0] not in cli.ok("codes", "list").out
               for r in rows[1:])
    with cli.bound():
        hashes = {c.code_hash for c in RedemptionCode.select()}
    assert hashes == {redemption.hash_code(r[0]) for r in rows[1:]}


def test_generate_writes_a_new_owner_only_file(cli, tmp_path):
    target = tmp_path / "codes.csv"
    made = cli.json("codes", "generate", "--count", "2", "--amount", "5", "--out", str(target))
    assert made["count"] == 2 and made["file"] == str(target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    rows = _csv(target.read_text(encoding="utf-8"))
    assert [r[0] for r in rows[1:]] == [c["code"] for c in made["codes"]]
    assert [r[1] for r in rows[1:]] == ["5.00", "5.00"]
    assert "already exists" in cli.fails("codes", "generate", "--count", "1", "--amount", "5",
                                         "--out", str(target))
    assert "no such folder" in cli.fails("codes", "generate", "--count", "1", "--amount", "5",
                                         "--out", str(tmp_path / "none" / "c.csv"))
    text = cli.ok("codes", "generate", "--count", "1", "--amount", "1",
                  "--out", str(tmp_path / "more.csv")).out
    assert "written to" in text and "not shown again" in text


def test_a_generated_code_is_redeemed_once_for_its_exact_amount(cli):
    made = cli.json("codes", "generate", "--count", "1", "--amount", "0.000001")
    with cli.bound():
        ann = accounts.add_user("ann", "ann@example.com")
        redemption.redeem(ann.id, made["codes"][0]["code"])
        assert accounts.get_user("ann").balance_micros == 1
    [listed] = cli.json("codes", "list", "--status", "used")
    assert (listed["used_by"], listed["order_no"] is not None) == ("ann", True)
    assert "already used" in cli.fails("codes", "disable", str(listed["id"]))


def test_disable_and_list_by_status(cli):
    made = cli.json("codes", "generate", "--count", "2", "--amount", "1")
    first = made["codes"][0]["id"]
    assert cli.ok("codes", "disable", str(first)).out == f"code {first} disabled\n"
    assert [c["id"] for c in cli.json("codes", "list", "--status", "disabled")] == [first]
    assert len(cli.json("codes", "list", "--status", "active")) == 1
    assert len(cli.json("codes", "list", "--batch", made["batch"])) == 2
    assert "no redemption code with ID 999" in cli.fails("codes", "disable", "999")


def test_bad_input_is_refused_and_makes_no_codes(cli):
    assert "Count must be between 1 and 1000" in cli.fails(
        "codes", "generate", "--count", "0", "--amount", "1")
    assert "Amount must not be zero" in cli.fails(
        "codes", "generate", "--count", "1", "--amount", "0")
    assert "past" in cli.fails("codes", "generate", "--count", "1", "--amount", "1",
                               "--expires", "2000-01-01")
    assert cli.fails("codes", "generate", "--count", "1", "--amount", "1.0000001")
    assert cli.json("codes", "list") == []
