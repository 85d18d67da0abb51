"""app.groups: exact multipliers, the always-present default group, and changes that reach the
relay's key cache and the audit trail."""

from decimal import Decimal

import pytest

from app import accounts, apikeys, events, groups, privacy, views
from app.errors import Conflict, NotFound, ValidationError
from app.models import AuditEvent, User
from app.pricing import Price, cost_micros
from tests.app.support import unchanged


@pytest.mark.parametrize(("text", "ppm"), [
    ("1", 1_000_000), ("0.8", 800_000), ("1.25", 1_250_000), ("1.333333", 1_333_333),
    ("0", 0), ("0.000001", 1), ("100", 100_000_000), (" 2.5 ", 2_500_000), ("+1.5", 1_500_000),
    (3, 3_000_000), (Decimal("0.75"), 750_000),
])
def test_multipliers_parse_exactly_from_decimal_text(text, ppm):
    assert groups.parse_multiplier(text) == ppm


@pytest.mark.parametrize("text", [
    "1.0000001",  # seven decimals
    "-0.5", "-0", "100.000001", "1e3", "nan", "inf", "", " ", "1,5", "0x10", "١", "1.", ".5",
    0.8, True, "9" * 40,
])
def test_bad_multipliers_are_refused_naming_the_field(text):
    with pytest.raises(ValidationError) as caught:
        groups.parse_multiplier(text)
    assert caught.value.param == "multiplier"


@pytest.mark.parametrize(("ppm", "text"), [
    (1_000_000, "1"), (800_000, "0.8"), (1_250_000, "1.25"), (1_333_333, "1.333333"),
    (0, "0"), (1, "0.000001"), (100_000_000, "100"),
])
def test_multipliers_format_back_to_the_text_they_came_from(ppm, text):
    assert groups.format_multiplier(ppm) == text
    assert groups.parse_multiplier(text) == ppm


@pytest.mark.parametrize(("base", "multiplier", "expected"), [
    (1_000_003, "0.8", 800_003),  # 800_002.4 rounds up
    (1_000_003, "1.25", 1_250_004),  # 1_250_003.75 rounds up
    (1_000_003, "1.333333", 1_333_337),  # 1_333_336.999999 rounds up
    (1_000_000, "0.8", 800_000),  # exact products stay exact
    (48, "1.25", 60),
    (48, "0.8", 39),  # 38.4
    (7, "1", 7),
    (10**15, "1.333333", 1_333_333 * 10**9),  # no float anywhere: big sums stay exact
    (123_456, "0", 0),  # a free group
])
def test_a_multiplier_applies_exactly_rounding_up(base, multiplier, expected):
    assert groups.apply_multiplier(base, groups.parse_multiplier(multiplier)) == expected


def test_a_request_costs_its_base_price_times_the_multiplier():
    """2 / 0.5 / 8 units per 1M tokens; 1,234 prompt tokens (234 cached), 567 completion:
    base = ceil((1000*2 + 234*0.5 + 567*8) micro-units) = 2000 + 117 + 4536 = 6653."""
    price = Price(2_000_000, 500_000, 8_000_000)
    base = cost_micros(1_234, 234, 567, price)
    assert base == 6_653
    priced = {m: groups.apply_multiplier(base, groups.parse_multiplier(m))
              for m in ("0.8", "1.25", "1.333333")}
    # 5322.4 -> 5323; 8316.25 -> 8317; 8870.664449 -> 8871
    assert priced == {"0.8": 5_323, "1.25": 8_317, "1.333333": 8_871}


@pytest.mark.parametrize("multiplier", ["0.8", "1", "1.25", "1.333333", "0.000001", "100"])
def test_affordable_base_is_the_largest_base_the_balance_covers(multiplier):
    ppm = groups.parse_multiplier(multiplier)
    for balance in (0, 1, 2, 3, 47, 48, 999_999, 10**12 + 7):
        base = groups.affordable_base(balance, ppm)
        assert base is not None
        assert groups.apply_multiplier(base, ppm) <= balance
        assert groups.apply_multiplier(base + 1, ppm) > balance


