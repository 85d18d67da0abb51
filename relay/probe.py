"""The provider "Test" and "Fetch models" buttons: one real, minimal request each, explained in
plain words.

A health flag says a provider failed at some point; the operator who just typed a key wants to
know *now* whether it works and, if not, what to fix. So this sends the smallest chat completion
there is (one ``ping``, ``max_tokens`` 1: a fraction of a cent at most) and turns the answer into
a sentence. HTTP errors are read with :func:`relay.upstream.classify`, the same reading the relay
uses for failover, so the button and the relay never disagree about what an answer means.

"Fetch models" GETs the provider's ``/models`` (OpenAI's list shape, which DeepSeek, Zhipu and
DashScope's compatible mode share), also for a provider still being typed into the dialog.

The provider's key is sent, never shown: every message is scrubbed of it. The result is not
recorded as provider health; the relay keeps that from real traffic.
"""

import asyncio
import json
import os
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

import aiohttp
from aiohttp_socks import ProxyConnectionError, ProxyError, ProxyTimeoutError

from app import db, providers
from relay import upstream
from relay.outbound import Outbound, read_upto
from relay.pool import Upstream, to_upstream, with_secrets

PROBE_TEXT = "ping"
MAX_DETAIL = 200  # characters of a provider's own message passed on to the operator
# OpenRouter-sized lists (a few hundred models with descriptions) fit; a hostile answer does not.
MAX_MODEL_LIST = 8 * 1024 * 1024
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class ProbeResult:
    """Outcome of one probe.

    Attributes:
        ok: the provider answered the test request with a chat completion.
        latency_ms: time from sending the request to reading the answer (0 when nothing was
            sent, e.g. no key stored).
        status: the HTTP status, or ``None`` when no HTTP answer arrived.
        message: one plain sentence for the operator; never contains the key.
    """

    ok: bool
    latency_ms: int
    status: int | None
    message: str


async def _off_loop(fn: Callable[[], T]) -> T:
    """Run blocking work (database, keyring) in a worker thread.

    Closes the thread's database connection if it opened one, so executor threads do not
    each keep a connection (a PostgreSQL session) open afterwards.
    """
    def run() -> T:
        was_closed = db.database.is_closed()
        try:
            return fn()
        finally:
            if was_closed:
                db.close_database()

    return await asyncio.get_running_loop().run_in_executor(None, run)


def _lookup(name: str) -> tuple[Upstream, str]:
    """The provider as the relay sees it and the model to test (the first it serves)."""
    provider = providers.get_provider(name)
    served = list(provider.models) or list(provider.model_map)
    return to_upstream(provider), served[0] if served else ""


def _scrub(text: str, key: str) -> str:
    """Remove the key (should a provider echo it) and keep the message short."""
    if key:
        text = text.replace(key, "[key]")
    text = " ".join(text.split())
    return text if len(text) <= MAX_DETAIL else text[:MAX_DETAIL - 1] + "…"


def _json(raw: bytes) -> object:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError, RecursionError):  # deep nesting: a hostile answer
        return None


def _explain_http(status: int, raw: bytes, model: str, key: str, *,
                  request: str = "test request") -> str:
    """A sentence for a non-200 answer, from the relay's own reading of it."""
    verdict = upstream.classify(status, raw)
    said = _scrub(upstream.error_message(raw), key)  # the provider's own words
    suffix = f" (provider said: {said})" if said else ""
    reason = verdict.reason
    if reason.endswith("provider rejected its API key"):
        return "The provider rejected the API key"
    if reason.endswith("provider account out of balance"):
        return "The provider account is out of balance"
    if reason.endswith("provider does not serve the model"):
        if status == 404 and not isinstance(_json(raw), dict):
            # Providers say "no such model" in JSON; a bare 404 page means a wrong address.
            return "Nothing answers at this address (HTTP 404); check the base URL"
        return f"The provider does not serve the model {model!r}{suffix}"
    if verdict.rate_limited:
        return f"The provider is limiting requests right now (HTTP {status}){suffix}"
    if verdict.failover:
        return f"The provider had an error (HTTP {status}){suffix}"
    return f"The provider refused the {request} (HTTP {status}){suffix}"


