"""API keys page: a user's own keys (create, shown once; rename and limits; revoke), the relay's
base URL, its HTTPS certificate fingerprint and ready-to-paste client settings."""

import json
import shlex
from datetime import timedelta
from typing import Any

from aiohttp import web

from app import apikeys, catalog, clock, settings
from app.errors import NotFound, ServiceError
from app.models import ApiKey
from app.snippets import CERT_PLACEHOLDER, agent_snippets
from relay.portal.common import (
    PREFIX,
    error_text,
    form,
    redirect,
    render,
    run_db,
    signed_in,
    signed_in_user,
)
from relay.state import TLS_FINGERPRINT

KEY_PLACEHOLDER = "YOUR_API_KEY"
MODEL_PLACEHOLDER = "MODEL"  # no model known: the OpenAI snippets need one, the agents do not
LIMITS = ("rpm", "tpm", "concurrency")
KEY_ID = r"{key_id:\d{1,18}}"  # longer ids cannot exist and would overflow the database's


def connection(request: web.Request) -> dict[str, Any]:
    """How a client reaches this relay, as this browser reached it."""
    return {"base_url": f"{request.scheme}://{request.host}/v1",
            "fingerprint": request.config_dict.get(TLS_FINGERPRINT)}


def snippets(base_url: str, key: str, model: str, *, https_pin: bool = False
             ) -> dict[str, str]:
    """Client settings to paste: the OpenAI Python SDK, curl, the fields of GUI clients, and
    the coding agents (``claude_code``, ``codex_config``, ``codex_env``; see app.snippets).
    With the relay's own HTTPS certificate the agents trust a saved copy of it.

    The curl command's words are shell-quoted: a model name is whatever the operator priced,
    and a ``'`` in it must not end the quoting and run the rest when pasted into a shell."""
    body = json.dumps({"model": model, "messages": [{"role": "user", "content": "Hello"}]},
                      ensure_ascii=False)
    return {
        "python": (f"from openai import OpenAI\n\n"
                   f"client = OpenAI(base_url={base_url!r}, api_key={key!r})\n"
                   f"reply = client.chat.completions.create(\n"
                   f"    model={model!r},\n"
                   f"    messages=[{{\"role\": \"user\", \"content\": \"Hello\"}}],\n)\n"
                   f"print(reply.choices[0].message.content)\n"),
        "curl": (f"curl {shlex.quote(base_url + '/chat/completions')} \\\n"
                 f"  -H {shlex.quote('Authorization: Bearer ' + key)} \\\n"
                 f"  -H {shlex.quote('Content-Type: application/json')} \\\n"
                 f"  -d {shlex.quote(body)}\n"),
        # Cherry Studio and ChatBox ask for the host without /v1 and add it themselves.
        "host": base_url.removesuffix("/v1"),
        **agent_snippets(base_url, key, None if model == MODEL_PLACEHOLDER else model,
                         CERT_PLACEHOLDER if https_pin else None),
    }


def _bounds() -> dict[str, int]:
    return {name: int(settings.get(f"rate_limit_{name}")) for name in LIMITS}


def _page_facts(user_id: int, username: str) -> dict[str, Any]:
    return {"keys": apikeys.list_keys(username), "models": catalog.model_names(user_id),
            "bounds": _bounds(), "now": clock.now()}


def expires_on(key: ApiKey) -> str:
    """The last day a key works (its stored expiry is the start of the next day, UTC)."""
    if key.expires_at is None:
        return ""
    return (key.expires_at - timedelta(days=1)).date().isoformat()


async def _keys_page(request: web.Request, status: int = 200, error: str | None = None,
                     values: dict[str, Any] | None = None) -> web.Response:
    user = signed_in_user(request)
    facts = await run_db(request, _page_facts, user.id, user.username)
    place = connection(request)
    model = facts["models"][0] if facts["models"] else MODEL_PLACEHOLDER
    return render(request, "keys.html", status=status, error=error,
                  values=values or {"models": []}, labels=apikeys.LIMIT_LABELS,
                  snippets=snippets(place["base_url"], KEY_PLACEHOLDER, model,
                                    https_pin=bool(place["fingerprint"])), model=model,
                  placeholder=KEY_PLACEHOLDER, expires_on=expires_on,
                  cert_placeholder=CERT_PLACEHOLDER, **place, **facts)


@signed_in
async def keys_page(request: web.Request) -> web.StreamResponse:
    return await _keys_page(request)