def test_a_free_group_affords_anything():
    assert groups.affordable_base(0, 0) is None


def test_the_default_group_exists_and_takes_new_users(any_db):
    (default,) = groups.list_groups()
    assert (default.name, default.multiplier_ppm, default.models) == ("default", 1_000_000, None)
    user = accounts.add_user("alice", "alice@example.com")
    assert groups.group_name(user) == "default"
    assert views.user(accounts.get_user("alice"))["group"] == "default"


def test_groups_are_added_listed_with_their_user_counts_and_audited(any_db):
    groups.add_group("staff", multiplier="0.8", models=["m1", " m2 ", "m1"],
                     description="  the lab  ")
    groups.add_group("guests", multiplier="1.25")
    accounts.add_user("alice", "alice@example.com", group="staff")
    accounts.add_user("bob", "bob@example.com", group="staff")
    accounts.add_user("cat", "cat@example.com")
    listed = {g.name: (g.multiplier_ppm, g.models, g.description, g.user_count)
              for g in groups.list_groups()}
    assert listed == {"default": (1_000_000, None, None, 1),
                      "staff": (800_000, ["m1", "m2"], "the lab", 2),
                      "guests": (1_250_000, None, None, 0)}
    assert [g.name for g in groups.list_groups()] == ["default", "guests", "staff"]
    event = AuditEvent.get(AuditEvent.action == "group.add", AuditEvent.target == "staff")
    assert event.detail == {"multiplier_ppm": 800_000, "models": ["m1", "m2"]}
    assert AuditEvent.get(AuditEvent.action == "user.add",
                          AuditEvent.target == "alice").detail == {"group": "staff"}


@pytest.mark.parametrize(("kwargs", "param"), [
    ({"name": ""}, "name"), ({"name": "has space"}, "name"), ({"name": "-x"}, "name"),
    ({"name": "x" * 65}, "name"), ({"name": "ok", "multiplier": "0.1234567"}, "multiplier"),
    ({"name": "ok", "multiplier": "-1"}, "multiplier"),
    ({"name": "ok", "models": ["has space"]}, "models"),
    ({"name": "ok", "description": "d" * 301}, "description"),
])
def test_bad_groups_are_refused_before_anything_is_written(any_db, kwargs, param):
    with unchanged(), pytest.raises(ValidationError) as caught:
        groups.add_group(**kwargs)
    assert caught.value.param == param


def test_a_group_name_is_unique(any_db):
    groups.add_group("staff")
    with unchanged(), pytest.raises(Conflict):
        groups.add_group("staff")
    with unchanged(), pytest.raises(Conflict):
        groups.add_group("default")


def test_update_changes_only_what_is_given_and_is_audited(any_db):
    groups.add_group("staff", multiplier="0.8", models=["m1"], description="lab")
    groups.update_group("staff", multiplier="1.333333")
    staff = groups.get_group("staff")
    assert (staff.multiplier_ppm, staff.models, staff.description) == (1_333_333, ["m1"], "lab")
    groups.update_group("staff", models=[], description="")  # every model again; no description
    staff = groups.get_group("staff")
    assert (staff.models, staff.description) == (None, None)
    groups.update_group("staff", new_name="team")
    assert groups.get_group("team").id == staff.id
    with pytest.raises(NotFound):
        groups.get_group("staff")
    details = [e.detail for e in AuditEvent.select().where(AuditEvent.action == "group.update")
               .order_by(AuditEvent.id)]
    assert details == [{"fields": ["multiplier_ppm"], "multiplier_ppm": 1_333_333},
                       {"fields": ["description", "models"], "models": None},
                       {"fields": ["name"]}]


