"""app.notify: each kind of mail is queued exactly when due, once, in the user's language,
with an unsubscribe link only where one may opt out; opt-outs are honoured."""

import threading

import jinja2
import pytest

from app import (
    accounts,
    announcements,
    bans,
    ledger,
    notify,
    policy,
    privacy,
    recharges,
    settings,
    signins,
)
from app.errors import NotFound, ValidationError
from app.ledger import Kind
from app.models import MailMessage, User


def mails(kind: str | None = None) -> list[MailMessage]:
    query = MailMessage.select().order_by(MailMessage.id)
    return list(query.where(MailMessage.kind == kind) if kind else query)


def user(name: str = "ann", email: str | None = "ann@example.com") -> User:
    return accounts.add_user(name, email)


def spend(name: str, micros: int) -> None:
    ledger.post(accounts.get_user(name).id, Kind.ADJUSTMENT, -micros, actor="test")


def test_a_recharge_queues_one_receipt_in_its_transaction(any_db) -> None:
    user()
    record = recharges.recharge("ann", 5_000_000, method="cash")
    [mail] = mails("receipt")
    assert (mail.to_addr, mail.user_id, mail.lang) == ("ann@example.com", record.user_id, "en")
    assert record.order_no in mail.text_body and "5.00" in mail.subject
    assert record.order_no in (mail.html_body or "")
    assert "/portal/unsubscribe/" in mail.text_body
    notify.recharge_receipt(record)  # a repeated call (a retried credit) sends nothing more
    assert len(mails("receipt")) == 1


def test_a_recharge_that_fails_queues_nothing(any_db) -> None:
    user()
    with pytest.raises(ValidationError):
        recharges.recharge("ann", 1, method="nonsense")
    assert mails() == []


def test_receipt_in_chinese_for_a_chinese_user_and_the_relay_language(any_db) -> None:
    user()
    User.update(lang="zh_CN").where(User.username == "ann").execute()
    recharges.recharge("ann", 1_000_000)
    user("bob", "bob@example.com")
    settings.set("language", "zh_CN")
    recharges.recharge("bob", 1_000_000)
    assert [(m.lang, "充值收据" in m.subject) for m in mails("receipt")] == [
        ("zh_CN", True), ("zh_CN", True)]


def test_opted_out_users_and_users_without_email_get_no_receipt(any_db) -> None:
    ann = user()
    notify.set_preferences(ann.id, ["receipt"], None)
    recharges.recharge("ann", 1_000_000)
    accounts.add_user("nomail", "nomail@example.com")
    User.update(email=None).where(User.username == "nomail").execute()
    recharges.recharge("nomail", 1_000_000)
    assert mails("receipt") == []


def test_low_balance_warned_once_per_crossing(any_db, fake_clock) -> None:
    user()
    settings.set("low_balance_threshold_micros", 2_000_000)
    recharges.recharge("ann", 3_000_000)
    assert notify.low_balance_sweep() == (0, 0)
    spend("ann", 1_500_000)  # 1.50 < 2.00
    assert notify.low_balance_sweep() == (1, 0)
    spend("ann", 500_000)
    assert notify.low_balance_sweep() == (0, 0)  # still below: no second warning
    [mail] = mails("low_balance")
    assert "1.50" in mail.subject and "2.00" in mail.text_body
    assert "/portal/unsubscribe/" in mail.text_body
    recharges.recharge("ann", 5_000_000)
    assert notify.low_balance_sweep() == (0, 1)  # above again: the mark is cleared
    fake_clock.advance(minutes=1)
    spend("ann", 5_500_000)
    assert notify.low_balance_sweep() == (1, 0)  # a new crossing, a new warning
    assert len(mails("low_balance")) == 2


def test_low_balance_per_user_threshold_and_off(any_db) -> None:
    ann, bob = user(), user("bob", "bob@example.com")
    settings.set("low_balance_threshold_micros", 0)  # globally off
    notify.set_preferences(ann.id, [], 1_000_000)  # ann wants a warning below 1.00
    assert notify.low_balance_sweep() == (1, 0)
    assert [m.user_id for m in mails("low_balance")] == [ann.id]
    settings.set("low_balance_threshold_micros", 1_000_000)
    notify.set_preferences(bob.id, ["low_balance"], None)  # bob opted out: marked, no mail
    assert notify.low_balance_sweep() == (0, 0)
    assert [m.user_id for m in mails("low_balance")] == [ann.id]


