"""Property-based fuzzing of /admin/api/*: arbitrary methods, paths, query strings, headers
and bodies, with and without a valid token. Never a 5xx or a traceback; every answer is the
endpoint's JSON (or an export archive) or an OpenAI-shaped error; and a refused request leaves
the database exactly as it was.

Hypothesis drives the examples synchronously, so the test owns its event loop and runs one
relay for all examples of the test.
"""

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlencode

import aiohttp
import pytest
import yarl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import accounts, admintokens, apikeys, recharges
from app.money import parse_amount
from relay.server import RelayServer
from tests.relay.admin.conftest import snapshot
from tests.relay.conftest import relay_options

# Methods the HTTP parser knows; anything else is refused by aiohttp's parser with a plain-text
# 400 before the application (and its middlewares) ever sees the request.
METHODS = ("GET", "POST", "PATCH", "DELETE", "PUT", "HEAD", "OPTIONS", "TRACE", "PROPFIND",
           "MKCOL", "LOCK", "PURGE")
SEGMENTS = ("users", "alice", "bob", "keys", "1", "2", "999", "-1", "ledger", "recharges",
            "refunds", "adjustments", "export", "logs", "settings", "bans", "127.0.0.2",
            "::1", "security-events", "tokens", "withdraw-consent", "RD2026", "%00", "..", "")
FIELDS = ("username", "email", "phone", "password", "status", "name", "allowed_models",
          "allowed_cidrs", "expires", "amount", "method", "note", "reason",
          "admin_ip_whitelist", "ban_threshold", "trusted_proxies", "relay_host", "currency")
QUERY_KEYS = ("limit", "offset", "search", "user", "username", "model", "since", "until",
              "status", "before_id", "format")
HEADER_TEXT = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
HEADER_NAMES = st.sampled_from(("Content-Type", "X-Forwarded-For", "Accept", "X-Api-Key",
                                "Origin", "Content-Encoding", "X-Anything"))

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-2**70, max_value=2**70)
    | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                max_size=4),
    max_leaves=8)


@dataclass(frozen=True)
class Call:
    method: str
    path: str
    query: str
    headers: dict[str, str]
    body: bytes | None
    auth: str


ROUTES = (("GET", "users"), ("POST", "users"), ("GET", "users/{u}"), ("PATCH", "users/{u}"),
          ("DELETE", "users/{u}"), ("POST", "users/{u}/withdraw-consent"),
          ("GET", "users/{u}/keys"), ("POST", "users/{u}/keys"), ("GET", "keys"),
          ("PATCH", "keys/{n}"), ("DELETE", "keys/{n}"), ("GET", "users/{u}/ledger"),
          ("POST", "users/{u}/recharges"), ("POST", "users/{u}/adjustments"),
          ("GET", "recharges"), ("POST", "recharges/{s}/refunds"), ("GET", "logs"),
          ("GET", "users/{u}/export"), ("GET", "settings"), ("PATCH", "settings"),
          ("GET", "bans"), ("DELETE", "bans/{s}"), ("GET", "security-events"),
          ("GET", "tokens"))
FILLERS = st.sampled_from(("alice", "bob", "nobody", "1", "2", "999", "127.0.0.2", "::1")) \
    | st.text(max_size=12)


@st.composite
def paths(draw: st.DrawFn) -> tuple[str | None, str]:
    """A real route with its placeholders filled (and its own method, most of the time), or
    arbitrary segments under /admin/api."""
    if draw(st.integers(0, 3)) == 0:
        segments = draw(st.lists(st.sampled_from(SEGMENTS) | st.text(max_size=12), max_size=4))
        return None, "/".join(quote(s, safe="") for s in segments)
    method, template = draw(st.sampled_from(ROUTES))
    parts = [quote(draw(FILLERS), safe="") if part.startswith("{") else part
             for part in template.split("/")]
    return method, "/".join(parts)


