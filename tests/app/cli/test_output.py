"""Text output shows money in currency units under plain labels; ``--json`` keeps integer
micros under the ``*_micros`` names."""

import io

import pytest

from app.cli.output import Output

sqlite_only = pytest.mark.parametrize("cli", ["sqlite"], indirect=True)


def test_item_labels_money_fields_without_the_micros_suffix() -> None:
    stream = io.StringIO()
    Output(False, stream).item({"username": "alice", "balance_micros": -9_840_000,
                                "hold_micros": None, "requests": 3})
    assert stream.getvalue().splitlines() == [
        "username  alice",
        "balance   -9.84",
        "hold      -",
        "requests  3",
    ]


def test_json_keeps_integer_micros() -> None:
    stream = io.StringIO()
    Output(True, stream).item({"balance_micros": -9_840_000})
    assert stream.getvalue() == '{\n  "balance_micros": -9840000\n}\n'


@sqlite_only
def test_no_command_labels_units_as_micros(cli) -> None:
    cli.ok("user", "add", "alice", "--email", "alice@example.com")
    order = cli.ok("recharge", "alice", "12.5").out.strip()
    cli.ok("adjust", "alice", "-2.66", "--reason", "fix")
    cli.ok("price", "set", "m1", "--input", "2", "--output", "8")
    texts = [cli.ok(*argv).out for argv in (
        ["user", "show", "alice"], ["user", "list"], ["ledger", "alice"], ["recharges"],
        ["refund", order, "--amount", "0.5"], ["price", "list"], ["logs"])]
    assert not [t for t in texts if "_micros" in t.lower()], texts
    assert "\nbalance          9.84\n" in texts[0]
    assert cli.json("user", "show", "alice")["balance_micros"] == 9_340_000  # after the refund


def test_table_right_aligns_money_and_counts_and_shows_costs_with_six_decimals() -> None:
    stream = io.StringIO()
    Output(False, stream).table(
        [{"model": "m", "cost_micros": 256, "balance_micros": 12_500_000, "tokens": 7},
         {"model": "longer", "cost_micros": 2_000_000, "balance_micros": -2, "tokens": 1_234}],
        [("model", "MODEL"), ("cost_micros", "COST"), ("balance_micros", "BALANCE"),
         ("tokens", "TOKENS")])
    assert stream.getvalue().splitlines() == [
        "MODEL       COST    BALANCE  TOKENS",
        "m       0.000256      12.50       7",
        "longer  2.000000  -0.000002    1234",
    ]
