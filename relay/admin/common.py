"""Shared parts of the admin API handlers: reading JSON bodies and query strings strictly (a
wrong type is a 400 naming the field, never a 500), mapping service refusals to OpenAI-shaped
errors, and writing responses with money as integer micros plus formatted text."""

import json
from typing import Any

from aiohttp import web

from app.errors import Conflict, InsufficientBalance, KeystoreUnavailable, NotFound, ServiceError
from app.money import format_field
from relay import errors
from relay.handlers import read_body
from relay.state import STATE

MISSING: Any = object()
STATUS = {NotFound: 404, Conflict: 409, InsufficientBalance: 402, KeystoreUnavailable: 503}


def service_error(exc: ServiceError) -> errors.RelayError:
    """The service's own message and param, under the HTTP status its class means."""
    status = next((code for cls, code in STATUS.items() if isinstance(exc, cls)), 400)
    type_ = {402: "insufficient_quota", 503: "server_error"}.get(status, "invalid_request_error")
    return errors.RelayError(status, exc.message, type_=type_, code=exc.code, param=exc.param)


def _check_text(value: str, param: str) -> str:
    if "\x00" in value:  # PostgreSQL cannot store NUL; no legitimate value holds one
        raise errors.bad_request(f"{param} must not contain NUL characters.", param)
    return value


async def body(request: web.Request, allowed: tuple[str, ...]) -> dict[str, Any]:
    """The JSON object body (empty body = ``{}``); unknown fields are refused, so a typo never
    silently does nothing."""
    raw = await read_body(request, request.app[STATE])
    if not raw.strip():
        return {}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise errors.bad_request("The request body is not valid JSON.",
                                 code="invalid_json") from None
    if not isinstance(data, dict):
        raise errors.bad_request("The request body must be a JSON object.", code="invalid_json")
    unknown = sorted(str(k) for k in data if k not in allowed)
    if unknown:
        raise errors.bad_request(f"Unknown field {unknown[0][:64]!r}; allowed: "
                                 f"{', '.join(allowed) or '(none)'}.", unknown[0][:64])
    return data


def text(data: dict[str, Any], name: str, *, required: bool = False,
         nullable: bool = False) -> Any:
    """A string field; ``MISSING`` when absent (and not required), ``None`` if ``nullable``."""
    value = data.get(name, MISSING)
    if value is MISSING:
        if required:
            raise errors.bad_request(f"{name} is required.", name, code="missing_field")
        return MISSING
    if value is None and nullable:
        return None
    if not isinstance(value, str):
        raise errors.bad_request(f"{name} must be a string.", name)
    return _check_text(value, name)


def text_list(data: dict[str, Any], name: str) -> Any:
    """A list of strings; ``MISSING`` when absent, ``null`` means the empty list."""
    value = data.get(name, MISSING)
    if value is MISSING:
        return MISSING
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise errors.bad_request(f"{name} must be a list of strings.", name)
    return [_check_text(v, name) for v in value]


def amount_text(data: dict[str, Any], name: str = "amount", *, required: bool = True) -> Any:
    """Money must arrive as decimal text ("12.50"): floats are refused before anything else."""
    value = data.get(name, MISSING)
    if value is MISSING and not required:
        return MISSING
    if isinstance(value, float):
        raise errors.bad_request(f"{name} must be decimal text such as \"12.50\", not a JSON "
                                 "number with a fraction.", name)
    if isinstance(value, int) and not isinstance(value, bool):
        raise errors.bad_request(f"{name} must be decimal text such as \"12.50\", not a JSON "
                                 "number.", name)
    return text(data, name, required=required)


def path_text(request: web.Request, name: str) -> str:
    return _check_text(request.match_info[name], name)


def path_int(request: web.Request, name: str) -> int:
    value = request.match_info[name]
    if not value.isascii() or not value.isdigit() or len(value) > 18:
        raise errors.bad_request(f"{name} must be a whole number.", name)
    return int(value)


def query_text(request: web.Request, name: str) -> str | None:
    value = request.query.get(name)
    return None if value is None or value == "" else _check_text(value, name)


def query_int(request: web.Request, name: str, *, default: int | None = None,
              low: int = 0, high: int = 10**15) -> int | None:
    value = request.query.get(name)
    if value is None or value == "":
        return default
    stripped = value.strip()
    if not stripped.isascii() or not stripped.lstrip("-").isdigit() or len(stripped) > 18:
        raise errors.bad_request(f"{name} must be a whole number.", name)
    number = int(stripped)
    if not low <= number <= high:
        raise errors.bad_request(f"{name} must be between {low} and {high}.", name)
    return number


def limit(request: web.Request, default: int = 100, high: int = 1000) -> int:
    value = query_int(request, "limit", default=default, low=1, high=high)
    assert value is not None
    return value


def with_money(data: Any) -> Any:
    """Next to every integer ``*_micros`` field, the same amount as text ("balance": "12.50")."""
    if isinstance(data, dict):
        result: dict[str, Any] = {}
        for key, value in data.items():
            result[key] = with_money(value)
            if (isinstance(key, str) and key.endswith("_micros") and isinstance(value, int)
                    and not isinstance(value, bool) and key[:-7] not in data):
                result[key[:-7]] = format_field(key, value)
        return result
    if isinstance(data, list):
        return [with_money(v) for v in data]
    return data


def reply(data: Any, status: int = 200) -> web.Response:
    return web.json_response(with_money(data), status=status,
                             dumps=lambda v: json.dumps(v, ensure_ascii=False))


def listing(items: list[dict[str, Any]], **extra: Any) -> web.Response:
    """A list in OpenAI's shape: ``{"object": "list", "data": [...]}``."""
    return reply({"object": "list", "data": items, **extra})


def _viewed(view: Any, fn: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    result = fn(*args, **kwargs)
    return [view(item) for item in result] if isinstance(result, list) else view(result)


async def run_view(request: web.Request, view: Any, fn: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a service and build its view on the database thread: views follow foreign keys
    (a key's username), which are queries and must not run on the event loop."""
    return await request.app[STATE].dbx.run(_viewed, view, fn, args, kwargs)
