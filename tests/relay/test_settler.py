"""relay/settler.py: a finished answer is settled before its last byte leaves the relay, so a
relay killed right after answering has billed it already; what happens when that cannot be
done."""

import asyncio
import json

import aiohttp
import peewee
import pytest

from app import billing
from app.models import LedgerEntry, RequestLog, Reservation
from tests.relay.conftest import relay_options

BODY = {"model": "m1", "max_tokens": 50, "messages": [{"role": "user", "content": "hi"}]}


async def _post(h, body: dict) -> tuple[int, dict[str, str], bytes]:  # type: ignore
    """Status, headers (lower-case names) and body of one request."""
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{h.base_url}/chat/completions", json=body,
                                headers={"Authorization": f"Bearer {h.key}"}) as resp:
            raw = await resp.read()
            return resp.status, {k.lower(): v for k, v in resp.headers.items()}, raw


async def _until(predicate) -> None:  # type: ignore[no-untyped-def]
    async with asyncio.timeout(10):
        while not predicate():
            await asyncio.sleep(0.01)


def _charges(request_id: str) -> list[LedgerEntry]:
    return list(LedgerEntry.select().where((LedgerEntry.kind == "charge")
                                           & (LedgerEntry.ref == request_id)))


@pytest.mark.parametrize("stream", [False, True])
async def test_an_answer_is_settled_before_the_client_has_it(make_relay, stream) -> None:
    """With the usual settlement batches held back (an hour's flush interval, as if the relay
    died right after answering), the answer the client holds is billed already: its charge at
    the real usage, its log row, no hold left for recovery."""
    h = await make_relay(("openai",), options=relay_options(flush_interval=3600))
    body = dict(BODY, stream=True, stream_options={"include_usage": True}) if stream else BODY
    status, _headers, raw = await _post(h, body)
    assert status == 200
    assert Reservation.select().count() == 0  # nothing for recovery to guess at
    (row,) = RequestLog.select()
    usage = (json.loads(raw.split(b"data: ")[-2]) if stream else json.loads(raw))["usage"]
    assert (row.status, row.error_code, row.estimated, row.stream) == (200, None, False, stream)
    assert (row.prompt_tokens, row.completion_tokens) == (usage["prompt_tokens"],
                                                          usage["completion_tokens"])
    assert [-c.amount_micros for c in _charges(row.request_id)] == [row.cost_micros]
    assert row.cost_micros > 0
    assert billing.recover_expired() == 0
    await h.settle()  # the handler's own settlement never comes: billed once
    assert RequestLog.select().count() == 1 and len(_charges(row.request_id)) == 1
    h.assert_ledger_consistent()


async def test_the_answer_carries_the_request_id_of_its_log_row(make_relay) -> None:
    h = await make_relay(("openai",))
    status, headers, _ = await _post(h, BODY)
    await h.settle()
    (row,) = RequestLog.select()
    assert (status, headers["x-request-id"]) == (200, row.request_id)


async def test_a_settlement_the_database_refuses_still_answers_and_settles(
        make_relay, monkeypatch) -> None:
    def refuse(items):  # type: ignore[no-untyped-def]
        raise peewee.OperationalError("database is locked")

    monkeypatch.setattr(billing, "settle_each", refuse)
    h = await make_relay(("openai",))
    status, _headers, raw = await _post(h, BODY)
    assert status == 200 and json.loads(raw)["usage"]["completion_tokens"] > 0
    await h.settle()
    (row,) = RequestLog.select()
    assert (row.status, row.estimated, row.cost_micros > 0) == (200, False, True)
    assert [-c.amount_micros for c in _charges(row.request_id)] == [row.cost_micros]
    assert Reservation.select().count() == 0
    h.assert_ledger_consistent()


async def test_an_answer_recovery_already_billed_is_not_delivered(make_relay) -> None:
    h = await make_relay(("openai",))
    up = h.upstreams["openai"]
    up.scenario.fail_with = "timeout"  # the provider holds the answer until released
    request = asyncio.create_task(_post(h, BODY))
    await _until(lambda: up.requests and Reservation.select().count() == 1)
    (held,) = Reservation.select()
    billing.extend_leases([held.request_id], -1)  # this relay looked dead to another one
    assert billing.recover_expired() == 1
    up.scenario.release.set()
    status, _, raw = await request
    await h.settle()
    assert (status, json.loads(raw)["error"]["code"]) == (500, "relay_interrupted")
    (row,) = RequestLog.select()  # recovery's row; the relay's settlement found nothing left
    assert (row.status, row.error_code) == (500, "relay_interrupted")
    assert _charges(held.request_id) == []  # nothing had been delivered
    h.assert_ledger_consistent()
