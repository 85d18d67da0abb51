"""A request in another API's dialect on its way through the relay's chat pipeline.

The route handler translates the client's body to Chat Completions (for the hold, the limits
and providers that speak only that) and hands the pipeline a :class:`Dialect`, which says how
to answer in the client's dialect and how to call a provider that speaks it natively.
"""

import asyncio
import json
from dataclasses import dataclass, replace
from typing import Any, Protocol

from app import metering
from app.metering import Usage
from relay import errors
from relay.context import RequestContext
from relay.errors import RelayError
from relay.pool import Upstream
from relay.protocols.common import ProtocolError
from relay.state import RelayState


class Translator(Protocol):
    """Chat Completions stream chunks -> the client dialect's stream (relay/protocols/*_stream)."""

    @property
    def started(self) -> bool: ...

    def feed(self, chunk: dict[str, Any], /) -> bytes: ...

    def finish(self, usage: Usage | None, reason: str | None = None, /) -> bytes: ...


@dataclass(frozen=True, slots=True)
class NativeCall:
    """A provider call in the client's own dialect."""

    upstream: Upstream  # the provider, with the base URL of its native API
    path: str
    data: bytes
    headers: dict[str, str]


class Dialect:
    """One request in a dialect other than Chat Completions."""

    endpoint = ""  # the route, for the request log
    cut_reason = ""  # the finish reason of a stream ended at the balance hold

    def __init__(self, body: dict[str, Any], raw: bytes) -> None:
        self.body = body  # the client's request, as sent
        self.raw = raw
        self.sent = body  # what a native provider gets, but for the model and limit (prepare)
        self.bound = 0  # prompt tokens a native provider could bill (prepare)

    def prepare(self) -> dict[str, Any]:
        """Translate the request (``ProtocolError`` for one the dialect's API refuses) and size
        what a native provider would read; CPU-heavy for big bodies (see :func:`prepare`)."""
        chat = self.to_chat()
        self.sent = self.native_request()
        self.bound = metering.body_upper_bound(self.sent) + self.hidden_prompt()
        return chat

    def to_chat(self) -> dict[str, Any]:
        raise NotImplementedError

    def native_request(self) -> dict[str, Any]:
        """The body for native providers: the client's, less what such a provider would run
        and bill beyond what the relay can hold for or prices (server-side tools, premium
        tiers)."""
        return self.body

    def hidden_prompt(self) -> int:
        """Prompt tokens a native provider adds by itself (a tool-use system prompt)."""
        return 0

    def native(self, up: Upstream) -> bool:
        """Whether ``up`` takes this request in its own dialect (passed through)."""
        return False

    def native_call(self, up: Upstream, ctx: RequestContext) -> NativeCall:
        raise NotImplementedError

    def native_usage(self, usage: Any) -> Usage | None:
        """Usage from a native answer's ``usage`` object."""
        raise NotImplementedError

    def answer(self, chat: dict[str, Any], ctx: RequestContext) -> dict[str, Any]:
        """A whole chat.completion as the client's dialect answers it."""
        raise NotImplementedError

    def watch(self, stream: Any, event: dict[str, Any]) -> None:
        """Read one event of a native stream (a ``NativeStream``): usage, delivered text, the
        end, the provider's error."""
        raise NotImplementedError

    def translator(self, ctx: RequestContext) -> Translator:
        raise NotImplementedError

    def error_event(self, translator: Translator | None, exc: RelayError) -> bytes:
        """``exc`` as an event of a stream under way (``translator``: the stream's, if
        translated; ``None`` for a native stream)."""
        raise NotImplementedError

    def native_body(self, up: Upstream, ctx: RequestContext, limit_field: str,
                    extra: dict[str, Any] | None = None) -> bytes:
        """The client's bytes, or its body re-encoded when the model is mapped, the relay
        lowered the completion limit, or ``extra`` members must change."""
        changed = dict(extra or {})
        upstream_model = up.upstream_model(ctx.model)
        if upstream_model != ctx.model:
            changed["model"] = upstream_model
        if ctx.max_tokens is not None:
            changed[limit_field] = ctx.max_tokens
        changed = {k: v for k, v in changed.items() if self.sent.get(k, _ABSENT) != v}
        if not changed and self.sent is self.body:
            return self.raw
        return encode(dict(self.sent, **changed))


_ABSENT = object()


def encode(body: dict[str, Any]) -> bytes:
    try:
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    except UnicodeEncodeError:  # lone surrogates from a \ud800 escape: keep them escaped
        return json.dumps(body, separators=(",", ":")).encode("ascii")


def at_base(up: Upstream, base_url: str) -> Upstream:
    """``up`` with another base URL (its native API's), same key, proxy and trust."""
    return replace(up, base_url=base_url.rstrip("/"))


async def prepare(state: RelayState, dialect: Dialect) -> dict[str, Any]:
    """``dialect.prepare()`` — off the event loop for a body big enough to take a while (a
    long agent conversation), as the relay parses such bodies; a 400 for a refused request."""
    try:
        if len(dialect.raw) > state.options.offload_json_bytes:
            return await asyncio.get_running_loop().run_in_executor(None, dialect.prepare)
        return dialect.prepare()
    except ProtocolError as exc:
        raise errors.bad_request(exc.message, param=exc.param) from None