def test_the_default_group_cannot_be_renamed_or_removed(any_db):
    with unchanged(), pytest.raises(ValidationError):
        groups.update_group("default", new_name="everyone")
    with unchanged(), pytest.raises(ValidationError):
        groups.remove_group("default")
    groups.update_group("default", multiplier="0.9")  # its price can change
    assert groups.default_group().multiplier_ppm == 900_000


def test_renaming_to_a_taken_name_is_a_conflict(any_db):
    groups.add_group("staff")
    with unchanged(), pytest.raises(Conflict):
        groups.update_group("staff", new_name="default")


def test_a_group_with_users_is_not_removed_and_the_refusal_counts_them(any_db):
    groups.add_group("staff")
    for name in ("alice", "bob"):
        accounts.add_user(name, f"{name}@example.com", group="staff")
    with unchanged(), pytest.raises(Conflict, match="still has 2 users"):
        groups.remove_group("staff")
    groups.assign_user("bob", "default")
    with pytest.raises(Conflict, match="still has 1 user;"):
        groups.remove_group("staff")


def test_an_empty_group_is_removed_and_deleted_users_do_not_hold_it(any_db):
    groups.add_group("staff")
    user = accounts.add_user("alice", "alice@example.com", group="staff")
    privacy.delete_user("alice")
    groups.remove_group("staff")
    assert [g.name for g in groups.list_groups()] == ["default"]
    assert User.get_by_id(user.id).group_id is None  # reads as the default group
    assert AuditEvent.get(AuditEvent.action == "group.remove").target == "staff"


def test_assigning_a_user_is_audited_and_unknown_groups_change_nothing(any_db):
    groups.add_group("staff")
    accounts.add_user("alice", "alice@example.com")
    with unchanged(), pytest.raises(NotFound):
        groups.assign_user("alice", "nope")
    with unchanged(), pytest.raises(NotFound):
        accounts.add_user("bob", "bob@example.com", group="nope")
    assert groups.group_name(groups.assign_user("alice", "staff")) == "staff"
    event = AuditEvent.select().where(AuditEvent.action == "user.update").get()
    assert event.detail == {"fields": ["group"], "group": "staff"}


@pytest.mark.parametrize("change", [
    lambda: groups.update_group("staff", multiplier="2"),
    lambda: groups.update_group("staff", models=["m1"]),
    lambda: groups.assign_user("alice", "default"),
    lambda: groups.remove_group("empty"),
])
def test_changes_that_alter_a_users_price_or_models_announce_keys(any_db, change):
    """The relay's key cache holds each key's group multiplier and models: it must hear."""
    groups.add_group("staff")
    groups.add_group("empty")
    accounts.add_user("alice", "alice@example.com", group="staff")
    heard: list[str] = []
    unsubscribe = events.subscribe(events.KEYS, lambda: heard.append("keys"))
    try:
        change()
    finally:
        unsubscribe()
    assert heard == ["keys"]


def test_a_keys_lookup_carries_its_users_group(any_db):
    groups.add_group("staff", multiplier="1.25", models=["m1", "m2"])
    accounts.add_user("alice", "alice@example.com", group="staff")
    _, plaintext = apikeys.create_key("alice", models=["m2", "m3"])
    info = apikeys.lookup(plaintext)
    assert info is not None
    assert (info.multiplier_ppm, info.group_models) == (1_250_000, frozenset({"m1", "m2"}))
    # the key and the group must both allow a model
    assert [m for m in ("m1", "m2", "m3") if info.allows_model(m)] == ["m2"]


def test_a_user_without_a_group_row_is_looked_up_in_the_default_group(any_db):
    groups.update_group("default", multiplier="0.5", models=["m1"])
    user = accounts.add_user("alice", "alice@example.com")
    User.update(group=None).where(User.id == user.id).execute()
    _, plaintext = apikeys.create_key("alice")
    info = apikeys.lookup(plaintext)
    assert info is not None
    assert (info.multiplier_ppm, info.group_models) == (500_000, frozenset({"m1"}))
    assert views.user(accounts.get_user("alice"))["group"] == "default"
