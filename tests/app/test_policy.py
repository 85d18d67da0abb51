"""Policy versions: registering records the version; a major version asks everyone again."""

import pytest

from app import accounts, policy, privacy
from app.errors import ValidationError
from app.models import AuditEvent


def test_consent_records_version_and_time(any_db, fake_clock) -> None:
    accounts.add_user("alice", "alice@example.com")
    user = privacy.record_consent("alice")
    assert user.consent_version == privacy.POLICY_VERSION
    assert user.consent_at == fake_clock.current
    assert not policy.needs_consent(user)


def test_minor_version_does_not_ask_again_major_does(any_db, fake_clock) -> None:
    accounts.add_user("alice", "alice@example.com")
    accounts.add_user("bob", "bob@example.com")
    privacy.record_consent("alice")
    assert policy.current().users_to_reconsent == 1  # bob never accepted
    state = policy.publish("2026-07-01", major=False)
    assert (state.version, state.major_version, state.users_to_reconsent) == (
        "2026-07-01", privacy.POLICY_VERSION, 1)
    assert not policy.needs_consent(accounts.get_user("alice"))
    state = policy.publish("2026-09-01", major=True)
    assert state.major_version == "2026-09-01" and state.users_to_reconsent == 2
    assert policy.needs_consent(accounts.get_user("alice"))
    privacy.record_consent("alice", "2026-09-01")
    assert policy.current().users_to_reconsent == 1
    events = [(e.target, e.detail["major"]) for e in
              AuditEvent.select().where(AuditEvent.action == "policy.publish")]
    assert events == [("2026-07-01", False), ("2026-09-01", True)]


@pytest.mark.parametrize("version", ["v2", "2026-13-01", "", "2020-01-01"])
def test_bad_or_older_versions_are_refused(sqlite_db, version) -> None:
    with pytest.raises(ValidationError):
        policy.publish(version, major=True)
    assert policy.current().version == privacy.POLICY_VERSION


def test_cli_policy_publish_and_show(sqlite_db, tmp_path, capsys) -> None:
    import json

    from app.cli import main
    data = str(sqlite_db.data_dir)
    assert main(["--data-dir", data, "--json", "policy", "publish", "2026-10-01", "--major"]) == 0
    capsys.readouterr()
    assert main(["--data-dir", data, "--json", "policy", "show"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert shown["version"] == shown["major_version"] == "2026-10-01"
    assert main(["--data-dir", data, "policy", "publish", "nonsense"]) == 1
    assert "YYYY-MM-DD" in capsys.readouterr().err