def test_concurrent_sweeps_warn_once(sqlite_db) -> None:
    for n in range(5):
        user(f"u{n}", f"u{n}@example.com")
    results: list[tuple[int, int]] = []
    threads = [threading.Thread(target=lambda: results.append(notify.low_balance_sweep()))
               for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sum(r[0] for r in results) == 5
    assert len(mails("low_balance")) == 5


def test_signin_alert_for_a_new_device_or_address_only(any_db) -> None:
    ann = user()
    firefox = "Mozilla/5.0 (X11; Linux x86_64; rv:120.0) Gecko/20100101 Firefox/120.0"
    chrome = ("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/120.0.0.0 Safari/537.36")

    def sign(ip: str, agent: str) -> bool:
        attempt = signins.record_signin(ann, ip, agent, True)
        return notify.signed_in(ann.id, attempt.id, "zh_CN")

    assert not sign("10.0.0.1", firefox)  # the first sign-in ever: nothing to compare
    assert not sign("10.0.0.1", firefox)  # known device and address
    assert sign("10.0.0.1", chrome)  # new browser
    assert sign("10.0.0.9", firefox)  # new address
    security = mails("security")
    assert len(security) == 2 and all(m.lang == "zh_CN" for m in security)
    assert "10.0.0.9" in security[1].text_body
    assert "unsubscribe" not in security[1].text_body  # always sent: no opt-out
    assert accounts.get_user("ann").lang == "zh_CN"


def test_security_alerts_ignore_opt_outs(any_db) -> None:
    ann = user()
    with pytest.raises(ValidationError):
        notify.set_preferences(ann.id, ["security"], None)


def test_a_ban_alerts_the_operator_once(any_db) -> None:
    bans.ban("192.0.2.7", reason="login", failures=10)
    assert mails() == []  # no operator email set
    settings.set("operator_email", "ops@example.com")
    bans.ban("192.0.2.8", reason="login", failures=10)
    bans.ban("192.0.2.8", reason="login", failures=11)  # already banned: no new ban, no mail
    [mail] = mails("security")
    assert mail.to_addr == "ops@example.com" and "192.0.2.8" in mail.subject


def test_operator_email_setting_is_checked(any_db) -> None:
    with pytest.raises(ValidationError):
        settings.set("operator_email", "not an address")


def test_announcement_email_goes_to_those_who_did_not_opt_out(any_db) -> None:
    ann, bob = user(), user("bob", "bob@example.com")
    user("cid", "cid@example.com")
    accounts.set_status("cid", "disabled")
    notify.set_preferences(bob.id, ["announcement"], None)
    announcements.post("Quiet", "No mail for this one.")
    assert mails("announcement") == []
    row = announcements.post("Maintenance", "Down <Sunday>.", email=True)
    [mail] = mails("announcement")
    assert (mail.user_id, mail.subject) == (ann.id, "Maintenance")
    assert "&lt;Sunday&gt;" in (mail.html_body or "") and "<Sunday>" in mail.text_body
    assert notify.announcement(row) == 0  # at most once per user


def test_major_policy_version_emails_every_consenting_user(any_db) -> None:
    ann, bob = user(), user("bob", "bob@example.com")
    user("cid", "cid@example.com")  # never consented
    version = policy.current().version
    privacy.record_consent("ann", version)
    privacy.record_consent("bob", version)
    notify.set_preferences(bob.id, ["announcement", "receipt", "low_balance"], None)
    policy.publish("2099-01-01", major=False)
    assert mails("policy") == []
    policy.publish("2099-02-01", major=True)
    assert sorted(m.user_id for m in mails("policy")) == [ann.id, bob.id]  # no opt-out


def test_unsubscribe_by_token(any_db) -> None:
    ann = user()
    recharges.recharge("ann", 1_000_000)
    token = accounts.get_user("ann").unsubscribe_token
    assert token and token in mails("receipt")[0].text_body
    assert notify.unsubscribe(token, "receipt") == ["receipt"]
    assert notify.unsubscribe(token, None) == list(notify.OPTIONAL)
    assert notify.preferences(ann.id) == (list(notify.OPTIONAL), None)
    with pytest.raises(NotFound):
        notify.unsubscribe("wrong", None)
    with pytest.raises(NotFound):
        notify.unsubscribe("", None)


def test_links_use_the_public_base_url(any_db) -> None:
    settings.set("public_base_url", "https://relay.example.com/")
    assert notify.portal_link("/reset/x") == "https://relay.example.com/portal/reset/x"


def test_a_broken_mail_never_undoes_the_credit(any_db, monkeypatch, caplog) -> None:
    user()

    def broken(*args, **kwargs):
        raise jinja2.TemplateError("broken template")

    monkeypatch.setattr(notify, "render", broken)
    record = recharges.recharge("ann", 1_000_000)
    assert accounts.get_user("ann").balance_micros == 1_000_000 and record.status == "paid"
    assert mails() == [] and "could not queue the receipt mail" in caplog.text
