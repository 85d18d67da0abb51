"""Admin API: users and their API keys (the services `relaydesk user` and `relaydesk key` call).

Per-key rate limits (rpm/tpm/concurrency) are not editable here yet: app/apikeys.py is gaining
those fields in a parallel change, and this module will pass them through once it lands.
"""

from typing import Any

from aiohttp import web

from app import accounts, apikeys, privacy, views
from app.errors import ValidationError
from relay import errors
from relay.admin import common as c
from relay.admin.auth import actor, admin_only
from relay.state import STATE

USER_FIELDS = ("username", "email", "phone", "password")
EDIT_FIELDS = ("email", "phone", "password", "status")
KEY_FIELDS = ("name", "allowed_models", "allowed_cidrs", "expires")
KEY_EDIT_FIELDS = ("allowed_models", "allowed_cidrs", "expires")
STATUSES = ("active", "disabled")


def _given(value: Any) -> Any:
    return None if value is c.MISSING else value


@admin_only
async def list_users(request: web.Request) -> web.Response:
    users = await c.run_view(request, views.user, accounts.list_users,
                             c.query_text(request, "search"))
    return c.listing(users)


@admin_only
async def create_user(request: web.Request) -> web.Response:
    data = await c.body(request, USER_FIELDS)
    username = c.text(data, "username", required=True)
    email = c.text(data, "email", required=True)
    phone, password = c.text(data, "phone", nullable=True), c.text(data, "password")
    user = await request.app[STATE].dbx.run(
        accounts.add_user, username, email, phone=_given(phone), password=_given(password),
        actor=actor(request))
    return c.reply(views.user(user), status=201)


@admin_only
async def get_user(request: web.Request) -> web.Response:
    user = await request.app[STATE].dbx.run(accounts.get_user, c.path_text(request, "username"))
    return c.reply(views.user(user))


def _edit_user(username: str, changes: dict[str, Any], status: str | None, who: str
               ) -> dict[str, Any]:
    accounts.get_user(username)  # an unknown name is a 404 before any field is judged
    if "email" in changes:  # validate everything before the first write
        accounts.validate_email(changes["email"])
    if "phone" in changes:
        accounts.validate_phone(changes["phone"])
    user = accounts.update_user(username, actor=who, **changes)
    if status is not None and status != user.status:
        user = accounts.set_status(username, status, actor=who)
    return views.user(user)


@admin_only
async def edit_user(request: web.Request) -> web.Response:
    """Change email, phone or password, and enable/disable (``status``)."""
    data = await c.body(request, EDIT_FIELDS)
    changes = {name: value for name in ("email", "phone", "password")
               if (value := c.text(data, name, nullable=name == "phone")) is not c.MISSING}
    if changes.get("phone", "") is None:
        changes["phone"] = ""  # null clears the phone, like "" in the CLI
    status = _given(c.text(data, "status"))
    if status is not None and status not in STATUSES:
        raise errors.bad_request(f"status must be one of {', '.join(STATUSES)}.", "status")
    view = await request.app[STATE].dbx.run(_edit_user, c.path_text(request, "username"),
                                            changes, status, actor(request))
    return c.reply(view)


def _delete_user(username: str, who: str) -> dict[str, Any]:
    user = accounts.get_user(username)
    privacy.delete_user(user.username, actor=who)
    return {"id": user.id, "username": privacy.tombstone_name(user.id), "status": "deleted",
            "deleted": True}


@admin_only
async def delete_user(request: web.Request) -> web.Response:
    """The privacy deletion: profile, keys and login history erased; books kept de-identified."""
    result = await request.app[STATE].dbx.run(_delete_user, c.path_text(request, "username"),
                                              actor(request))
    return c.reply(result)


@admin_only
async def withdraw_consent(request: web.Request) -> web.Response:
    user = await request.app[STATE].dbx.run(privacy.withdraw_consent,
                                            c.path_text(request, "username"),
                                            actor=actor(request))
    return c.reply(views.user(user))


@admin_only
async def list_keys(request: web.Request) -> web.Response:
    """Keys of the user in the path, or (``/keys?username=``) of everyone."""
    username = (c.path_text(request, "username") if "username" in request.match_info
                else c.query_text(request, "username"))
    return c.listing(await c.run_view(request, views.api_key, apikeys.list_keys, username))


def _create_key(username: str, options: dict[str, Any], who: str) -> dict[str, Any]:
    key, plaintext = apikeys.create_key(username, actor=who, **options)
    return views.api_key(key) | {"key": plaintext}


@admin_only
async def create_key(request: web.Request) -> web.Response:
    """Issue a key; the plaintext is in this response and never retrievable again."""
    data = await c.body(request, KEY_FIELDS)
    options: dict[str, Any] = {}
    if (name := c.text(data, "name")) is not c.MISSING:
        options["name"] = name
    if (models := c.text_list(data, "allowed_models")) is not c.MISSING:
        options["models"] = models
    if (cidrs := c.text_list(data, "allowed_cidrs")) is not c.MISSING:
        options["cidrs"] = cidrs
    if (expires := c.text(data, "expires", nullable=True)) not in (c.MISSING, None):
        options["expires"] = expires
    view = await request.app[STATE].dbx.run(_create_key, c.path_text(request, "username"),
                                            options, actor(request))
    return c.reply(view, status=201)


def _update_key(key_id: int, models: Any, cidrs: Any, expires: Any, who: str) -> dict[str, Any]:
    apikeys.get_key(key_id)  # 404 before judging the fields
    if expires not in (c.MISSING, None):
        apikeys.parse_expiry(expires)
    key = apikeys.update_key(key_id, models=_given(models), cidrs=_given(cidrs),
                             expires=_given(expires), clear_expiry=expires is None, actor=who)
    return views.api_key(key)


@admin_only
async def update_key(request: web.Request) -> web.Response:
    """Change a key's model list, address list or expiry (``"expires": null`` clears it)."""
    data = await c.body(request, KEY_EDIT_FIELDS)
    models, cidrs = c.text_list(data, "allowed_models"), c.text_list(data, "allowed_cidrs")
    expires = c.text(data, "expires", nullable=True)
    if not data:
        raise ValidationError(f"nothing to change; send one of {', '.join(KEY_EDIT_FIELDS)}")
    view = await request.app[STATE].dbx.run(_update_key, c.path_int(request, "key_id"), models,
                                            cidrs, expires, actor(request))
    return c.reply(view)


@admin_only
async def revoke_key(request: web.Request) -> web.Response:
    return c.reply(await c.run_view(request, views.api_key, apikeys.revoke_key,
                                    c.path_int(request, "key_id"), actor=actor(request)))


def setup(app: web.Application) -> None:
    r = app.router
    r.add_get("/admin/api/users", list_users)
    r.add_post("/admin/api/users", create_user)
    r.add_get("/admin/api/users/{username}", get_user)
    r.add_patch("/admin/api/users/{username}", edit_user)
    r.add_delete("/admin/api/users/{username}", delete_user)
    r.add_post("/admin/api/users/{username}/withdraw-consent", withdraw_consent)
    r.add_get("/admin/api/users/{username}/keys", list_keys)
    r.add_post("/admin/api/users/{username}/keys", create_key)
    r.add_get("/admin/api/keys", list_keys)
    r.add_patch("/admin/api/keys/{key_id}", update_key)
    r.add_delete("/admin/api/keys/{key_id}", revoke_key)
