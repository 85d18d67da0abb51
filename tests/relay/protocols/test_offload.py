"""A big agent conversation is translated and sized off the event loop (README: "translation
and sizing of big bodies run off the event loop"), as the relay parses such bodies."""

import threading

from relay.protocols.messages_api import MessagesDialect
from relay.protocols.responses_api import ResponsesDialect
from tests.relay.conftest import relay_options
from tests.relay.protocols.conftest import MODEL


async def test_big_bodies_are_prepared_off_the_loop(rig, monkeypatch) -> None:
    r = await rig(options=relay_options(offload_json_bytes=1024))
    threads: list[str] = []
    for dialect in (MessagesDialect, ResponsesDialect):
        original = dialect.prepare

        def recording(self, original=original):  # type: ignore[no-untyped-def]
            threads.append(threading.current_thread().name)
            return original(self)

        monkeypatch.setattr(dialect, "prepare", recording)
    loop_thread = threading.current_thread().name
    small, big = "hi", "x" * 4096
    async with r.anthropic() as client:
        for text in (small, big):
            await client.messages.create(model=MODEL, max_tokens=16,
                                         messages=[{"role": "user", "content": text}])
    async with r.openai() as client:
        for text in (small, big):
            await client.responses.create(model=MODEL, input=text)
    assert [name == loop_thread for name in threads] == [True, False, True, False]
