"""The relay's other dialects (/v1/messages, /v1/responses, /v1/completions) end to end: a
running relay (tests/relay/conftest.py's ``make_relay``) in front of fake providers, chat-only
(a scripted FakeUpstream) or native (the Anthropic and Responses fakes), driven with the
official SDKs.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Any

import anthropic
import openai
import pytest
from aiohttp import web

from app import keystore, metering, providers
from app.models import Provider
from app.pricing import Price, cost_micros
from relay.protocols import anthropic as anthropic_translation
from relay.protocols.messages_api import MessagesDialect
from relay.protocols.responses_api import ResponsesDialect
from relay.state import RelayOptions
from tests.helpers.fake_anthropic import FakeAnthropic
from tests.helpers.fake_responses import FakeResponses
from tests.helpers.fake_scenario import Kind
from tests.helpers.fake_upstream import FakeUpstream
from tests.helpers.provider_formats import dumps
from tests.relay.conftest import Harness

MODEL = "m1"
# What tests/relay/conftest.py's make_relay prices MODEL at (micro-units per 1M tokens).
PRICE = Price(input_micros=2_000_000, cached_input_micros=500_000, output_micros=8_000_000)
WEATHER_TOOL = {"name": "get_weather", "description": "The weather in a city",
                "input_schema": {"type": "object", "properties": {"city": {"type": "string"}},
                                 "required": ["city"]}}
WEATHER_FUNCTION = {"type": "function", "name": "get_weather",
                    "description": "The weather in a city", "strict": False,
                    "parameters": WEATHER_TOOL["input_schema"]}
WEATHER_ARGS = {"city": "Paris"}


def prompt_bound(body: dict[str, Any], to_chat: Callable[[dict[str, Any]], Any]) -> int:
    """The prompt tokens the relay holds for ``body`` in another dialect: its chat translation's
    bound, or the client's whole body's (what a native provider reads), whichever is larger."""
    dialect = (MessagesDialect(body, b"") if to_chat is anthropic_translation.to_chat
               else ResponsesDialect(body, b""))
    chat = dialect.prepare()
    assert chat == to_chat(body)
    return max(metering.prompt_upper_bound(chat), dialect.bound)


def price(prompt: int, cached: int, completion: int) -> int:
    """The bill for these tokens at MODEL's price (the default group: no multiplier)."""
    return cost_micros(prompt, cached, completion, PRICE)


class ScriptedChat(FakeUpstream):
    """A chat-only provider (FakeUpstream: tool turns via ``scenario.tool_calls``) that also
    serves legacy ``POST <prefix>/completions``: ``{"choices": [{"text": ...}]}`` (DeepSeek's
    fill-in-the-middle shape), streamed or not, with the scenario's text and usage."""

    def __init__(self, kind: Kind = "deepseek", api_key: str = "sk-up-chat", **kwargs: Any) -> None:
        super().__init__(kind=kind, api_key=api_key, **kwargs)

    async def _unknown(self, request: Any) -> Any:
        if request.method != "POST" or request.path != self.prefix + "/completions":
            return await super()._unknown(request)
        return await self._legacy(request)

    async def _legacy(self, request: Any) -> Any:
        rec = await self._record(request)
        early = await self._gate(request, rec)
        if early is not None:
            return early
        body = rec.json if isinstance(rec.json, dict) else {}
        answer = self._answer(dict(body, messages=[]))
        usage = self._usage(answer)
        base = {"id": "cmpl-1", "object": "text_completion", "created": 1_700_000_000,
                "model": body.get("model")}
        if not body.get("stream"):
            choice = {"index": 0, "text": "".join(answer.content), "logprobs": None,
                      "finish_reason": answer.finish_reason}
            return self._json(rec, 200, dict(base, choices=[choice], usage=usage))
        resp = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        rec.status = 200
        await resp.prepare(request)
        for piece in answer.content:
            chunk = dict(base, choices=[{"index": 0, "text": piece, "logprobs": None,
                                         "finish_reason": None}])
            await resp.write(b"data: " + dumps(chunk) + b"\n\n")
        last = dict(base, choices=[{"index": 0, "text": "", "logprobs": None,
                                    "finish_reason": answer.finish_reason}], usage=usage)
        await resp.write(b"data: " + dumps(last) + b"\n\ndata: [DONE]\n\n")
        await resp.write_eof()
        rec.completed = True
        return resp


