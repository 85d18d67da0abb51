"""Premium-priced variants on native providers: fields a user sets to buy a dearer service
tier, billed by the provider at a multiple of the price the relay charges.

- OpenAI ``service_tier: "priority"`` (alias ``"fast"``): Priority processing, about twice
  the standard per-token price (openai.com/api-priority-processing).
- Anthropic ``speed: "fast"`` (fast mode, with its beta header): "premium pricing", a
  multiplier on standard rates; ``inference_geo: "us"``: 1.1x on newer Opus models.

The translation drops these (relay/protocols/responses.py to_chat, anthropic.py to_chat say
so); the native pass-through forwards them, and the relay bills its standard price."""

from typing import Any

import aiohttp
import pytest

from tests.relay.protocols.conftest import MODEL, Rig


async def post(r: Rig, path: str, body: dict[str, Any], **headers: str) -> int:
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{r.h.base_url}{path}", json=body,
                                headers=r.headers(**headers)) as resp:
            await resp.read()
            return resp.status


@pytest.mark.parametrize("tier", ["priority", "fast"])
async def test_native_responses_never_buys_a_premium_tier(rig, tier: str) -> None:
    r = await rig(responses=True, chat=False)
    assert r.responses is not None
    r.responses.scenario.strict = False
    status = await post(r, "/responses", {"model": MODEL, "input": "hi",
                                          "max_output_tokens": 50, "service_tier": tier})
    if status == 200:
        assert r.responses.last_request.json.get("service_tier") in (None, "auto", "default")
    else:
        assert 400 <= status < 500


@pytest.mark.parametrize("field, value", [("speed", "fast"), ("inference_geo", "us")])
async def test_native_messages_never_buys_a_premium_tier(rig, field: str, value: str) -> None:
    r = await rig(native=True, chat=False)
    assert r.native is not None
    r.native.scenario.strict = False
    body = {"model": MODEL, "max_tokens": 50, field: value,
            "messages": [{"role": "user", "content": "hi"}]}
    status = await post(r, "/messages", body, **{"anthropic-version": "2023-06-01",
                                                 "anthropic-beta": "fast-mode-2026-02-01"})
    if status == 200:
        assert r.native.last_request.json.get(field) != value
    else:
        assert 400 <= status < 500