def _os_reason(error: OSError) -> str:
    """The OS's words ("Connection refused"), not asyncio's "Connect call failed (...)"."""
    if isinstance(error, socket.gaierror):
        return error.strerror or str(error)  # "Name or service not known"
    if error.errno and error.errno > 0:
        return os.strerror(error.errno)
    return error.strerror or str(error) or type(error).__name__


def _explain_exception(exc: BaseException, key: str) -> str:
    if isinstance(exc, (ProxyError, ProxyConnectionError, ProxyTimeoutError,
                        aiohttp.ClientProxyConnectionError,
                        aiohttp.ClientHttpProxyError)):
        return _scrub(f"Could not connect through the proxy: {exc}", key)
    if isinstance(exc, aiohttp.ClientSSLError):
        return _scrub(f"Could not connect securely: {exc}", key)
    if isinstance(exc, aiohttp.ClientConnectorError):
        return _scrub(f"Could not connect: {_os_reason(exc.os_error)} ({exc.host}:{exc.port})",
                      key)
    if isinstance(exc, aiohttp.InvalidURL):
        return "Could not connect: the base URL is not valid"
    text = str(exc) or type(exc).__name__
    return _scrub(f"Could not connect: {text}", key)


async def probe_provider(name: str, *, client: Outbound | None = None,
                         timeout: float = 15.0) -> ProbeResult:
    """Send one minimal chat completion to provider ``name`` and explain the outcome.

    It goes the way the relay's traffic goes (relay/outbound.py: the provider's proxy, CA
    bundle and extra headers). ``client`` is borrowed (not closed); without one a private
    client is used. ``timeout`` covers connecting and the whole answer. Raises
    app.errors.NotFound for an unknown provider; every network or provider failure is a
    ``ProbeResult`` with ``ok=False`` instead.
    """
    up, first = await _off_loop(partial(_lookup, name))
    if not up.api_key:
        return ProbeResult(False, 0, None, "No API key stored for this provider")
    if not first:
        return ProbeResult(False, 0, None, "This provider has no models configured")
    key, model = up.api_key, up.upstream_model(first)
    body = json.dumps({"model": model, "messages": [{"role": "user", "content": PROBE_TEXT}],
                       "max_tokens": 1, "stream": False}).encode()
    own = client is None
    outbound = Outbound(connect_timeout=timeout) if client is None else client
    started = time.perf_counter()

    def elapsed() -> int:
        return round((time.perf_counter() - started) * 1000)

    try:
        async with asyncio.timeout(timeout):
            resp = await outbound.post(up, "/chat/completions", body,
                                       upstream.headers(up, stream=False), read_timeout=timeout)
            try:
                raw, _ = await read_upto(resp, upstream.MAX_ERROR_BODY)
            finally:
                resp.release()
        status = resp.status
        latency = elapsed()
        if status != 200:
            return ProbeResult(False, latency, status, _explain_http(status, raw, model, key))
        reply = _json(raw)
        if not isinstance(reply, dict) or not isinstance(reply.get("choices"), list):
            return ProbeResult(False, latency, status,
                               "The server answered, but not like an AI provider; "
                               "check the base URL")
        return ProbeResult(True, latency, status, "OK")
    except TimeoutError:
        return ProbeResult(False, elapsed(), None, f"Timed out after {timeout:g} s")
    except ValueError as exc:  # a key with a line break, a proxy URL it cannot use
        return ProbeResult(False, 0, None, _scrub(f"The provider's settings need fixing: {exc}",
                                                  key))
    except (aiohttp.ClientError, OSError, ProxyError, ProxyConnectionError,
            ProxyTimeoutError) as exc:
        return ProbeResult(False, elapsed(), None, _explain_exception(exc, key))
    finally:
        if own:
            await outbound.close()


class ModelListError(Exception):
    """Why a provider's model list could not be had.

    Attributes:
        message: one plain sentence for the operator; never contains the key.
        status: the HTTP status, or ``None`` when no HTTP answer arrived.
    """

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