@dataclass
class Rig:
    """A relay and its providers: ``chat`` (chat-only), ``native`` (Anthropic format),
    ``responses`` (Responses native); each None when the test did not ask for it."""

    h: Harness
    chat: ScriptedChat | None = None
    native: FakeAnthropic | None = None  # pause_before[n] holds a stream before event n
    responses: FakeResponses | None = None

    @property
    def root(self) -> str:
        """The relay's root URL: the anthropic SDK appends /v1/messages itself."""
        return self.h.base_url.removesuffix("/v1")

    def anthropic(self, *, key: str | None = None, bearer: bool = False,
                  **kwargs: Any) -> anthropic.AsyncAnthropic:
        """The SDK with the user's key (or ``key``) in ``x-api-key``, as Claude Code sends it,
        or as a Bearer token (``bearer``: what this SDK does with ``api_key``)."""
        key = self.h.key if key is None else key
        if bearer:
            kwargs["api_key"] = key
        else:
            kwargs["api_key"] = None
            kwargs["default_headers"] = {"x-api-key": key, **kwargs.get("default_headers", {})}
        kwargs.setdefault("max_retries", 0)
        kwargs.setdefault("timeout", 20.0)
        return anthropic.AsyncAnthropic(base_url=self.root, **kwargs)

    def openai(self, **kwargs: Any) -> openai.AsyncOpenAI:
        return self.h.client(**kwargs)

    def headers(self, **extra: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.h.key}", **extra}

    async def last_log(self) -> Any:
        await self.h.settle()
        return self.h.logs()[-1]


def _register(name: str, kind: str, base_url: str, key: str, monkeypatch: pytest.MonkeyPatch,
              *, priority: int, anthropic_base_url: str, responses_native: bool,
              model_map: dict[str, str] | None = None) -> None:
    providers.add_provider(name, kind, models=[MODEL], base_url=base_url, priority=priority,
                           model_map=model_map)
    # Set the dialect columns directly: "" must mean none, not the kind's preset (a real URL).
    Provider.update(anthropic_base_url=anthropic_base_url or None,
                    responses_native=responses_native).where(Provider.name == name).execute()
    monkeypatch.setenv(keystore.env_var_name(name), key)


RigFactory = Callable[..., Any]


@pytest.fixture
async def rig(make_relay: Any, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[RigFactory]:
    """Factory: ``await rig(chat=True, native=False, responses=False, balance="10", ...)``.

    Providers, highest priority first: ``order`` names them ("chat", "native", "responses");
    ``upstream_model`` maps MODEL to that name at every provider. The chat provider has no
    Anthropic base URL (translation) even though its kind's preset would give it one.
    """
    started: list[Any] = []
    for name in ("ANTHROPIC_API_KEY", "ANTHROPIC_AUTH_TOKEN", "ANTHROPIC_BASE_URL",
                 "OPENAI_API_KEY", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)  # the SDKs read these: only the test's count

    async def factory(*, chat: bool = True, native: bool = False, responses: bool = False,
                      balance: str = "10", options: RelayOptions | None = None,
                      order: tuple[str, ...] = ("native", "responses", "chat"),
                      chat_kind: Kind = "deepseek", upstream_model: str | None = None) -> Rig:
        h = await make_relay((), balance=balance, options=options)
        result = Rig(h)
        mapping = {MODEL: upstream_model} if upstream_model else None
        priority = {name: 100 - 10 * i for i, name in enumerate(order)}
        if chat:
            result.chat = chat_up = ScriptedChat(kind=chat_kind)
            await chat_up.start()
            started.append(chat_up)
            _register("chat-1", chat_kind, chat_up.base_url, chat_up.api_key,
                      monkeypatch, priority=priority["chat"], anthropic_base_url="",
                      responses_native=False, model_map=mapping)
        if native:
            result.native = await FakeAnthropic("sk-ant-up").start()
            started.append(result.native)
            _register("native-1", "deepseek", "http://127.0.0.1:9/v1", result.native.api_key,
                      monkeypatch, priority=priority["native"],
                      anthropic_base_url=result.native.base_url, responses_native=False,
                      model_map=mapping)
        if responses:
            result.responses = await FakeResponses("sk-resp-up").start()
            started.append(result.responses)
            _register("responses-1", "openai", result.responses.base_url,
                      result.responses.api_key, monkeypatch, priority=priority["responses"],
                      anthropic_base_url="", responses_native=True, model_map=mapping)
        return result

    yield factory
    for item in reversed(started):
        await item.stop()


async def until(predicate: Callable[[], bool], timeout: float = 10.0) -> None:
    """Wait for ``predicate`` to hold (bounded), polling the loop."""
    async with asyncio.timeout(timeout):
        while not predicate():
            await asyncio.sleep(0.005)
