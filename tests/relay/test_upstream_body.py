"""The body sent upstream when the relay adds members (usage reporting, a completion limit) on
the client's behalf."""

import json

import aiohttp
import pytest

from relay.pool import Upstream
from relay.upstream import chat_body, with_members
from relay.upstream import headers as upstream_headers

USAGE = {"stream_options": {"include_usage": True}}


def test_usage_option_is_spliced_into_the_clients_bytes() -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "你好 \"x\""}], "stream": True,
            "n": 1.50}
    for raw in (json.dumps(body).encode(), json.dumps(body, ensure_ascii=False).encode(),
                b"  \n" + json.dumps(body, indent=2).encode(),
                b"\xef\xbb\xbf" + json.dumps(body).encode()):
        spliced = with_members(raw, dict(USAGE, max_tokens=7))
        assert spliced is not None
        assert json.loads(spliced) == dict(body, max_tokens=7, **USAGE)
        assert spliced.endswith(raw[raw.index(b"{") + 1:])  # the rest is the client's bytes


def test_utf16_bodies_are_left_to_re_encoding() -> None:
    raw = json.dumps({"model": "m", "messages": []}).encode("utf-16-le")
    assert json.loads(raw) == {"model": "m", "messages": []}
    assert with_members(raw, USAGE) is None


async def test_a_utf16_stream_request_still_asks_for_usage(make_relay) -> None:
    """JSON may come in UTF-16; the relay re-encodes such a body instead of splicing into it."""
    harness = await make_relay(("deepseek",))
    body = {"model": "m1", "messages": [{"role": "user", "content": "hi"}], "stream": True}
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{harness.base_url}/chat/completions",
                                data=json.dumps(body).encode("utf-16"),
                                headers={"Authorization": f"Bearer {harness.key}",
                                         "Content-Type": "application/json"}) as resp:
            assert resp.status == 200
            text = await resp.text()
    assert text.rstrip().endswith("data: [DONE]")
    sent = harness.upstreams["deepseek"].last_request
    assert sent.json["stream_options"] == {"include_usage": True}
    assert sent.json["messages"] == body["messages"]
    await harness.settle()
    assert harness.logs()[-1].completion_tokens > 0 and not harness.logs()[-1].estimated


def _upstream(kind: str, base_url: str) -> Upstream:
    return Upstream(1, "p", kind, base_url, frozenset({"m"}), {}, 0, 1, None, 0)


@pytest.mark.parametrize("kind,base_url,field", [
    ("openai", "https://api.openai.com/v1", "max_completion_tokens"),
    ("openai", "https://me.openai.azure.com/openai/v1?api-version=x", "max_completion_tokens"),
    ("openai", "http://10.0.0.5:8000/v1", "max_tokens"),  # vLLM, Ollama, LM Studio...
    ("deepseek", "https://api.deepseek.com/v1", "max_tokens"),
    ("zhipu", "https://open.bigmodel.cn/api/paas/v4", "max_tokens"),
    ("dashscope", "https://dashscope.aliyuncs.com/compatible-mode/v1", "max_tokens"),
])
def test_the_relays_limit_goes_in_the_field_each_provider_reads(kind: str, base_url: str,
                                                                field: str) -> None:
    body = {"model": "m", "messages": [{"role": "user", "content": "hi"}]}
    payload, members, _ = chat_body(body, _upstream(kind, base_url), "m", stream=False,
                                    max_tokens=99)
    assert payload is None and members == {field: 99}


@pytest.mark.parametrize("base_url,sent", [
    ("https://me.openai.azure.com/openai/v1?api-version=x", {"api-key": "sk-k"}),
    ("https://me.services.ai.azure.com/openai/v1", {"api-key": "sk-k"}),
    ("https://api.openai.com/v1", {"Authorization": "Bearer sk-k"}),
    ("http://10.0.0.5:8000/v1", {"Authorization": "Bearer sk-k"}),
])
def test_the_key_goes_in_the_header_each_provider_reads(base_url: str,
                                                         sent: dict[str, str]) -> None:
    """Azure OpenAI takes API keys in ``api-key`` (Bearer is for Entra ID tokens); the rest
    in ``Authorization: Bearer``. Never both."""
    up = _upstream("openai", base_url)
    up.api_key = "sk-k"
    got = upstream_headers(up, stream=False)
    assert {k: v for k, v in got.items() if k in ("api-key", "Authorization")} == sent


def test_a_client_limit_the_provider_does_not_read_is_copied_into_one_it_does() -> None:
    body = {"model": "m", "messages": [], "max_completion_tokens": 7}
    up = _upstream("openai", "http://127.0.0.1:11434/v1")
    assert chat_body(body, up, "m", stream=False)[:2] == (None, {"max_tokens": 7})
    official = _upstream("openai", "https://api.openai.com/v1")
    assert chat_body(body, official, "m", stream=False)[:2] == (None, {})
