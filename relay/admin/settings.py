"""Admin API: settings (`relaydesk settings`). Every value goes through the settings service's
own validation (CIDR lists for the whitelists, ranges for numbers); a request changing several
keys is validated whole before the first is written, so a refusal changes nothing."""

from typing import Any

from aiohttp import web

from app import netpolicy, settings
from app.errors import ValidationError
from relay import errors
from relay.admin import common as c
from relay.admin.auth import actor, admin_only
from relay.clientip import client_ip
from relay.state import STATE

TEXT_SETTINGS = {key for key, spec in settings.SPECS.items() if spec.parse is str}
LOCAL_ONLY = frozenset({"admin_ip_whitelist", "trusted_proxies"})


def _check_value(key: str, value: Any) -> Any:
    """JSON shapes a setting may take: text, whole numbers, or a list of texts (CIDRs)."""
    if key in TEXT_SETTINGS and not isinstance(value, str):
        raise errors.bad_request(f"{key} must be a string.", key)
    ok = (isinstance(value, (str, int)) and not isinstance(value, bool)) or (
        isinstance(value, list) and all(isinstance(v, str) for v in value))
    if not ok:
        raise errors.bad_request(f"{key} must be a string, a whole number or a list of "
                                 "strings.", key)
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str) and "\x00" in item:
            raise errors.bad_request(f"{key} must not contain NUL characters.", key)
    return settings.parse(key, value)


def _apply(values: dict[str, Any], who: str) -> dict[str, Any]:
    for key, value in values.items():
        settings.set(key, value, actor=who)  # audits setting.set, emits events.SETTINGS
    return settings.all_settings()


@admin_only
async def get_settings(request: web.Request) -> web.Response:
    values = await request.app[STATE].dbx.run(settings.all_settings)
    return c.reply({"object": "settings", "values": values,
                    "descriptions": {k: s.description for k, s in settings.SPECS.items()}})


@admin_only
async def patch_settings(request: web.Request) -> web.Response:
    """``{"key": value, ...}``. Who may reach the admin API (``admin_ip_whitelist``) and whose
    ``X-Forwarded-For`` is believed (``trusted_proxies``) change only from this machine, like
    admin tokens: a stolen token used remotely must not be able to widen its own access."""
    data = await c.body(request, tuple(settings.SPECS))
    if not data:
        raise ValidationError("send at least one setting to change, e.g. "
                              '{"rate_limit_rpm": 60}')
    local_only = sorted(LOCAL_ONLY.intersection(data))
    if local_only and not netpolicy.contains(netpolicy.ALWAYS_ADMIN,
                                             netpolicy.parse_address(client_ip(request))):
        raise errors.forbidden(f"{', '.join(local_only)} can only be changed on the relay's own "
                               "machine (Settings page, or `relaydesk settings set`).",
                               "setting_local_only", param=local_only[0])
    parsed = {key: _check_value(key, value) for key, value in data.items()}
    state = request.app[STATE]
    values = await state.dbx.run(_apply, parsed, actor(request))
    await state.guard.refresh()  # the new whitelist/ban settings apply from the next request
    return c.reply({"object": "settings", "values": values})


def setup(app: web.Application) -> None:
    app.router.add_get("/admin/api/settings", get_settings)
    app.router.add_patch("/admin/api/settings", patch_settings)
