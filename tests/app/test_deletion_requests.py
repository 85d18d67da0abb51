"""app.deletion_requests: a user's request waits for the operator, who approves it (the
account is deleted as app.privacy does) or rejects it with a reason; every step audited."""

import json

import pytest

from app import accounts, apikeys, audit, deletion_requests, export, privacy
from app.errors import Conflict, NotFound, ValidationError
from app.models import DeletionRequest, Reservation, User
from tests.app.support import unchanged


@pytest.fixture
def ann(any_db, fake_clock):
    return accounts.add_user("ann", "ann@example.com")


def test_a_request_waits_for_the_operator(ann, fake_clock):
    row = deletion_requests.request_deletion("ann", ip="10.0.0.9")
    assert (row.status, row.created_at) == ("pending", fake_clock())
    assert [(r.id, r.user.username) for r in deletion_requests.list_requests()] == [
        (row.id, "ann")]
    event = audit.recent(1, "deletion_request.create")[0]
    assert (event.actor, event.target, event.ip) == ("ann", "ann", "10.0.0.9")
    with unchanged(), pytest.raises(Conflict, match="already waiting"):
        deletion_requests.request_deletion("ann")
    assert User.get_by_id(ann.id).status == "active"


def test_approving_deletes_the_account(ann, fake_clock):
    apikeys.create_key("ann")
    row = deletion_requests.request_deletion("ann")
    done = deletion_requests.approve(row.id, actor="operator")
    assert (done.status, done.decided_by, done.decided_at) == ("approved", "operator",
                                                               fake_clock())
    user = User.get_by_id(ann.id)
    assert (user.username, user.email, user.status) == (privacy.tombstone_name(ann.id), None,
                                                        "deleted")
    assert deletion_requests.list_requests() == []
    assert [r.status for r in deletion_requests.list_requests(None)] == ["approved"]
    approval = audit.recent(5, "deletion_request.approve")[0]
    assert approval.target == privacy.tombstone_name(ann.id)  # the trail no longer names her
    assert not any(e.target == "ann" or e.actor == "ann" for e in audit.recent(100))


def test_a_refused_deletion_leaves_the_request_pending(ann):
    row = deletion_requests.request_deletion("ann")
    Reservation.create(request_id="req-1", user=ann.id, model="m", amount_micros=1,
                       lease_until=ann.created_at)
    with unchanged(), pytest.raises(Conflict, match="in progress"):
        deletion_requests.approve(row.id)
    assert DeletionRequest.get_by_id(row.id).status == "pending"


def test_rejecting_keeps_the_account_and_records_the_reason(ann):
    row = deletion_requests.request_deletion("ann")
    with unchanged(), pytest.raises(ValidationError) as info:
        deletion_requests.reject(row.id, "  ")
    assert info.value.param == "reason"
    done = deletion_requests.reject(row.id, "open invoices")
    assert (done.status, done.reason) == ("rejected", "open invoices")
    assert User.get_by_id(ann.id).status == "active"
    assert audit.recent(1, "deletion_request.reject")[0].detail["reason"] == "open invoices"
    assert [r.reason for r in deletion_requests.user_requests(ann)] == ["open invoices"]
    deletion_requests.request_deletion("ann")  # she may ask again


def test_a_decided_request_cannot_be_decided_again(ann):
    row = deletion_requests.request_deletion("ann")
    deletion_requests.reject(row.id, "no")
    with unchanged(), pytest.raises(Conflict, match="already rejected"):
        deletion_requests.approve(row.id)
    with unchanged(), pytest.raises(Conflict):
        deletion_requests.reject(row.id, "again")
    with pytest.raises(NotFound):
        deletion_requests.approve(row.id + 100)


def test_a_bad_status_filter_is_refused(any_db):
    with pytest.raises(ValidationError) as info:
        deletion_requests.list_requests("done")
    assert info.value.param == "status"


def test_the_users_export_holds_their_deletion_requests(ann, tmp_path):
    row = deletion_requests.request_deletion("ann")
    deletion_requests.reject(row.id, "open invoices")
    deletion_requests.request_deletion("ann")
    accounts.add_user("bob", "bob@example.com")
    deletion_requests.request_deletion("bob")
    doc = json.loads(export.export_user("ann", tmp_path / "ann.json").path.read_text())
    assert [(r["status"], r["reason"]) for r in doc["deletion_requests"]] == [
        ("rejected", "open invoices"), ("pending", None)]
