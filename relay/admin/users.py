"""Admin API: users and their API keys (the services `relaydesk user` and `relaydesk key` call).

Key rate limits are ``rpm_limit``/``tpm_limit``/``concurrency_limit``: a whole number (0 =
unlimited) or ``null`` for the operator's default.
"""

from typing import Any

from aiohttp import web

from app import accounts, apikeys, groups, privacy, views
from app.errors import ValidationError
from relay import errors
from relay.admin import common as c
from relay.admin.auth import actor, admin_only
from relay.state import STATE

USER_FIELDS = ("username", "email", "phone", "password", "group")
EDIT_FIELDS = ("email", "phone", "password", "status", "group")
LIMIT_FIELDS = {"rpm_limit": "rpm", "tpm_limit": "tpm", "concurrency_limit": "concurrency"}
KEY_FIELDS = ("name", "allowed_models", "allowed_cidrs", "expires", *LIMIT_FIELDS)
KEY_EDIT_FIELDS = ("allowed_models", "allowed_cidrs", "expires", *LIMIT_FIELDS)
STATUSES = ("active", "disabled")


def _given(value: Any) -> Any:
    return None if value is c.MISSING else value


def _limits(data: dict[str, Any]) -> dict[str, Any]:
    """Service keyword arguments for the limit fields present: ``null`` means the default."""
    result: dict[str, Any] = {}
    for field, keyword in LIMIT_FIELDS.items():
        if field not in data:
            continue
        value = data[field]
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                  or value < 0):
            raise ValidationError(f"{field} must be a whole number (0 = unlimited) or null",
                                  param=field)
        result[keyword] = apikeys.DEFAULT if value is None else value
    return result


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
    group = c.text(data, "group")
    user = await request.app[STATE].dbx.run(
        accounts.add_user, username, email, phone=_given(phone), password=_given(password),
        group=_given(group), actor=actor(request))
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
    if "group" in changes:
        groups.get_group(changes["group"])
    user = accounts.update_user(username, actor=who, **changes)
    if status is not None and status != user.status:
        user = accounts.set_status(username, status, actor=who)
    return views.user(user)


@admin_only
async def edit_user(request: web.Request) -> web.Response:
    """Change email, phone, password or group, and enable/disable (``status``)."""
    data = await c.body(request, EDIT_FIELDS)
    changes = {name: value for name in ("email", "phone", "password", "group")
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


def _field_names(exc: ValidationError) -> ValidationError:
    """The service names limits ``rpm``...; this API calls them ``rpm_limit``..."""
    for field, keyword in LIMIT_FIELDS.items():
        if exc.param == keyword:
            exc.param = field
    return exc


def _create_key(username: str, options: dict[str, Any], who: str) -> dict[str, Any]:
    try:
        key, plaintext = apikeys.create_key(username, actor=who, **options)
    except ValidationError as exc:
        raise _field_names(exc) from None
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
    options.update(_limits(data))
    view = await request.app[STATE].dbx.run(_create_key, c.path_text(request, "username"),
                                            options, actor(request))
    return c.reply(view, status=201)


def _update_key(key_id: int, models: Any, cidrs: Any, expires: Any, limits: dict[str, Any],
                who: str) -> dict[str, Any]:
    apikeys.get_key(key_id)  # 404 before judging the fields
    if expires not in (c.MISSING, None):
        apikeys.parse_expiry(expires)
    try:
        key = apikeys.update_key(key_id, models=_given(models), cidrs=_given(cidrs),
                                 expires=_given(expires), clear_expiry=expires is None,
                                 actor=who, **limits)
    except ValidationError as exc:
        raise _field_names(exc) from None
    return views.api_key(key)


@admin_only
async def update_key(request: web.Request) -> web.Response:
    """Change a key's model list, address list, expiry (``"expires": null`` clears it) or
    rate limits (``null`` returns a limit to the operator's default)."""
    data = await c.body(request, KEY_EDIT_FIELDS)
    models, cidrs = c.text_list(data, "allowed_models"), c.text_list(data, "allowed_cidrs")
    expires = c.text(data, "expires", nullable=True)
    if not data:
        raise ValidationError(f"nothing to change; send one of {', '.join(KEY_EDIT_FIELDS)}")
    view = await request.app[STATE].dbx.run(_update_key, c.path_int(request, "key_id"), models,
                                            cidrs, expires, _limits(data), actor(request))
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