@st.composite
def calls(draw: st.DrawFn) -> Call:
    route_method, tail = draw(paths())
    method = draw(st.sampled_from(METHODS)) if route_method is None or draw(
        st.integers(0, 4)) == 0 else route_method
    path = "/admin/api" + ("/" + tail if tail or draw(st.booleans()) else "")
    query = urlencode(draw(st.dictionaries(
        st.sampled_from(QUERY_KEYS),
        st.text(max_size=12) | st.integers(-5, 10**6).map(str), max_size=3)))
    body = draw(st.one_of(
        st.none(),
        st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=4).map(
            lambda d: json.dumps(d).encode()),
        json_values.map(lambda v: json.dumps(v).encode()),
        st.binary(max_size=120)))
    headers = draw(st.dictionaries(HEADER_NAMES, HEADER_TEXT, max_size=3))
    auth = draw(st.sampled_from(("valid", "valid", "none", "garbage", "rdadm-")))
    return Call(method, path, query, headers, body, auth)


class Driver:
    """A relay on a loop this test owns, and a client session on the same loop."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.server = RelayServer("127.0.0.1", 0, options=relay_options(), shutdown_timeout=1.0)
        self.loop.run_until_complete(self.server.start())
        self.session = self.loop.run_until_complete(self._session())

    @staticmethod
    async def _session() -> aiohttp.ClientSession:
        return aiohttp.ClientSession(auto_decompress=False)

    def send(self, call: Call, token: str) -> tuple[int, dict[str, str], bytes]:
        headers = dict(call.headers)
        if call.auth == "valid":
            headers["Authorization"] = f"Bearer {token}"
        elif call.auth == "garbage":
            headers["Authorization"] = "Bearer x" + call.path[-5:]
        elif call.auth == "rdadm-":
            headers["Authorization"] = "Bearer rdadm-" + "A" * 43
        url = yarl.URL(f"http://127.0.0.1:{self.server.port}{call.path}"
                       + (f"?{call.query}" if call.query else ""), encoded=True)

        async def go() -> tuple[int, dict[str, str], bytes]:
            async with self.session.request(call.method, url, data=call.body,
                                            headers=headers) as response:
                return response.status, dict(response.headers), await response.read()
        return self.loop.run_until_complete(asyncio.wait_for(go(), 30))

    def close(self) -> None:
        self.loop.run_until_complete(self.session.close())
        self.loop.run_until_complete(self.server.stop())
        self.loop.run_until_complete(self.loop.shutdown_asyncgens())
        self.loop.close()


@pytest.fixture
def driver(sqlite_db) -> Iterator[tuple[Driver, str]]:  # type: ignore[no-untyped-def]
    accounts.add_user("alice", "alice@example.com")
    recharges.recharge("alice", parse_amount("10"))
    apikeys.create_key("alice")
    _, token = admintokens.create_token("fuzz")
    d = Driver()
    try:
        yield d, token
    finally:
        d.close()


def check_response(call: Call, status: int, headers: dict[str, str], raw: bytes) -> None:
    text = raw.decode("utf-8", "replace")
    assert status < 500, (call, status, text)
    assert "Traceback" not in text and 'File "' not in text, (call, text)
    if call.method == "OPTIONS":
        assert status == 204 and raw == b""
        return
    if call.method == "HEAD" or (status == 200 and headers.get("Content-Type")
                                 == "application/zip"):
        return
    body: Any = json.loads(raw)
    if status >= 400:
        assert set(body) == {"error"}, (call, body)
        assert set(body["error"]) == {"message", "type", "param", "code"}, (call, body)
        assert isinstance(body["error"]["message"], str) and body["error"]["message"]
    else:
        assert isinstance(body, dict) and "error" not in body, (call, body)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(call=calls())
def test_admin_api_never_fails_badly(driver, call: Call) -> None:
    relay, token = driver
    before = snapshot()
    status, headers, raw = relay.send(call, token)
    check_response(call, status, headers, raw)
    if status >= 400:
        assert snapshot() == before, call


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(call=calls())
def test_without_a_valid_token_everything_is_403(driver, call: Call) -> None:
    relay, token = driver
    if call.auth == "valid" or call.method == "OPTIONS":
        call = Call(call.method if call.method != "OPTIONS" else "GET", call.path, call.query,
                    call.headers, call.body, "none")
    before = snapshot()
    status, headers, raw = relay.send(call, token)
    check_response(call, status, headers, raw)
    assert status == 403, (call, raw)
    if call.method != "HEAD":
        assert json.loads(raw)["error"]["code"] == "invalid_admin_token"
    assert snapshot() == before
