"""How a provider is reached: its proxy setting, extra request headers and CA bundle, parsed
and validated from what an operator types (CLI, GUI, admin API alike)."""

import re
import ssl
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from app.errors import ValidationError

SYSTEM = "system"
PROXY_SCHEMES = ("http", "https", "socks5", "socks5h")
# A URL's usual port, except SOCKS, which has none in URLs: 1080 is its registered port.
DEFAULT_PORTS = {"http": 80, "https": 443, "socks5": 1080, "socks5h": 1080}
MASK = "***"  # a password shown back to the operator; typed back, it means "keep the stored one"
PROXY_PROBLEM = "Proxy must be none, system or a URL scheme://host:port with scheme {schemes}"

MAX_HEADERS = 20
MAX_HEADER_NAME = 100
MAX_HEADER_VALUE = 4096
TOKEN_RE = re.compile(r"^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$")  # RFC 7230 token
# The relay sets these itself (or the key field does); a copy here would clash or leak.
FORBIDDEN_HEADERS = frozenset({
    "host", "content-length", "content-type", "transfer-encoding", "connection",
    "authorization", "proxy-authorization", "accept-encoding"})
# Headers that carry an API key: a key belongs in the provider's key field (the keyring), never
# in the database with the extra headers. (Azure's api-key header is sent from the key field.)
KEY_HEADERS = frozenset({"api-key", "x-api-key", "x-goog-api-key"})


@dataclass(frozen=True, slots=True)
class ProxySetting:
    """A parsed proxy input. ``stored``: the column value (None, "system" or a URL without
    credentials); ``username``/``password``: decoded credentials typed with it, if any."""

    stored: str | None
    username: str | None = None
    password: str | None = None

    @property
    def has_credentials(self) -> bool:
        return self.username is not None


def parse_proxy(value: str | None) -> ProxySetting:
    """``"none"``/``""`` (direct), ``"system"``, or ``scheme://[user[:password]@]host[:port]``;
    a missing port gets the scheme's default and is stored explicitly."""
    text = (value or "").strip()
    if text.lower() in ("", "none"):
        return ProxySetting(None)
    if text.lower() == SYSTEM:
        return ProxySetting(SYSTEM)
    schemes = ", ".join(PROXY_SCHEMES)
    if "://" not in text:
        raise ValidationError(PROXY_PROBLEM, param="proxy", schemes=schemes)
    scheme, rest = text.split("://", 1)
    scheme = scheme.lower()
    if scheme not in PROXY_SCHEMES:
        raise ValidationError(PROXY_PROBLEM + " (not {scheme!r})", param="proxy",
                              schemes=schemes, scheme=scheme)
    # The host part starts after the last "@", so a password may hold an unencoded "@" or "/".
    userinfo, at, after = rest.rpartition("@")
    hostport, slash, tail = after.partition("/")
    if (slash and tail) or any(c in hostport for c in "?#") or any(c.isspace() for c in text):
        raise ValidationError(PROXY_PROBLEM + " (no path, query or spaces)", param="proxy",
                              schemes=schemes)
    try:
        parts = urlsplit(f"{scheme}://{hostport}")
        host, port = parts.hostname, parts.port
    except ValueError:
        raise ValidationError(PROXY_PROBLEM + " (bad host or port)", param="proxy",
                              schemes=schemes) from None
    if not host:
        raise ValidationError(PROXY_PROBLEM + " (the host is missing)", param="proxy",
                              schemes=schemes)
    if port is None:
        if hostport.endswith(":"):
            raise ValidationError(PROXY_PROBLEM + " (the port is empty)", param="proxy",
                                  schemes=schemes)
        port = DEFAULT_PORTS[scheme]
    if port == 0:
        raise ValidationError(PROXY_PROBLEM + " (port 0)", param="proxy", schemes=schemes)
    host_text = f"[{host}]" if ":" in host else host
    stored = f"{scheme}://{host_text}:{port}"
    if not at:
        return ProxySetting(stored)
    user, colon, password = userinfo.partition(":")
    if not user:
        raise ValidationError("Proxy: the credentials need a user name (user:password@host)",
                              param="proxy")
    return ProxySetting(stored, unquote(user), unquote(password) if colon else None)


