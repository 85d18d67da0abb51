"""Reading an ordinary streamed chunk off its bytes, without parsing its JSON.

Nearly every event of a stream is a text delta the relay only counts: no usage yet, no
finish, no error, no tool call. Parsing each one into dicts to learn that costs more than the
rest of the relay's per-event work. :func:`plain_delta_tokens` recognises such a chunk from a
few substring searches and counts its text the way :func:`app.metering.text_tokens` would;
anything it is not sure about gets ``None`` and the full JSON look in relay/streaming.py.

The searches are safe because a double quote inside a JSON string is always escaped: an
unescaped ``"usage":`` can only be a key, never part of a text.
"""

_NULL = (b":null", b": null")
_CHOICES = (b'"choices":[{', b'"choices": [{')
_NEEDS_A_LOOK = (b'"error"', b'"tool_calls"', b'"function_call"', b'"[DONE]')
_TEXT_KEYS = (b'"content":', b'"reasoning_content":')


def _all_null(payload: bytes, key: bytes) -> bool:
    """Whether every ``key`` in ``payload`` has the value null."""
    at = payload.find(key)
    while at != -1:
        end = at + len(key)
        if not payload.startswith(_NULL, end):
            return False
        at = payload.find(key, end)
    return True


def _text_bytes(payload: bytes, key: bytes) -> int | None:
    """UTF-8 length of every ``key`` string value (null counts 0); ``None`` when one has an
    escape or is not a string, so counting it needs the decoded text."""
    total = 0
    at = payload.find(key)
    while at != -1:
        start = at + len(key)
        if payload.startswith(b" ", start):
            start += 1
        if payload.startswith(b'"', start):
            end = payload.find(b'"', start + 1)
            if end == -1 or payload.find(b"\\", start + 1, end) != -1:
                return None
            total += (end - start - 1 + 2) // 3  # text_tokens() of the raw UTF-8 bytes
        elif payload.startswith(b"null", start):
            end = start + 4
        else:
            return None
        at = payload.find(key, end)
    return total


def plain_delta_tokens(payload: bytes) -> int | None:
    """Tokens of text in an ordinary delta chunk, or ``None`` if the chunk needs parsing."""
    if not (payload.startswith(b"{") and payload.endswith(b"}")):
        return None
    if _CHOICES[0] not in payload and _CHOICES[1] not in payload:
        return None
    for marker in _NEEDS_A_LOOK:
        if marker in payload:
            return None
    if not (_all_null(payload, b'"usage"') and _all_null(payload, b'"finish_reason"')):
        return None
    tokens = 0
    for key in _TEXT_KEYS:
        counted = _text_bytes(payload, key)
        if counted is None:
            return None
        tokens += counted
    return tokens
