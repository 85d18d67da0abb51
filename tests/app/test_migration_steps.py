"""Each shipped schema migration on SQLite and PostgreSQL: a database one version older gains
what a fresh one has (columns, indexes, foreign keys), keeps its rows, and the services use it
at once."""

import pytest
from peewee import SqliteDatabase
from playhouse.migrate import SchemaMigrator
from playhouse.migrate import migrate as run_operations

from app import accounts, groups
from app import db as db_mod
from app.errors import ServiceError
from app.migrations import latest_version, migrate
from app.models import ApiKey
from tests.app.test_migrations import stamp, tables


def _indexes(database, table: str) -> set[str]:
    return {index.name for index in database.get_indexes(table)}


def _foreign_keys(database, table: str) -> set[tuple[str, str, str]]:
    return {(k.column, k.dest_table, k.dest_column) for k in database.get_foreign_keys(table)}


def test_v2_adds_security_tables_and_key_limits_to_a_v1_database(any_db, tmp_path):
    """A database created by the first release (no tokens, bans or key limits) is upgraded
    in place and keeps its keys."""
    from playhouse.migrate import migrate as run_operations

    from app import apikeys
    from app.models import AdminToken, IpBan

    accounts.add_user("keepme", "keep@example.com")
    key, _ = apikeys.create_key("keepme")
    database = db_mod.database.obj
    database.drop_tables([AdminToken, IpBan])
    ops = SchemaMigrator.from_database(database)
    run_operations(*[ops.drop_column("api_key", c)
                     for c in ("rpm_limit", "tpm_limit", "concurrency_limit")])
    stamp(1)
    assert migrate(database, tmp_path / "backups") == latest_version()
    columns = {c.name for c in database.get_columns("api_key")}
    assert {"rpm_limit", "tpm_limit", "concurrency_limit"} <= columns
    assert {"admin_token", "ip_ban"} <= tables(database)
    kept = ApiKey.get_by_id(key.id)
    assert (kept.rpm_limit, kept.tpm_limit, kept.concurrency_limit) == (None, None, None)


def test_v3_drops_the_unread_hot_path_indexes(any_db, tmp_path):
    """A v2 database (with the indexes) ends up with the same indexes as a fresh one."""
    database = db_mod.database.obj
    fresh = {t: _indexes(database, t) for t in ("reservation", "request_log")}
    database.execute_sql('CREATE INDEX "reservation_user_id" ON "reservation" ("user_id")')
    database.execute_sql('CREATE INDEX "reservation_lease_until" ON "reservation" '
                         '("lease_until")')
    database.execute_sql('CREATE INDEX "request_log_user_id" ON "request_log" ("user_id")')
    stamp(2)
    assert migrate(database, tmp_path / "backups") == latest_version()
    assert {t: _indexes(database, t) for t in fresh} == fresh
    assert "reservation_request_id" in fresh["reservation"]
    assert "request_log_user_id_created_at" in fresh["request_log"]


def test_v4_drops_the_indexes_on_random_request_ids(any_db, tmp_path):
    """A v3 database (with the indexes) ends up with the same indexes as a fresh one."""
    database = db_mod.database.obj
    fresh = {t: _indexes(database, t) for t in ("ledger_entry", "request_log")}
    assert "ledger_entry_ref" not in fresh["ledger_entry"]
    assert "request_log_request_id" not in fresh["request_log"]
    database.execute_sql('CREATE INDEX "ledger_entry_ref" ON "ledger_entry" ("ref")')
    database.execute_sql('CREATE INDEX "request_log_request_id" ON "request_log" '
                         '("request_id")')
    stamp(3)
    assert migrate(database, tmp_path / "backups") == latest_version()
    assert {t: _indexes(database, t) for t in fresh} == fresh
    assert {"ledger_entry_user_id", "ledger_entry_created_at"} <= fresh["ledger_entry"]


