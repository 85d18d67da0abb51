"""Admin API: outgoing email (what `relaydesk mail` and the GUI's Mail page do).

``GET /admin/api/mail/settings`` and ``PATCH`` it with ``host``, ``port``, ``security``,
``username``, ``sender`` and ``password`` (the password goes to the OS keyring; ``""`` or null
removes it; it is never returned). ``POST /admin/api/mail/test`` ``{"to": …}`` queues a test
email; ``GET /admin/api/mail?status=`` lists the queue; ``GET /admin/api/mail/{id}`` shows one
with its bodies; ``POST /admin/api/mail/{id}/retry`` sends a failed one again.
"""

import asyncio
from typing import Any

from aiohttp import web

from app import mailer, mailqueue, settings
from app.db import write_transaction
from app.errors import ValidationError
from relay import errors
from relay.admin import common as c
from relay.admin.auth import actor, admin_only
from relay.state import STATE

SETTING_FIELDS = (*mailer.SETTING_NAMES, "password")


def _apply(values: dict[str, Any], who: str) -> None:
    with write_transaction():
        for key, value in values.items():
            settings.set(key, value, actor=who)


@admin_only
async def get_settings(request: web.Request) -> web.Response:
    return await _settings_reply(request)


async def _settings_reply(request: web.Request) -> web.Response:
    dbx = request.app[STATE].dbx
    values = await dbx.run(lambda: {name: settings.get(key)
                                    for name, key in mailer.SETTING_NAMES.items()})
    stored = await asyncio.to_thread(mailer.has_password)  # keyring: blocking D-Bus
    return c.reply({"object": "mail.settings", **values,
                    "password": "set" if stored else "not set"})


@admin_only
async def patch_settings(request: web.Request) -> web.Response:
    """Validated whole before anything is written: a refusal changes nothing."""
    data = await c.body(request, SETTING_FIELDS)
    if not data:
        raise ValidationError("send at least one setting to change, e.g. "
                              '{"host": "smtp.example.org"}')
    values: dict[str, Any] = {}
    for name, key in mailer.SETTING_NAMES.items():
        if name not in data:
            continue
        value = data[name]
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise errors.bad_request(f"{name} must be a string or a whole number.", name)
        values[key] = c.text(data, name) if isinstance(value, str) else value
    values = mailer.parse_settings(values)
    password = c.text(data, "password", nullable=True)
    if password is not c.MISSING:
        await asyncio.to_thread(mailer.set_password, password or None)
    if values:
        await request.app[STATE].dbx.run(_apply, values, actor(request))
    return await _settings_reply(request)


@admin_only
async def send_test(request: web.Request) -> web.Response:
    data = await c.body(request, ("to",))
    to = c.text(data, "to", required=True)
    view = await c.run_view(request, mailqueue.view, mailqueue.send_test, to,
                            actor=actor(request))
    return c.reply(view, status=201)


@admin_only
async def list_mail(request: web.Request) -> web.Response:
    status = c.query_text(request, "status")
    return c.listing(await c.run_view(request, mailqueue.view, mailqueue.list_messages, status,
                                      c.limit(request, default=100, high=mailqueue.LIST_LIMIT)),
                     counts=await request.app[STATE].dbx.run(mailqueue.counts))


def _full(row: Any) -> dict[str, Any]:
    return {**mailqueue.view(row), "text_body": row.text_body, "html_body": row.html_body}


@admin_only
async def get_mail(request: web.Request) -> web.Response:
    return c.reply(await c.run_view(request, _full, mailqueue.get, c.path_int(request, "id")))


@admin_only
async def retry_mail(request: web.Request) -> web.Response:
    return c.reply(await c.run_view(request, mailqueue.view, mailqueue.retry,
                                    c.path_int(request, "id"), actor=actor(request)))


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/admin/api/mail", list_mail)
    r.add_get("/admin/api/mail/settings", get_settings)
    r.add_patch("/admin/api/mail/settings", patch_settings)
    r.add_post("/admin/api/mail/test", send_test)
    r.add_get("/admin/api/mail/{id}", get_mail)
    r.add_post("/admin/api/mail/{id}/retry", retry_mail)
