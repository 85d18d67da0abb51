"""What the portal's hostile tests share: its routes and forms read from the router and the
rendered pages (so a page added later is covered without editing a test), two users with
everything a user can own, and a snapshot of every table for "changes nothing"."""

import re
import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import aiohttp
from aiohttp import web

from app import (
    apikeys,
    deletion_requests,
    recharges,
    requestlog,
    retention,
)
from app.models import ALL_MODELS
from relay.portal.common import PORTAL
from tests.relay.portal.conftest import (
    Browser,
    Portal,
    make_user,
    new_browser,
)

SIGNIN_FORM = 'action="/portal/signin"'
VARIABLE = re.compile(r"\{([^}:]+)(?::[^}]*)?\}")


# ---- what the router and the pages offer ---------------------------------------------------

@dataclass(frozen=True)
class Route:
    method: str
    path: str  # as registered, with {variables}

    @property
    def variables(self) -> list[str]:
        return VARIABLE.findall(self.path)

    def fill(self, values: dict[str, str]) -> str:
        return VARIABLE.sub(lambda m: quote(values[m.group(1)], safe=""), self.path)


def routes(portal: Portal, method: str) -> list[Route]:
    """Every portal route answering ``method`` (static files aside), from the router."""
    assert portal.server.app is not None
    sub = portal.server.app[PORTAL]
    found = []
    for resource in sub.router.resources():
        if isinstance(resource, web.StaticResource):
            continue
        for route in resource:
            if route.method == method:
                found.append(Route(method, resource.canonical))
    assert found, f"no {method} routes found: is the portal mounted?"
    return found


@dataclass
class Form:
    page: str
    action: str
    fields: dict[str, str] = field(default_factory=dict)
    passwords: list[str] = field(default_factory=list)  # required current-password fields


class _FormParser(HTMLParser):
    """The POST forms of a page, with their fields' default values."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.page = page
        self.forms: list[Form] = []
        self._current: Form | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "get").lower() == "post":
            self._current = Form(self.page, a.get("action") or self.page)
        elif self._current is not None and tag in ("input", "textarea", "select", "button"):
            name = a.get("name")
            if (name and a.get("type") == "password" and "required" in a
                    and a.get("autocomplete") == "current-password"):
                self._current.passwords.append(name)
            if name and (a.get("type") not in ("checkbox", "radio") or "checked" in a
                         or name not in self._current.fields):
                self._current.fields[name] = a.get("value", "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "form" and self._current is not None:
            self.forms.append(self._current)
            self._current = None


def forms_of(page_path: str, html: str) -> list[Form]:
    parser = _FormParser(page_path)
    parser.feed(html)
    return parser.forms


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table: what "changes nothing" compares. The retention job's own
    audit entry is left out: it runs once at start, whenever the loop gets to it."""
    rows = {model._meta.table_name: sorted(model.select().tuples(), key=repr)
            for model in ALL_MODELS}
    rows["audit_event"] = [row for row in rows["audit_event"]
                           if retention.AUDIT_ACTION not in row]
    return rows


# ---- two users with everything a user can own ----------------------------------------------

@dataclass
class Owner:
    """A user's rows: the ids another user will try, and text that must not leak."""

    username: str
    ids: dict[str, str]
    secrets_: list[str]


def own_things(username: str) -> Owner:
    user = make_user(username, balance_micros=5_000_000)
    key_row, plaintext = apikeys.create_key(username, name=f"{username}-laptop")
    record = recharges.recharge(username, 1_234_000, note=f"{username}-topup")
    request_id = f"req-{username}-{secrets.token_hex(4)}"
    requestlog.insert_many([{"request_id": request_id, "user": user.id, "api_key": key_row.id,
                             "username": username, "model": f"model-of-{username}",
                             "prompt_tokens": 11, "completion_tokens": 7, "cost_micros": 42,
                             "created_at": datetime.now()}])
    deletion = deletion_requests.request_deletion(username)
    log_id = str(requestlog.query(username=username, limit=1)[0].id)
    ids = {"key": str(key_row.id), "recharge": str(record.id), "order": record.order_no,
           "log": log_id, "request": request_id, "deletion": str(deletion.id),
           "user": str(user.id)}
    leaks = [f"{username}@example.com", f"{username}-laptop", record.order_no, request_id,
             f"model-of-{username}", apikeys.display_prefix(plaintext), f"{username}-topup"]
    return Owner(username, ids, leaks)


def _guess(variable: str, owner: Owner) -> list[str]:
    """The owner's ids a path variable may mean: all of them when the name says nothing."""
    name = variable.lower()
    for word, kind in (("key", "key"), ("order", "order"), ("recharge", "recharge"),
                       ("deletion", "deletion"), ("log", "log"), ("request", "request"),
                       ("user", "user")):
        if word in name:
            return [owner.ids[kind]]
    return sorted(set(owner.ids.values()))


def _fillings(route: Route, owner: Owner) -> Iterator[str]:
    """``route`` with each plausible combination of ``owner``'s ids (one variable varies)."""
    variables = route.variables
    if not variables:
        yield route.path
        return
    base = {v: _guess(v, owner)[0] for v in variables}
    for v in variables:
        for value in _guess(v, owner):
            yield route.fill({**base, v: value})


FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0"


async def signed_in(portal: Portal, username: str) -> tuple[Browser, Any]:
    context = new_browser(portal)
    b = await context.__aenter__()
    status, page = await b.sign_in(username)
    assert status == 200 and SIGNIN_FORM not in page, page[:500]
    return b, context


def check_headers(path: str, resp: aiohttp.ClientResponse) -> None:
    h = resp.headers
    csp = h.get("Content-Security-Policy", "")
    assert csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp, (path, csp)
    assert "script-src 'self'" in csp or "default-src 'self'" in csp, (path, csp)
    assert h.get("X-Frame-Options") == "DENY" or "frame-ancestors 'none'" in csp, path
    assert h.get("Referrer-Policy") in ("same-origin", "no-referrer", "strict-origin",
                                        "strict-origin-when-cross-origin"), path
    assert h.get("X-Content-Type-Options") == "nosniff", path
    assert "Access-Control-Allow-Origin" not in h, path
    assert "Access-Control-Allow-Credentials" not in h, path