def test_v5_adds_output_caps_and_write_offs(any_db, tmp_path):
    """A v4 database gains the two columns with their defaults; existing rows keep their data."""
    database = db_mod.database.obj
    from playhouse.migrate import SchemaMigrator
    ops = SchemaMigrator.from_database(database)
    run_operations(ops.drop_column("model_price", "max_output_tokens"),
                   ops.drop_column("request_log", "written_off_micros"))
    database.execute_sql("INSERT INTO model_price (model, input_micros, cached_input_micros, "
                         "output_micros, updated_at) VALUES ('m', 1, 1, 2, '2026-01-01')")
    stamp(4)
    assert migrate(database, tmp_path / "backups") == latest_version()
    from app.models import ModelPrice
    row = ModelPrice.get(ModelPrice.model == "m")
    assert (row.output_micros, row.max_output_tokens) == (2, None)
    for table, column in (("model_price", "max_output_tokens"),
                          ("request_log", "written_off_micros")):
        assert column in {c.name for c in database.get_columns(table)}
    # rows written by hand (SQL, other tools) get the default, as in a fresh schema
    database.execute_sql("INSERT INTO request_log (created_at, request_id, stream, "
                         "prompt_tokens, cached_tokens, completion_tokens, cost_micros, status, "
                         "duration_ms, estimated, overrun, failover_count) VALUES "
                         "('2026-01-01', 'r', false, 0, 0, 0, 0, 200, 0, false, false, 0)")
    from app.models import RequestLog
    assert RequestLog.get(RequestLog.request_id == "r").written_off_micros == 0


def test_v6_adds_provider_proxy_headers_and_ca_bundle(any_db, tmp_path):
    """A v5 database gains the provider's network columns, shaped as in a fresh schema; its
    providers stay direct, with no extra headers and no CA bundle."""
    from playhouse.migrate import migrate as run_operations

    from app import providers
    database = db_mod.database.obj
    fresh = {c.name: c.null for c in database.get_columns("provider")}
    network = ("proxy", "proxy_auth", "extra_headers", "ca_bundle")
    ops = SchemaMigrator.from_database(database)
    run_operations(*[ops.drop_column("provider", column) for column in network])
    database.execute_sql("INSERT INTO provider (name, kind, base_url, models, model_map, "
                         "priority, weight, enabled, created_at, health, "
                         "consecutive_failures) VALUES ('old', 'deepseek', "
                         "'https://api.deepseek.com/v1', '[\"m\"]', '{}', 0, 1, true, "
                         "'2026-01-01', 'unknown', 0)")
    stamp(5)
    assert migrate(database, tmp_path / "backups") == latest_version()
    assert {c.name: c.null for c in database.get_columns("provider")} == fresh
    old = providers.get_provider("old")
    assert (old.proxy, old.proxy_auth, old.extra_headers, old.ca_bundle) == (
        None, False, {}, None)
    assert providers.proxy_url("old") is None
    # the new columns work through the service after the upgrade
    providers.update_provider("old", proxy="socks5h://127.0.0.1:7890",
                              extra_headers={"OpenAI-Organization": "org-1"})
    old = providers.get_provider("old")
    assert (old.proxy, old.extra_headers) == ("socks5h://127.0.0.1:7890",
                                              {"OpenAI-Organization": "org-1"})


def test_v7_keeps_the_provider_test_result(any_db, tmp_path):
    """A v6 database gains the Test button's last result, shaped as in a fresh schema."""
    from playhouse.migrate import migrate as run_operations

    from app import providers
    database = db_mod.database.obj
    fresh = {c.name: c.null for c in database.get_columns("provider")}
    columns = ("last_test_at", "last_test_ok", "last_test_ms", "last_test_message")
    ops = SchemaMigrator.from_database(database)
    run_operations(*[ops.drop_column("provider", column) for column in columns])
    stamp(6)
    assert migrate(database, tmp_path / "backups") == latest_version()
    assert {c.name: c.null for c in database.get_columns("provider")} == fresh
    providers.add_provider("p", "deepseek", models=["m"])
    assert providers.get_provider("p").last_test_ok is None
    providers.record_test("p", ok=False, latency_ms=12, message="The provider rejected the key")
    got = providers.get_provider("p")
    assert (got.last_test_ok, got.last_test_ms, got.last_test_message) == (
        False, 12, "The provider rejected the key")
    assert got.last_test_at is not None


