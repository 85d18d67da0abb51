"""relay.guard: failure counting and bans with an injected monotonic clock on a real database
executor, and the guard middleware end to end (bans, the relay allowlist, trusted proxies)."""

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import aiohttp
import httpx2
import openai
import pytest
from multidict import CIMultiDict

from app import apikeys, bans, events, settings
from app.models import AuditEvent, IpBan
from relay.dbexec import DatabaseExecutor
from relay.guard import Guard
from tests.relay.conftest import USER

OTHER = "127.0.0.2"  # loopback, yet "another host": the machine itself is never banned
MESSAGES = [{"role": "user", "content": "hi"}]


class Monotonic:
    def __init__(self) -> None:
        self.now = 5_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Rig:
    guard: Guard
    dbx: DatabaseExecutor
    mono: Monotonic
    fake_clock: object

    def advance(self, seconds: float) -> None:
        """Both clocks move together, as they do in a running relay."""
        self.mono.now += seconds
        self.fake_clock.advance(seconds=seconds)  # type: ignore[attr-defined]

    async def fail(self, ip: str, times: int) -> list[bool]:
        return [await self.guard.failure(ip, "invalid_api_key") for _ in range(times)]


@pytest.fixture
async def rig(sqlite_db, fake_clock) -> AsyncIterator[Rig]:
    settings.set("ban_threshold", 3)
    settings.set("ban_window_seconds", 60)
    settings.set("ban_minutes", 15)
    dbx = DatabaseExecutor()
    mono = Monotonic()
    guard = Guard(dbx, ttl=2.0, monotonic=mono)
    await guard.refresh()
    yield Rig(guard, dbx, mono, fake_clock)
    guard.close()
    dbx.shutdown()


@contextmanager
def another_process() -> Iterator[None]:
    """Writes made meanwhile emit no in-process events, as if another process made them."""
    original = events.emit
    events.emit = lambda topic: None  # type: ignore[assignment]
    try:
        yield
    finally:
        events.emit = original  # type: ignore[assignment]


async def test_threshold_failures_ban(rig: Rig) -> None:
    assert await rig.fail(OTHER, 2) == [False, False]
    assert await rig.guard.ban_remaining(OTHER) is None
    assert IpBan.select().count() == 0
    assert await rig.fail(OTHER, 1) == [True]
    (row,) = IpBan.select()
    assert (row.ip, row.reason, row.failures) == (OTHER, "invalid_api_key", 3)
    assert await rig.guard.ban_remaining(OTHER) == pytest.approx(15 * 60)
    (event,) = AuditEvent.select().where(AuditEvent.action == bans.BANNED)
    assert event.target == OTHER and event.detail["failures"] == 3
    assert await rig.guard.ban_remaining("127.0.0.3") is None  # only that address


async def test_ipv6_failures_count_per_slash_64_and_the_ban_covers_it(rig: Rig) -> None:
    """Rotating through addresses of one /64 neither escapes the count nor the ban."""
    assert await rig.fail("2001:db8:0:1::a", 1) == [False]
    assert await rig.fail("2001:db8:0:1::b", 1) == [False]
    assert await rig.fail("2001:db8:0:1:ffff::c", 1) == [True]
    assert [row.ip for row in IpBan.select()] == ["2001:db8:0:1::/64"]
    assert await rig.guard.ban_remaining("2001:db8:0:1:1234::99") == pytest.approx(15 * 60)
    assert await rig.guard.ban_remaining("2001:db8:0:2::a") is None  # the next /64 is free


async def test_failures_outside_the_window_do_not_count(rig: Rig) -> None:
    await rig.fail(OTHER, 2)
    rig.advance(60)  # the first two are now exactly a window old: out
    assert await rig.fail(OTHER, 2) == [False, False]
    rig.advance(59)
    assert await rig.fail(OTHER, 1) == [True]  # three within the last 60 s
    assert IpBan.select().count() == 1


async def test_failures_are_counted_per_address(rig: Rig) -> None:
    assert await rig.fail("127.0.0.2", 2) == [False, False]
    assert await rig.fail("127.0.0.3", 2) == [False, False]
    assert await rig.fail("2001:db8::5", 2) == [False, False]
    assert IpBan.select().count() == 0


