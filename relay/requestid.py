"""One id per request, made once: the ``x-request-id`` header of every answer (errors and
streams included) and the ``request_id`` of its log row, so the id a user reports (openai-python
shows it as ``_request_id``) finds the request."""

import os
import secrets

from aiohttp import web

REQUEST_ID = web.RequestKey("relaydesk_request_id", str)
HEADER = "x-request-id"

_ID_BYTES = 12
_ID_BATCH = 256
_ids = ""  # hex of random bytes not yet handed out
_ids_at = 0


def new_request_id() -> str:
    """``req_`` and 12 random bytes in hex, from the OS CSPRNG like ``secrets.token_hex`` but
    drawn 256 ids at a time: one getrandom() call (which also hands the GIL to the database
    thread mid-request) per 256 requests instead of one per request."""
    global _ids, _ids_at
    at = _ids_at
    if at >= len(_ids):
        _ids, at = secrets.token_hex(_ID_BYTES * _ID_BATCH), 0
    _ids_at = end = at + 2 * _ID_BYTES
    return "req_" + _ids[at:end]


def _forget_ids() -> None:
    global _ids, _ids_at
    _ids, _ids_at = "", 0


os.register_at_fork(after_in_child=_forget_ids)  # a forked child must not repeat our ids


def request_id(request: web.BaseRequest) -> str:
    """The request's id, made on first use (the connection handler asks first)."""
    rid = request.get(REQUEST_ID)
    if rid is None:
        rid = request[REQUEST_ID] = new_request_id()
    return rid


def stamp(request: web.BaseRequest, response: web.StreamResponse) -> None:
    """Put the request's id on ``response`` (before its headers are sent)."""
    response.headers.setdefault(HEADER, request_id(request))


async def add_request_id(request: web.Request, response: web.StreamResponse) -> None:
    """``on_response_prepare``: every answer the app prepares carries the id."""
    stamp(request, response)
