"""Which gateways are configured: address and merchant id in settings, the merchant key or
appsecret in the keyring (never in settings, logs or exports)."""

from dataclasses import dataclass, field

from app import audit, keystore, settings
from app.errors import Conflict, ValidationError

GATEWAYS = ("epay", "hupijiao")
SECRET_KIND = "payment"
_SETTINGS = {"epay": ("payments_epay_url", "payments_epay_pid"),
             "hupijiao": ("payments_hupijiao_url", "payments_hupijiao_appid")}


@dataclass(frozen=True)
class Gateway:
    """One gateway's configuration; ``key`` is the merchant key (Epay) or appsecret."""

    name: str
    url: str
    merchant_id: str
    key: str = field(repr=False)


def check_name(name: str) -> str:
    if name not in GATEWAYS:
        raise ValidationError("Gateway must be one of {gateways}", param="gateway",
                              gateways=", ".join(GATEWAYS))
    return name


def load(name: str) -> Gateway:
    """The gateway's configuration, or a refusal naming what is missing."""
    url_key, id_key = _SETTINGS[check_name(name)]
    url, merchant_id = settings.get(url_key), settings.get(id_key)
    key = keystore.get_secret(SECRET_KIND, name) or ""
    if not (url and merchant_id and key):
        raise Conflict("the {gateway} gateway is not set up: it needs its address, merchant id "
                       "and key", gateway=name)
    return Gateway(name, url, merchant_id, key)


def available() -> list[str]:
    """The gateways users can pay through now (address, merchant id and key all set)."""
    names = []
    for name in GATEWAYS:
        url_key, id_key = _SETTINGS[name]
        if settings.get(url_key) and settings.get(id_key) and has_key(name):
            names.append(name)
    return names


def has_key(name: str) -> bool:
    return bool(keystore.get_secret(SECRET_KIND, check_name(name)))


def set_key(name: str, secret: str, *, actor: str = "admin") -> None:
    """Store the merchant key / appsecret in the keyring (refused when there is none)."""
    text = (secret or "").strip()
    if not text or len(text) > 256 or any(c.isspace() for c in text):
        raise ValidationError("The gateway key must be 1 to 256 characters without spaces",
                              param="key")
    keystore.set_secret(SECRET_KIND, check_name(name), text)
    audit.record("payments.key_set", actor=actor, target=name)


def base_url(request_origin: str | None = None) -> str:
    """Where gateways and browsers reach this relay: the public_base_url setting, else the
    address the user's browser used (a notify cannot arrive then; the order query confirms)."""
    return settings.get("public_base_url") or (request_origin or "").rstrip("/")


def notify_url(name: str, origin: str | None = None) -> str:
    return f"{base_url(origin)}/pay/{name}/notify"


def return_url(name: str, order_no: str, origin: str | None = None) -> str:
    # in the path: some gateways append "?their=params" to the URL as given
    return f"{base_url(origin)}/pay/{name}/return/{order_no}"


def configure(name: str, *, url: str | None = None, merchant_id: str | None = None,
              key: str | None = None, actor: str = "admin") -> dict[str, object]:
    """Change a gateway's address, merchant id and/or key (the GUI, CLI and admin API)."""
    url_key, id_key = _SETTINGS[check_name(name)]
    parsed_url = settings.parse(url_key, url) if url is not None else None
    parsed_id = settings.parse(id_key, merchant_id) if merchant_id is not None else None
    if key:  # first: a keyring that refuses leaves the settings as they were
        set_key(name, key, actor=actor)
    if parsed_url is not None:
        settings.set(url_key, parsed_url, actor=actor)
    if parsed_id is not None:
        settings.set(id_key, parsed_id, actor=actor)
    return describe(name)


def describe(name: str) -> dict[str, object]:
    """A gateway's settings as shown to the operator: whether a key is stored, never the key."""
    url_key, id_key = _SETTINGS[check_name(name)]
    return {"gateway": name, "url": settings.get(url_key), "merchant_id": settings.get(id_key),
            "key_stored": has_key(name),
            "notify_url": notify_url(name) if settings.get("public_base_url") else None}