def test_v8_puts_every_existing_user_in_the_default_group(any_db, tmp_path):
    """A v7 database with users gains user groups shaped as in a fresh schema: a "default"
    group at 1x for every model, and every user (deleted ones too) in it."""
    from playhouse.migrate import migrate as run_operations

    database = db_mod.database.obj
    fresh_columns = {c.name: c.null for c in database.get_columns("user")}
    fresh_indexes = _indexes(database, "user")
    fresh_keys = _foreign_keys(database, "user")
    ops = SchemaMigrator.from_database(database)
    # SQLite's own DROP COLUMN refuses a foreign key; peewee's table rebuild does not.
    legacy = {"legacy": True} if isinstance(database, SqliteDatabase) else {}
    run_operations(ops.drop_column("user", "group_id", **legacy))
    database.execute_sql('DROP TABLE "user_group"')
    assert "group_id" not in {c.name for c in database.get_columns("user")}
    for name in ("ann", "bob"):
        database.execute_sql(
            'INSERT INTO "user" (username, email, role, status, balance_micros, created_at, '
            "updated_at) VALUES (%s, %s, 'user', 'active', 5, '2026-01-01', '2026-01-01')"
            .replace("%s", database.param), (name, f"{name}@example.com"))
    stamp(7)
    assert migrate(database, tmp_path / "backups") == latest_version()
    assert {c.name: c.null for c in database.get_columns("user")} == fresh_columns
    assert _indexes(database, "user") == fresh_indexes
    assert _foreign_keys(database, "user") == fresh_keys == {("group_id", "user_group", "id")}
    (default,) = groups.list_groups()
    assert (default.name, default.multiplier_ppm, default.models, default.user_count) == (
        "default", 1_000_000, None, 2)
    assert {u.username: groups.group_name(u) for u in accounts.list_users()} == {
        "ann": "default", "bob": "default"}
    # the new table and column work through the services after the upgrade
    groups.add_group("staff", multiplier="0.5")
    groups.assign_user("ann", "staff")
    assert groups.group_name(accounts.get_user("ann")) == "staff"
    assert accounts.add_user("cat", "cat@example.com").group.name == "default"


PORTAL_TABLES = ("invite", "web_session", "sign_in", "deletion_request")


def test_v9_adds_the_portal_tables_shaped_as_in_a_fresh_schema(any_db, tmp_path):
    """A v8 database gains the user portal's tables with the columns, indexes and foreign keys
    a fresh one has, and the services use them at once."""
    from app import invites, websessions
    database = db_mod.database.obj
    fresh = {t: ({c.name: c.null for c in database.get_columns(t)}, _indexes(database, t),
                 _foreign_keys(database, t)) for t in PORTAL_TABLES}
    for table in PORTAL_TABLES:
        database.execute_sql(f'DROP TABLE "{table}"')
    user = accounts.add_user("ann", "ann@example.com")
    stamp(8)
    assert migrate(database, tmp_path / "backups") == latest_version()
    assert {t: ({c.name: c.null for c in database.get_columns(t)}, _indexes(database, t),
                _foreign_keys(database, t)) for t in PORTAL_TABLES} == fresh
    invites.create_invite()
    token, _ = websessions.start_session(user, "10.0.0.9", "test")
    assert websessions.check_session(token) is not None


def test_v10_adds_announcements_shaped_as_in_a_fresh_schema(any_db, tmp_path):
    """A v9 database gains the announcements table as a fresh one has it, usable at once."""
    from app import announcements
    database = db_mod.database.obj
    fresh = ({c.name: c.null for c in database.get_columns("announcement")},
             _indexes(database, "announcement"))
    database.execute_sql('DROP TABLE "announcement"')
    stamp(9)
    assert migrate(database, tmp_path / "backups") == latest_version()
    assert ({c.name: c.null for c in database.get_columns("announcement")},
            _indexes(database, "announcement")) == fresh
    announcements.post("Maintenance", "Down on Sunday 02:00-03:00.")
    assert [a.title for a in announcements.recent()] == ["Maintenance"]


def test_v11_locks_the_limits_existing_keys_carry(any_db, tmp_path):
    """A v10 database's keys gain limits_locked as a fresh one has it: a key with any limit
    (only the operator could set one before the portal) is locked, one without is not."""
    from playhouse.migrate import migrate as run_operations

    from app import apikeys
    database = db_mod.database.obj
    fresh = {c.name: c.null for c in database.get_columns("api_key")}
    accounts.add_user("ann", "ann@example.com")
    limited, _ = apikeys.create_key("ann", tpm=1000)
    plain, _ = apikeys.create_key("ann")
    run_operations(SchemaMigrator.from_database(database).drop_column("api_key",
                                                                      "limits_locked"))
    stamp(10)
    assert migrate(database, tmp_path / "backups") == latest_version()
    assert {c.name: c.null for c in database.get_columns("api_key")} == fresh
    assert apikeys.get_key(limited.id).limits_locked
    assert not apikeys.get_key(plain.id).limits_locked
    with pytest.raises(ServiceError):  # the portal refuses clearing them at once
        apikeys.update_own_key(limited.user_id, limited.id, name="k", tpm="")