async def test_the_machine_itself_is_never_banned(rig: Rig) -> None:
    assert not any(await rig.fail("127.0.0.1", 20))
    assert not any(await rig.fail("::1", 20))
    assert not any(await rig.fail("::ffff:127.0.0.1", 20))
    assert not any(await rig.fail(None, 20))  # type: ignore[arg-type]
    assert IpBan.select().count() == 0
    assert await rig.guard.ban_remaining("127.0.0.1") is None


async def test_threshold_zero_never_bans(rig: Rig) -> None:
    settings.set("ban_threshold", 0)
    await rig.guard.fresh()
    assert not any(await rig.fail(OTHER, 50))
    assert IpBan.select().count() == 0


async def test_ban_remaining_counts_down_and_ends(rig: Rig) -> None:
    await rig.fail(OTHER, 3)
    rig.advance(60)
    assert await rig.guard.ban_remaining(OTHER) == pytest.approx(14 * 60)
    rig.advance(14 * 60 - 1)  # crosses the TTL: reloaded from the database, same answer
    assert await rig.guard.ban_remaining(OTHER) == pytest.approx(1)
    rig.advance(1)
    assert await rig.guard.ban_remaining(OTHER) is None
    assert bans.active_bans() == []


async def test_unban_in_this_process_is_honoured_by_the_next_check(rig: Rig) -> None:
    await rig.fail(OTHER, 3)
    assert await rig.guard.ban_remaining(OTHER) is not None
    bans.unban(OTHER)  # e.g. the GUI's unban button; no time passes
    assert await rig.guard.ban_remaining(OTHER) is None
    # and the count starts afresh: one more failure is not a ban
    assert await rig.fail(OTHER, 1) == [False]


async def test_ban_in_this_process_is_seen_by_the_next_check(rig: Rig) -> None:
    bans.ban("10.9.9.9", reason="manual", actor="admin")
    assert await rig.guard.ban_remaining("10.9.9.9") == pytest.approx(15 * 60)


async def test_concurrent_checks_after_a_change_all_see_it(rig: Rig) -> None:
    bans.ban("10.9.9.9", reason="manual", actor="admin")
    results = await asyncio.gather(*(rig.guard.ban_remaining("10.9.9.9") for _ in range(20)))
    assert all(r == pytest.approx(15 * 60) for r in results)


async def test_settings_change_in_this_process_is_seen_by_the_next_check(rig: Rig) -> None:
    assert rig.guard.policy.relay_allows("127.0.0.1")
    settings.set("relay_allowed_cidrs", ["10.0.0.0/8"])
    settings.set("trusted_proxies", ["127.0.0.1/32"])
    await rig.guard.fresh()
    assert not rig.guard.policy.relay_allows("127.0.0.1")
    assert rig.guard.admit("127.0.0.1", "10.1.2.3")[0] == "10.1.2.3"


async def test_ban_by_another_process_is_seen_after_the_ttl(rig: Rig) -> None:
    with another_process():
        bans.ban("10.9.9.9", reason="invalid_api_key", actor="relay")
    for _ in range(5):  # within the TTL nothing is reloaded, however often we ask
        assert await rig.guard.ban_remaining("10.9.9.9") is None
        await asyncio.sleep(0)
    rig.advance(2.5)
    async with asyncio.timeout(5):  # the TTL reload runs in the background: wait for it
        while await rig.guard.ban_remaining("10.9.9.9") is None:
            await asyncio.sleep(0.001)
    assert await rig.guard.ban_remaining("10.9.9.9") == pytest.approx(15 * 60 - 2.5)


async def test_unreachable_database_keeps_the_last_policy(rig: Rig, monkeypatch) -> None:
    await rig.fail(OTHER, 3)

    async def broken(fn, *args, **kwargs):
        raise ConnectionError("database went away")

    monkeypatch.setattr(rig.dbx, "run", broken)
    settings.set("relay_allowed_cidrs", ["10.0.0.0/8"])  # marks the guard dirty
    assert await rig.guard.ban_remaining(OTHER) == pytest.approx(15 * 60)  # no exception
    assert rig.guard.policy.relay_allows("127.0.0.1")  # the last policy stays


# ---- end to end: a real relay, real sockets from 127.0.0.2 --------------------------------


def sdk_from(h, address: str, **kwargs: object) -> openai.AsyncOpenAI:
    """The openai SDK connecting from ``address`` (any 127.x address is this machine)."""
    http = httpx2.AsyncClient(transport=httpx2.AsyncHTTPTransport(local_address=address))
    return h.client(http_client=http, **kwargs)


