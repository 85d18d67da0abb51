"""Where the other dialects' endpoints live, and which paths answer errors Anthropic's way."""

from aiohttp import web

from relay.errors import RelayError
from relay.protocols.anthropic_errors import anthropic_response
from relay.protocols.messages_api import count_tokens, messages
from relay.protocols.responses_api import create_response

# The API prefixes a path may start with, longest first (relay/app.py API_PREFIXES).
_PREFIXES = ("/v1/v1", "/v1", "")


def setup(app: web.Application, prefixes: tuple[str, ...]) -> None:
    for prefix in prefixes:
        app.router.add_post(f"{prefix}/messages", messages)
        app.router.add_post(f"{prefix}/messages/count_tokens", count_tokens)
        app.router.add_post(f"{prefix}/responses", create_response)


def speaks_anthropic(path: str) -> bool:
    """Whether errors on ``path`` take Anthropic's shape (its clients' SDKs parse only that):
    ``/messages`` and everything under it, after an API prefix."""
    for prefix in _PREFIXES:
        if path.startswith(prefix):
            rest = path[len(prefix):]
            if rest == "/messages" or rest.startswith("/messages/"):
                return True
    return False


def error_response(path: str, exc: RelayError) -> web.Response:
    """``exc`` in the shape of the API the client speaks on ``path``."""
    return anthropic_response(exc) if speaks_anthropic(path) else exc.response()
