"""Admin API: user groups (what `relaydesk group` does).

``multiplier`` is decimal text ("0.8") or a whole number, never a JSON number with a fraction:
it is applied exactly, so it must arrive exactly. ``models: null`` (or ``[]``) allows every
model; ``description: null`` clears it.
"""

from typing import Any

from aiohttp import web

from app import groups, views
from relay import errors
from relay.admin import common as c
from relay.admin.auth import actor, admin_only
from relay.state import STATE

FIELDS = ("name", "multiplier", "models", "description")


def _multiplier(data: dict[str, Any]) -> Any:
    value = data.get("multiplier", c.MISSING)
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, float):
        raise errors.bad_request('multiplier must be decimal text such as "0.8", not a JSON '
                                 "number with a fraction.", "multiplier")
    return c.text(data, "multiplier")


def _counted(name: str) -> dict[str, Any]:
    return next(views.group(g) for g in groups.list_groups() if g.name == name)


def _add(name: str, options: dict[str, Any], who: str) -> dict[str, Any]:
    return _counted(groups.add_group(name, actor=who, **options).name)


def _update(name: str, options: dict[str, Any], who: str) -> dict[str, Any]:
    return _counted(groups.update_group(name, actor=who, **options).name)


def _options(data: dict[str, Any]) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if (multiplier := _multiplier(data)) is not c.MISSING:
        options["multiplier"] = multiplier
    if (models := c.text_list(data, "models")) is not c.MISSING:
        options["models"] = models
    if (description := c.text(data, "description", nullable=True)) is not c.MISSING:
        options["description"] = description or ""
    return options


@admin_only
async def list_groups(request: web.Request) -> web.Response:
    return c.listing(await c.run_view(request, views.group, groups.list_groups))


@admin_only
async def create_group(request: web.Request) -> web.Response:
    data = await c.body(request, FIELDS)
    name = c.text(data, "name", required=True)
    view = await request.app[STATE].dbx.run(_add, name, _options(data), actor(request))
    return c.reply(view, status=201)


@admin_only
async def get_group(request: web.Request) -> web.Response:
    return c.reply(await c.run_view(request, views.group, groups.get_group,
                                    c.path_text(request, "name")))


@admin_only
async def update_group(request: web.Request) -> web.Response:
    """Change the multiplier, models or description, or rename (``name``)."""
    data = await c.body(request, FIELDS)
    options = _options(data)
    if (new_name := c.text(data, "name")) is not c.MISSING:
        options["new_name"] = new_name
    if not data:
        raise errors.bad_request(f"Nothing to change; send one of {', '.join(FIELDS)}.")
    view = await request.app[STATE].dbx.run(_update, c.path_text(request, "name"), options,
                                            actor(request))
    return c.reply(view)


@admin_only
async def remove_group(request: web.Request) -> web.Response:
    """Refused (409, naming how many) while the group has users."""
    name = c.path_text(request, "name")
    await request.app[STATE].dbx.run(groups.remove_group, name, actor=actor(request))
    return c.reply({"name": name, "deleted": True})


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/admin/api/groups", list_groups)
    r.add_post("/admin/api/groups", create_group)
    r.add_get("/admin/api/groups/{name}", get_group)
    r.add_patch("/admin/api/groups/{name}", update_group)
    r.add_delete("/admin/api/groups/{name}", remove_group)