@signed_in
async def create(request: web.Request) -> web.StreamResponse:
    """Issue a key and show it on this response only: never in a URL or a later page."""
    fields = await form(request)
    user = signed_in_user(request)
    values: dict[str, Any] = {name: fields.get(name, "").strip()[:100]
                              for name in ("name", "expires", *LIMITS)}
    values["models"] = [m for m in fields.getall("models", []) if m.strip()]
    try:
        key, plaintext = await run_db(request, _create, user.id, values)
    except ServiceError as exc:
        return await _keys_page(request, 400, error_text(request, exc), values)
    place = connection(request)
    model = key.allowed_models[0] if key.allowed_models else None
    if model is None:
        names = await run_db(request, catalog.model_names, user.id)
        model = names[0] if names else MODEL_PLACEHOLDER
    return render(request, "key_created.html", key=key, plaintext=plaintext, model=model,
                  snippets=snippets(place["base_url"], plaintext, model,
                                    https_pin=bool(place["fingerprint"])),
                  cert_placeholder=CERT_PLACEHOLDER, **place)


def _create(user_id: int, values: dict[str, Any]) -> tuple[ApiKey, str]:
    return apikeys.create_own_key(
        user_id, name=values["name"] or "default", models=values["models"] or None,
        expires=values["expires"] or None, rpm=values["rpm"] or None,
        tpm=values["tpm"] or None, concurrency=values["concurrency"] or None)


async def _own(request: web.Request) -> ApiKey:
    """The key named in the URL if it is the signed-in user's; anyone else's is a 404."""
    try:
        key: ApiKey = await run_db(request, apikeys.own_key, signed_in_user(request).id,
                                   int(request.match_info["key_id"]))
    except NotFound:
        raise web.HTTPNotFound() from None
    return key


def _limit_text(value: int | None) -> str:
    return "" if value is None else str(value)


async def _edit_page(request: web.Request, key: ApiKey, status: int = 200,
                     error: str | None = None, values: dict[str, str | None] | None = None
                     ) -> web.Response:
    current: dict[str, str | None] = {
        "name": key.name, "rpm": _limit_text(key.rpm_limit), "tpm": _limit_text(key.tpm_limit),
        "concurrency": _limit_text(key.concurrency_limit)}
    if values is None:
        values = current
    elif key.limits_locked:  # shown read-only, as they are
        values = {**values, **{name: current[name] for name in LIMITS}}
    bounds = await run_db(request, _bounds)
    return render(request, "key_edit.html", status=status, key=key, values=values,
                  bounds=bounds, labels=apikeys.LIMIT_LABELS, error=error)


@signed_in
async def edit_page(request: web.Request) -> web.StreamResponse:
    return await _edit_page(request, await _own(request))


@signed_in
async def edit(request: web.Request) -> web.StreamResponse:
    """Rename or change limits; limits the operator locked are not the form's to change (the
    service refuses a changed one)."""
    key = await _own(request)
    fields = await form(request)
    values: dict[str, str | None] = {name: fields.get(name, "")[:100]
                                     for name in ("name", *LIMITS)}
    if key.limits_locked:  # read-only on the page: absent fields leave them as they are
        values.update({name: fields[name][:100] if name in fields else None for name in LIMITS})
    try:
        await run_db(request, _update, signed_in_user(request).id, key.id, values)
    except NotFound:
        raise web.HTTPNotFound() from None
    except ServiceError as exc:
        return await _edit_page(request, key, 400, error_text(request, exc), values)
    return redirect(f"{PREFIX}/keys", "key_updated")


def _update(user_id: int, key_id: int, values: dict[str, str | None]) -> ApiKey:
    return apikeys.update_own_key(user_id, key_id, name=values["name"] or "", rpm=values["rpm"],
                                  tpm=values["tpm"], concurrency=values["concurrency"])


@signed_in
async def revoke_page(request: web.Request) -> web.StreamResponse:
    """The confirmation step before a revocation (it cannot be undone)."""
    return render(request, "key_revoke.html", key=await _own(request))


@signed_in
async def revoke(request: web.Request) -> web.StreamResponse:
    key_id = int(request.match_info["key_id"])
    try:
        await run_db(request, apikeys.revoke_own_key, signed_in_user(request).id, key_id)
    except NotFound:
        raise web.HTTPNotFound() from None
    return redirect(f"{PREFIX}/keys", "key_revoked")


def setup(portal: web.Application) -> None:
    portal.router.add_get("/keys", keys_page)
    portal.router.add_post("/keys", create)
    portal.router.add_get(f"/keys/{KEY_ID}/edit", edit_page)
    portal.router.add_post(f"/keys/{KEY_ID}/edit", edit)
    portal.router.add_get(f"/keys/{KEY_ID}/revoke", revoke_page)
    portal.router.add_post(f"/keys/{KEY_ID}/revoke", revoke)
