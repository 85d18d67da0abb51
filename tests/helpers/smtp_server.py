"""A real SMTP server on loopback (aiosmtpd in its own thread) that keeps what it receives.

It can be stopped and started again on the same port (the "server down" case), offer STARTTLS
with a self-signed certificate, and demand a login (one user name and password).
"""

import email
import socket
import ssl
import threading
import warnings
from email.message import Message
from email.policy import default as default_policy
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, Envelope, LoginPassword, Session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class Received:
    """One delivered message: the envelope and the parsed message."""

    def __init__(self, envelope: Envelope) -> None:
        self.mail_from = envelope.mail_from
        self.rcpt_tos = list(envelope.rcpt_tos)
        raw = envelope.original_content or envelope.content
        self.raw = raw if isinstance(raw, bytes) else str(raw).encode()
        self.message: Message = email.message_from_bytes(self.raw, policy=default_policy)

    def body(self, subtype: str) -> str:
        """The text/``subtype`` part's decoded content."""
        part = self.message.get_body(preferencelist=(subtype,))  # type: ignore[attr-defined]
        assert part is not None and part.get_content_type() == f"text/{subtype}"
        return str(part.get_content()).replace("\r\n", "\n")  # CRLF on the wire


class _Handler:
    def __init__(self, server: "SmtpServer") -> None:
        self.server = server

    async def handle_DATA(self, _server: Any, _session: Session,  # noqa: N802 - aiosmtpd
                          envelope: Envelope) -> str:
        with self.server.lock:
            self.server.received.append(Received(envelope))
        return "250 OK"


class _Controller(Controller):
    def factory(self) -> Any:
        with warnings.catch_warnings():
            # AUTH without TLS is what the plain-login tests want (loopback only)
            warnings.filterwarnings("ignore", "Requiring AUTH while not requiring TLS")
            return super().factory()


class SmtpServer:
    """``received`` fills as messages arrive; ``logins`` counts successful AUTHs."""

    def __init__(self, *, tls_files: tuple[Path, Path] | None = None,
                 login: tuple[str, str] | None = None, implicit_tls: bool = False) -> None:
        self.host = "127.0.0.1"
        self.port = free_port()
        self.received: list[Received] = []
        self.logins: list[str] = []
        self.lock = threading.Lock()
        self.login = login
        self.tls: ssl.SSLContext | None = None
        if tls_files is not None:
            self.tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            self.tls.load_cert_chain(str(tls_files[0]), str(tls_files[1]))
        self.implicit_tls = implicit_tls  # TLS from the first byte (port 465 style)
        self._controller: Controller | None = None

    def _authenticate(self, _server: Any, _session: Session, _envelope: Envelope,
                      mechanism: str, data: Any) -> AuthResult:
        ok = (self.login is not None and isinstance(data, LoginPassword)
              and (data.login.decode(), data.password.decode()) == self.login)
        if ok:
            self.logins.append(data.login.decode())
        return AuthResult(success=ok, handled=False)  # handled=False: aiosmtpd answers 535

    def start(self) -> None:
        kwargs: dict[str, Any] = {}
        if self.tls is not None and self.implicit_tls:
            kwargs.update(ssl_context=self.tls)
        elif self.tls is not None:
            kwargs.update(tls_context=self.tls, require_starttls=True)
        if self.login is not None:
            kwargs.update(authenticator=self._authenticate, auth_required=True,
                          auth_require_tls=self.tls is not None)
        self._controller = _Controller(_Handler(self), hostname=self.host, port=self.port,
                                       ready_timeout=10, **kwargs)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def running(self) -> bool:
        return self._controller is not None

    def messages(self) -> list[Received]:
        with self.lock:
            return list(self.received)


def use_smtp(server: SmtpServer) -> None:
    """Point RelayDesk's mail settings at ``server`` (plain SMTP, no login)."""
    from app import settings
    settings.set("smtp_host", server.host)
    settings.set("smtp_port", server.port)
    settings.set("smtp_security", "none")
    settings.set("mail_from", "relay@example.org")