def test_v12_adds_the_mail_queue_shaped_as_in_a_fresh_schema(any_db, tmp_path):
    """A v11 database gains the mail queue as a fresh one has it, usable at once."""
    from app import mailqueue
    database = db_mod.database.obj
    fresh = ({c.name: c.null for c in database.get_columns("mail_message")},
             _indexes(database, "mail_message"), _foreign_keys(database, "mail_message"))
    database.execute_sql('DROP TABLE "mail_message"')
    stamp(11)
    assert migrate(database, tmp_path / "backups") == latest_version()
    assert ({c.name: c.null for c in database.get_columns("mail_message")},
            _indexes(database, "mail_message"), _foreign_keys(database, "mail_message")) == fresh
    assert mailqueue.enqueue("a@example.com", "Hi", "Body", kind="test", dedupe_key="k1")
    assert mailqueue.enqueue("a@example.com", "Hi", "Body", kind="test", dedupe_key="k1") is None


def test_v14_adds_redemption_codes_shaped_as_in_a_fresh_schema(any_db, tmp_path):
    """A v13 database gains redemption codes as a fresh one has them, redeemable at once."""
    from app import redemption
    database = db_mod.database.obj
    fresh = ({c.name: c.null for c in database.get_columns("redemption_code")},
             _indexes(database, "redemption_code"), _foreign_keys(database, "redemption_code"))
    database.execute_sql('DROP TABLE "redemption_code"')
    stamp(13)
    assert migrate(database, tmp_path / "backups") == latest_version()
    assert ({c.name: c.null for c in database.get_columns("redemption_code")},
            _indexes(database, "redemption_code"),
            _foreign_keys(database, "redemption_code")) == fresh
    ann = accounts.add_user("ann", "ann@example.com")
    [item] = redemption.generate(1, 2_000_000)
    assert redemption.redeem(ann.id, item.code).amount_micros == 2_000_000


def test_v15_adds_notification_state_shaped_as_in_a_fresh_schema(any_db, tmp_path):
    """A v14 database gains the users' notification columns and password-reset links as a
    fresh one has them; existing users keep their rows, unwarned and opted in."""
    from playhouse.migrate import migrate as run_operations

    from app import notify
    database = db_mod.database.obj
    shape = lambda: ({c.name: c.null for c in database.get_columns("user")},  # noqa: E731
                     _indexes(database, "user"),
                     {c.name: c.null for c in database.get_columns("password_reset")},
                     _indexes(database, "password_reset"),
                     _foreign_keys(database, "password_reset"))
    fresh = shape()
    ann = accounts.add_user("ann", "ann@example.com")
    database.execute_sql('DROP TABLE "password_reset"')
    ops = SchemaMigrator.from_database(database)
    run_operations(ops.drop_index("user", "user_unsubscribe_token"))
    run_operations(*[ops.drop_column("user", name) for name in (
        "lang", "low_balance_threshold_micros", "low_balance_warned", "email_opt_outs",
        "unsubscribe_token")])
    stamp(14)
    assert migrate(database, tmp_path / "backups") == latest_version()
    assert shape() == fresh
    user = accounts.get_user("ann")
    assert (user.id, user.low_balance_warned, user.email_opt_outs) == (ann.id, False, None)
    assert notify.low_balance_sweep() == (1, 0)  # usable at once


def test_v13_adds_gateway_order_fields_shaped_as_in_a_fresh_schema(any_db, tmp_path):
    """A v12 database's recharge records gain the gateway order fields as a fresh one has
    them; an existing recharge keeps its values and has none of them."""
    from playhouse.migrate import migrate as run_operations

    from app import recharges
    from app.payments import orders
    database = db_mod.database.obj
    table = "recharge_record"
    fresh = ({c.name: c.null for c in database.get_columns(table)}, _indexes(database, table))
    accounts.add_user("ann", "ann@example.com")
    old = recharges.recharge("ann", 5_000_000)
    migrator = SchemaMigrator.from_database(database)
    run_operations(*[migrator.drop_column(table, name)
                     for name in ("gateway", "trade_no", "pay_type", "expires_at")])
    stamp(12)
    assert migrate(database, tmp_path / "backups") == latest_version()
    assert ({c.name: c.null for c in database.get_columns(table)},
            _indexes(database, table)) == fresh
    kept = recharges.get_recharge(old.order_no)
    assert (kept.amount_micros, kept.status, kept.gateway, kept.expires_at) == (
        5_000_000, "paid", None, None)
    assert orders.list_orders() == []