def model_ids(raw: bytes) -> list[str] | None:
    """Sorted unique ids of OpenAI's list shape (``{"object": "list", "data": [{"id": …}]}``),
    or ``None`` for an answer of another shape."""
    reply = _json(raw)
    items = reply.get("data") if isinstance(reply, dict) else None
    if not isinstance(items, list):
        return None
    ids = {item["id"].strip() for item in items
           if isinstance(item, dict) and isinstance(item.get("id"), str)}
    return sorted(ids - {""})


async def list_upstream_models(up: Upstream, *, client: Outbound | None = None,
                               timeout: float = 15.0) -> list[str]:
    """The model ids the provider lists at ``{base_url}/models``, sorted.

    Goes the way traffic goes (relay/outbound.py), with the provider's key. ``client`` is
    borrowed (not closed). ``timeout`` covers connecting and the whole answer, which may be at
    most MAX_MODEL_LIST bytes. Raises ModelListError for every failure.
    """
    key = up.api_key
    if not key:
        raise ModelListError("No API key for this provider")
    own = client is None
    outbound = Outbound(connect_timeout=timeout) if client is None else client
    try:
        # A GET has no body to describe; the rest is what every call to the provider carries.
        headers = {name: value for name, value in upstream.headers(up, stream=False).items()
                   if name != "Content-Type"}
        async with asyncio.timeout(timeout):
            resp = await outbound.get(up, "/models", headers, read_timeout=timeout)
            try:
                limit = MAX_MODEL_LIST if resp.status == 200 else upstream.MAX_ERROR_BODY
                raw, whole = await read_upto(resp, limit)
            finally:
                resp.release()
    except TimeoutError:
        raise ModelListError(f"Timed out after {timeout:g} s") from None
    except ValueError as exc:  # a key with a line break, a proxy URL it cannot use
        raise ModelListError(_scrub(f"The provider's settings need fixing: {exc}", key)) from None
    except (aiohttp.ClientError, OSError, ProxyError, ProxyConnectionError,
            ProxyTimeoutError) as exc:
        raise ModelListError(_explain_exception(exc, key)) from None
    finally:
        if own:
            await outbound.close()
    status = resp.status
    if status == 404:
        raise ModelListError("The provider does not list its models at this address "
                             "(HTTP 404); check the base URL, or type the model names", status)
    if status != 200:
        raise ModelListError(_explain_http(status, raw, "", key, request="model list request"),
                             status)
    if not whole:
        raise ModelListError(f"The provider's model list is over {MAX_MODEL_LIST // 2**20} MB; "
                             f"type the model names instead", status)
    ids = await asyncio.get_running_loop().run_in_executor(None, model_ids, raw)
    if ids is None:
        raise ModelListError("The server answered, but not with a model list; check the "
                             "base URL", status)
    return ids


async def provider_models(name: str, *, client: Outbound | None = None,
                          timeout: float = 15.0) -> list[str]:
    """The model list of the saved provider ``name``: app.errors.NotFound for an unknown one,
    ModelListError for any other failure."""
    up, _ = await _off_loop(partial(_lookup, name))
    return await list_upstream_models(up, client=client, timeout=timeout)


def _draft(kind: str, base_url: str | None, api_key: str | None, proxy: str | None,
           extra_headers: str | None, ca_bundle: str | None, existing: str | None) -> Upstream:
    draft = providers.draft_provider(kind, base_url=base_url, api_key=api_key, proxy=proxy,
                                     extra_headers=extra_headers, ca_bundle=ca_bundle,
                                     existing=existing)
    return with_secrets(draft.provider, draft.api_key, draft.proxy)


async def draft_models(kind: str, *, base_url: str | None = None, api_key: str | None = None,
                       proxy: str | None = None, extra_headers: str | None = None,
                       ca_bundle: str | None = None, existing: str | None = None,
                       client: Outbound | None = None, timeout: float = 15.0) -> list[str]:
    """The model list of a provider as typed in the dialog, saved or not (nothing is saved).

    Settings are read as app.providers.draft_provider reads them, which raises a ServiceError
    for one that a save would refuse; ModelListError for any other failure.
    """
    up = await _off_loop(partial(_draft, kind, base_url, api_key, proxy, extra_headers,
                                 ca_bundle, existing))
    return await list_upstream_models(up, client=client, timeout=timeout)