def encode_credentials(username: str, password: str | None) -> str:
    """``user[:password]`` percent-encoded, as it goes between ``://`` and ``@``."""
    user = quote(username, safe="")
    return user if password is None else f"{user}:{quote(password, safe='')}"


def decode_credentials(userinfo: str) -> tuple[str, str | None]:
    user, colon, password = userinfo.partition(":")
    return unquote(user), (unquote(password) if colon else None)


def with_userinfo(stored: str, userinfo: str) -> str:
    scheme, rest = stored.split("://", 1)
    return f"{scheme}://{userinfo}@{rest}"


def parse_headers(value: list[str] | str | dict[str, str] | None) -> dict[str, str]:
    """Extra headers from a dict, ``"Name: value"`` lines (a list, or one text with a line
    each), validated; ``None`` or empty gives ``{}``."""
    if not value:
        return {}
    if isinstance(value, dict):
        items = list(value.items())
    else:
        lines = value.splitlines() if isinstance(value, str) else list(value)
        items = []
        for line in lines:
            if not line.strip():
                continue
            if ":" not in line:
                raise ValidationError("Extra headers: each line must be 'Name: value', not "
                                      "{line!r}", param="headers", line=line)
            name, _, header_value = line.partition(":")
            items.append((name, header_value))
    result: dict[str, str] = {}
    seen: set[str] = set()
    for name, header_value in items:
        if not isinstance(name, str) or not isinstance(header_value, str):
            raise ValidationError("Extra headers: names and values must be text",
                                  param="headers")
        name, header_value = name.strip(), header_value.strip(" \t")
        if not TOKEN_RE.match(name) or len(name) > MAX_HEADER_NAME:
            raise ValidationError("Extra headers: {name!r} is not a valid header name",
                                  param="headers", name=name)
        if name.lower() == "authorization":
            raise ValidationError("Extra headers: the relay sets {name} itself; the API key has "
                                  "its own field", param="headers", name=name)
        if name.lower() in FORBIDDEN_HEADERS:
            raise ValidationError("Extra headers: the relay sets {name} itself; it cannot be an "
                                  "extra header", param="headers", name=name)
        if name.lower() in KEY_HEADERS:
            raise ValidationError("Extra headers: {name} carries an API key: put the key in the "
                                  "API key field (kept in the keyring; an Azure OpenAI base "
                                  "URL gets it as its api-key header)", param="headers",
                                  name=name)
        if any(c in header_value for c in "\r\n\0") or len(header_value) > MAX_HEADER_VALUE:
            raise ValidationError("Extra headers: the value of {name} is not valid (too long, "
                                  "or it has line breaks)", param="headers", name=name)
        if name.lower() in seen:
            raise ValidationError("Extra headers: {name} is given twice", param="headers",
                                  name=name)
        seen.add(name.lower())
        result[name] = header_value
    if len(result) > MAX_HEADERS:
        raise ValidationError("Extra headers: at most {maximum} are allowed", param="headers",
                              maximum=MAX_HEADERS)
    return result


def validate_ca_bundle(path: str) -> str:
    """The absolute path of a readable PEM file that Python's TLS can load as CA certificates
    (trusted in addition to the system store)."""
    text = path.strip()
    if not text:
        raise ValidationError("CA bundle: the path is empty", param="ca_bundle")
    full = Path(text).expanduser().absolute()
    if not full.is_file():
        raise ValidationError("CA bundle: {path!r} is not a file", param="ca_bundle",
                              path=str(full))
    try:
        ssl.create_default_context(cafile=str(full))
    except (ssl.SSLError, OSError, ValueError) as exc:
        raise ValidationError("CA bundle: {path!r} holds no usable PEM certificates ({error})",
                              param="ca_bundle", path=str(full),
                              error=type(exc).__name__) from None
    return str(full)