def session_from(address: str) -> aiohttp.ClientSession:
    return aiohttp.ClientSession(connector=aiohttp.TCPConnector(local_addr=(address, 0)))


async def chat(client: openai.AsyncOpenAI) -> str:
    reply = await client.chat.completions.create(model="m1", messages=MESSAGES)
    return reply.choices[0].message.content or ""


async def test_invalid_keys_get_the_address_banned(make_relay) -> None:
    settings.set("ban_threshold", 3)
    h = await make_relay()
    async with sdk_from(h, OTHER, api_key="sk-wrong-key") as bad:
        for _ in range(3):
            with pytest.raises(openai.AuthenticationError):
                await bad.models.list()
        with pytest.raises(openai.PermissionDeniedError) as refused:
            await bad.models.list()
    assert refused.value.code == "ip_banned"
    assert 14 * 60 < int(refused.value.response.headers["Retry-After"]) <= 15 * 60
    (row,) = IpBan.select()
    assert (row.ip, row.failures) == (OTHER, 3)
    async with sdk_from(h, OTHER) as good_key_banned_address:
        with pytest.raises(openai.PermissionDeniedError) as refused:
            await chat(good_key_banned_address)
    assert refused.value.code == "ip_banned"
    async with h.client() as local:
        assert await chat(local) == "Hello there!"
    bans.unban(OTHER)  # the operator lifts it: the very next request gets through
    async with sdk_from(h, OTHER) as unbanned:
        assert await chat(unbanned) == "Hello there!"
    await h.settle()
    assert [log.client_ip for log in h.logs()] == ["127.0.0.1", OTHER]


async def test_missing_key_does_not_count_towards_a_ban(make_relay) -> None:
    settings.set("ban_threshold", 2)
    h = await make_relay()
    async with session_from(OTHER) as session:
        for _ in range(4):
            async with session.get(f"{h.base_url}/models") as resp:
                assert resp.status == 401
    assert IpBan.select().count() == 0


async def test_relay_allowlist_refuses_v1_but_not_healthz(make_relay) -> None:
    h = await make_relay()
    async with h.client() as client:
        assert [m.id for m in (await client.models.list()).data] == ["m1"]
        settings.set("relay_allowed_cidrs", ["10.0.0.0/8"])  # running relay, same process
        with pytest.raises(openai.PermissionDeniedError) as refused:
            await client.models.list()
        assert refused.value.code == "ip_not_allowed"
        async with aiohttp.ClientSession() as session:
            async with session.get(f"http://127.0.0.1:{h.server.port}/healthz") as resp:
                assert resp.status == 200
            async with session.post(f"http://127.0.0.1:{h.server.port}/chat/completions",
                                    json={"model": "m1", "messages": MESSAGES},
                                    headers={"Authorization": f"Bearer {h.key}"}) as resp:
                assert resp.status == 403  # the unprefixed alias is /v1 too
                assert (await resp.json())["error"]["code"] == "ip_not_allowed"
        settings.set("relay_allowed_cidrs", ["127.0.0.0/8"])
        assert await chat(client) == "Hello there!"


async def test_admin_prefix_is_no_way_around_the_allowlist(make_relay) -> None:
    """/admin/ paths skip the allowlist (the admin API has its own whitelist); dot segments
    must not turn such a path into a /v1 one."""
    settings.set("relay_allowed_cidrs", ["10.0.0.0/8"])
    h = await make_relay()
    reader, writer = await asyncio.open_connection("127.0.0.1", h.server.port)
    try:
        for path in ("/admin/../v1/models", "/admin/%2e%2e/v1/models"):
            writer.write(f"GET {path} HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {h.key}\r\n"
                         f"Connection: keep-alive\r\n\r\n".encode())
            await writer.drain()
            status = await reader.readline()
            headers = {}
            while (line := await reader.readline()) not in (b"\r\n", b""):
                name, _, value = line.decode().partition(":")
                headers[name.strip().lower()] = value.strip()
            body = await reader.readexactly(int(headers["content-length"]))
            assert b" 200 " not in status, (path, status, body)
            assert b'"m1"' not in body
    finally:
        writer.close()
        await writer.wait_closed()


