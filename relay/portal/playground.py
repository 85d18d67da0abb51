"""Playground: a minimal chat page that tries a model with the user's own balance.

It goes through the relay's one metered path (relay.handlers.metered: limits, hold,
failover, settlement, request log) with a key of the user's named "Playground", made on first
use; the session and CSRF token stand in for the key's plaintext, which nobody ever sees.
With script the answer streams in (playground.js posts to ``/playground/chat`` and reads
the server-sent events); without, the form posts and the page shows the whole answer.
"""

import json
from typing import Any

from aiohttp import web
from multidict import MultiDict

from app import apikeys, catalog, clock
from app.apikeys import KeyInfo
from relay import errors
from relay.handlers import metered, validate_chat
from relay.portal.common import (
    client_address,
    form,
    render,
    run_db,
    signed_in,
    signed_in_user,
    visitor,
)
from relay.state import STATE


def _key_for(user_id: int) -> KeyInfo | None:
    return apikeys.lookup_id(apikeys.playground_key(user_id))


async def _key(request: web.Request) -> KeyInfo:
    """The user's playground key, checked as the relay checks any key (relay.auth): the
    addresses the operator allowed it included."""
    info: KeyInfo | None = await run_db(request, _key_for, signed_in_user(request).id)
    now = clock.now()
    if info is None or not info.user_active or not info.key_active or info.expired(now):
        raise errors.forbidden("This account may not make requests.", "account_disabled")
    if not info.allows_ip(client_address(request)):
        raise errors.forbidden("This API key may not be used from your network address.",
                               "ip_not_allowed")
    request.config_dict[STATE].keys.last_used[info.key_id] = now
    return info


def _body(request: web.Request, fields: MultiDict[str], *, stream: bool) -> dict[str, Any]:
    """The chat request the form describes."""
    message = fields.get("message", "").strip()
    if not message:
        raise errors.bad_request(visitor(request)._("Type a message first."), param="messages")
    messages = []
    system = fields.get("system", "").strip()
    if system:
        messages.append({"role": "system", "content": system})
    messages.append({"role": "user", "content": message})
    return {"model": fields.get("model", ""), "messages": messages, "stream": stream}


def _explain(request: web.Request, exc: errors.RelayError) -> errors.RelayError:
    """The relay's refusal in the visitor's language where the page knows it; else as is."""
    who = visitor(request)
    known = {
        "insufficient_quota": who._("Your balance is too low for this request. Recharge, or "
                                    "send a shorter message."),
        "model_not_allowed": who._("You may not use this model."),
        "ip_not_allowed": who._("Your Playground key may not be used from your network "
                                "address."),
        "model_not_found": who._("This model is not available. Choose one from the list."),
        "rate_limit_exceeded": who._("Too many requests right now; wait a moment and try "
                                     "again."),
        "upstream_unavailable": who._("No provider could answer right now; try again "
                                      "shortly."),
    }
    message = known.get(exc.code or "", exc.message)
    return errors.RelayError(exc.status, message, type_=exc.type, code=exc.code,
                             param=exc.param, headers=exc.headers)


async def _page(request: web.Request, status: int = 200, **context: Any) -> web.Response:
    models = await run_db(request, catalog.model_names, signed_in_user(request).id)
    chosen = context.pop("model", None) or request.query.get("model", "")
    context.setdefault("system", "")
    context.setdefault("message", "")
    return render(request, "playground.html", status=status, models=models,
                  chosen=chosen if chosen in models else (models[0] if models else ""),
                  answer=context.pop("answer", None), error=context.pop("error", None),
                  **context)


@signed_in
async def playground_page(request: web.Request) -> web.StreamResponse:
    return await _page(request)


@signed_in
async def ask(request: web.Request) -> web.StreamResponse:
    """Without script: one whole (non-streamed) answer on the page."""
    fields = await form(request)
    shown: dict[str, Any] = {"model": fields.get("model", "")[:128],
                             "system": fields.get("system", ""),
                             "message": fields.get("message", "")}
    try:
        response = await metered(request, "/chat/completions", validate_chat, completion=True,
                                 key=await _key(request),
                                 body=_body(request, fields, stream=False))
    except errors.RelayError as exc:
        return await _page(request, exc.status, error=_explain(request, exc).message, **shown)
    assert isinstance(response, web.Response) and response.body is not None
    answer = json.loads(bytes(response.body))  # type: ignore[arg-type]
    text = ""
    for choice in answer.get("choices") or ():
        text += (choice.get("message") or {}).get("content") or ""
    return await _page(request, answer=text, **shown)


@signed_in
async def chat(request: web.Request) -> web.StreamResponse:
    """With script: the answer as OpenAI chat.completion.chunk events; refusals as OpenAI
    error JSON, which the page shows."""
    try:
        fields = await form(request)
        return await metered(request, "/chat/completions", validate_chat, completion=True,
                             key=await _key(request), body=_body(request, fields, stream=True))
    except errors.RelayError as exc:
        return _explain(request, exc).response()


def setup(portal: web.Application) -> None:
    portal.router.add_get("/playground", playground_page)
    portal.router.add_post("/playground", ask)
    portal.router.add_post("/playground/chat", chat)
