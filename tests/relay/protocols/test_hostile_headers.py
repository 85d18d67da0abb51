"""Hostile headers on /v1/messages: a client's odd anthropic-beta / anthropic-version bytes are
the client's problem, never the provider's health (one user must not cool down a provider)."""

import asyncio
import json

from tests.relay.protocols.conftest import MODEL, Rig

BODY = {"model": MODEL, "max_tokens": 50, "messages": [{"role": "user", "content": "hi"}]}


async def raw_post(r: Rig, path: str, body: bytes, headers: list[tuple[bytes, bytes]]
                   ) -> tuple[int, bytes]:
    """One HTTP/1.1 request written byte for byte (no client library cleans the headers)."""
    host, port = r.h.base_url.split("//")[1].split("/")[0].split(":")
    reader, writer = await asyncio.open_connection(host, int(port))
    head = [b"POST " + path.encode() + b" HTTP/1.1", b"Host: " + host.encode(),
            b"Content-Type: application/json", b"Content-Length: " + str(len(body)).encode(),
            b"Connection: close"]
    head += [name + b": " + value for name, value in headers]
    writer.write(b"\r\n".join(head) + b"\r\n\r\n" + body)
    await writer.drain()
    answer = await asyncio.wait_for(reader.read(), timeout=10)
    writer.close()
    status_line, _, rest = answer.partition(b"\r\n")
    return int(status_line.split()[1]), rest.partition(b"\r\n\r\n")[2]


async def test_non_utf8_anthropic_beta_does_not_cool_down_the_provider(rig) -> None:
    r = await rig(native=True, chat=False)
    key = r.h.key.encode()
    for _ in range(4):
        status, _ = await raw_post(r, "/v1/messages", json.dumps(BODY).encode(), [
            (b"x-api-key", key), (b"anthropic-version", b"2023-06-01"),
            (b"anthropic-beta", b"tools-\xff\xfe")])
        assert status < 500, status
    # an honest request from another user afterwards is served by the provider
    status, answer = await raw_post(r, "/v1/messages", json.dumps(BODY).encode(), [
        (b"x-api-key", key), (b"anthropic-version", b"2023-06-01")])
    assert status == 200, answer