async def test_forwarded_for_believed_only_from_trusted_proxies(make_relay) -> None:
    settings.set("trusted_proxies", ["127.0.0.1/32"])
    h = await make_relay()
    _, office_key = apikeys.create_key(USER, name="office", cidrs=["10.1.2.3/32"])
    via_proxy = {"X-Forwarded-For": "10.1.2.3"}
    async with h.client(api_key=office_key, default_headers=via_proxy) as proxied:
        assert await chat(proxied) == "Hello there!"
    async with sdk_from(h, OTHER, api_key=office_key, default_headers=via_proxy) as direct:
        with pytest.raises(openai.PermissionDeniedError) as refused:
            await chat(direct)  # 127.0.0.2 is no proxy: its header is ignored
    assert refused.value.code == "ip_not_allowed"
    # the client prepends a claim; the proxy appends the real address
    spoofed = {"X-Forwarded-For": "10.1.2.3, 192.168.7.7"}
    async with h.client(api_key=office_key, default_headers=spoofed) as liar:
        with pytest.raises(openai.PermissionDeniedError) as refused:
            await chat(liar)
    assert refused.value.code == "ip_not_allowed"
    await h.settle()
    assert [log.client_ip for log in h.logs()] == ["10.1.2.3"]


async def test_forwarded_for_split_over_header_lines(make_relay) -> None:
    """A proxy that adds its own X-Forwarded-For line must not leave the client's line as the
    only one read: the lines are one list, and the last entry is the proxy's."""
    settings.set("trusted_proxies", ["127.0.0.1/32"])
    h = await make_relay()
    _, office_key = apikeys.create_key(USER, name="office", cidrs=["10.1.2.3/32"])
    headers = [("Authorization", f"Bearer {office_key}"),
               ("X-Forwarded-For", "10.1.2.3"),  # the client's claim
               ("X-Forwarded-For", "192.168.7.7")]  # added by the proxy
    async with aiohttp.ClientSession() as session:
        async with session.get(f"{h.base_url}/models",
                               headers=CIMultiDict(headers)) as resp:
            assert resp.status == 403
            assert (await resp.json())["error"]["code"] == "ip_not_allowed"
        honest = [("Authorization", f"Bearer {office_key}"),
                  ("X-Forwarded-For", "192.168.7.7"), ("X-Forwarded-For", "10.1.2.3")]
        async with session.get(f"{h.base_url}/models",
                               headers=CIMultiDict(honest)) as resp:
            assert resp.status == 200


async def test_forwarded_address_is_what_gets_banned(make_relay) -> None:
    settings.set("trusted_proxies", ["127.0.0.1/32"])
    settings.set("ban_threshold", 2)
    h = await make_relay()
    async with h.client(api_key="sk-nope", default_headers={"X-Forwarded-For": "10.5.5.5"}
                        ) as bad:
        for _ in range(2):
            with pytest.raises(openai.AuthenticationError):
                await bad.models.list()
        with pytest.raises(openai.PermissionDeniedError) as refused:
            await bad.models.list()
    assert refused.value.code == "ip_banned"
    assert [b.ip for b in bans.active_bans()] == ["10.5.5.5"]
    async with h.client() as local:  # the proxy itself (everyone else behind it) is fine
        assert await chat(local) == "Hello there!"


def test_admit_is_the_policy_decision_and_follows_policy_changes() -> None:
    from app import netpolicy

    guard = Guard(None)  # type: ignore[arg-type]  # no database needed for in-memory decisions
    try:
        guard.policy = netpolicy.Policy(relay_allowlist=netpolicy.networks(["10.0.0.0/8"]),
                                        trusted_proxies=netpolicy.networks(["127.0.0.1/32"]))
        assert guard.admit("10.1.1.1", None) == ("10.1.1.1", True)
        assert guard.admit("192.168.1.5", None) == ("192.168.1.5", False)
        assert guard.admit("127.0.0.1", "192.168.1.5") == ("192.168.1.5", False)
        assert guard.admit("127.0.0.1", "10.2.2.2") == ("10.2.2.2", True)
        assert guard.admit("192.168.1.5", None) == ("192.168.1.5", False)  # remembered
        guard.policy = netpolicy.Policy()  # a new policy: nothing remembered applies
        assert guard.admit("192.168.1.5", None) == ("192.168.1.5", True)
        assert guard.admit("127.0.0.1", "10.2.2.2") == ("127.0.0.1", True)
    finally:
        guard.close()


def test_request_ids_are_unique_random_hex() -> None:
    from relay.requestid import new_request_id

    ids = [new_request_id() for _ in range(2000)]  # crosses several refills
    assert len(set(ids)) == len(ids)
    assert all(i.startswith("req_") and len(i) == 28 and int(i[4:], 16) >= 0 for i in ids)
