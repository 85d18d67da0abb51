"""Upstream providers: what they serve, how to reach them, and their health."""

import logging
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from peewee import IntegrityError

from app import audit, clock, events, keystore
from app.db import write_transaction
from app.errors import Conflict, KeystoreUnavailable, NotFound, ValidationError
from app.models import Provider
from app.pricing import WILDCARD, wildcard_ok
from app.provider_network import (
    MASK,
    SYSTEM,
    ProxySetting,
    decode_credentials,
    encode_credentials,
    parse_headers,
    parse_proxy,
    validate_ca_bundle,
    with_userinfo,
)

log = logging.getLogger(__name__)

KIND_DEFAULT_URLS = {
    "deepseek": "https://api.deepseek.com/v1",
    "zhipu": "https://open.bigmodel.cn/api/paas/v4",
    "dashscope": "https://dashscope.aliyuncs.com/compatible-mode/v1",
    "openai": "https://api.openai.com/v1",
}
KINDS = tuple(KIND_DEFAULT_URLS)
# Where a kind serves the Anthropic Messages API: Claude Code's requests pass through there.
KIND_ANTHROPIC_URLS = {
    "deepseek": "https://api.deepseek.com/anthropic",
    "zhipu": "https://open.bigmodel.cn/api/anthropic",
}
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
SECRET_KIND = "provider"
PROXY_SECRET_KIND = "provider-proxy"  # "user:password", percent-encoded, keyed by provider name


def _clean_url(url: str | None) -> str | None:
    """The URL without a trailing slash on its path, or None when it is no http(s) URL; a
    query string (Azure's ``?api-version=...``) is kept, as every request needs it."""
    value = (url or "").strip()
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or parts.fragment \
            or any(c.isspace() for c in value):
        return None
    return urlunsplit(parts._replace(path=parts.path.rstrip("/")))


def validate_base_url(url: str) -> str:
    clean = _clean_url(url)
    if clean is None:
        raise ValidationError("Base URL must look like https://host[:port]/path, not {url!r}",
                              param="base_url", url=url)
    return clean


def anthropic_url(kind: str, url: str | None, base_url: str) -> str | None:
    """The Anthropic Messages base URL to keep: ``None`` means the kind's preset, if the
    provider is that kind's own service at its usual address (a provider reached at another
    base URL — a proxy, a self-hosted gateway — has no known Anthropic address); ``""`` none at
    all (Claude Code's requests are then translated to Chat Completions)."""
    if url is None:
        return KIND_ANTHROPIC_URLS.get(kind) if base_url == KIND_DEFAULT_URLS[kind] else None
    if not url.strip():
        return None
    clean = _clean_url(url)
    if clean is None:
        raise ValidationError("Anthropic API base URL must look like https://host[:port]/path, "
                              "not {url!r}", param="anthropic_base_url", url=url)
    return clean


def _native_flag(value: object) -> bool:
    # A JSON "false" string from a careless client must not switch pass-through on.
    if not isinstance(value, bool):
        raise ValidationError("Responses-native must be true or false",
                              param="responses_native")
    return value


def parse_map(pairs: list[str] | dict[str, str] | None) -> dict[str, str]:
    """``["alias=upstream", ...]`` (CLI form) or a dict into a validated mapping."""
    if not pairs:
        return {}
    items = pairs.items() if isinstance(pairs, dict) else (
        (p.split("=", 1) if "=" in p else (p, "")) for p in pairs)
    result: dict[str, str] = {}
    for alias, upstream in items:
        alias, upstream = alias.strip(), upstream.strip()
        if not alias or not upstream or any(c.isspace() for c in alias + upstream):
            raise ValidationError("Model mapping: each row needs the model clients ask for and "
                                  "the model sent upstream, without spaces (got "
                                  "{alias}={upstream})", param="map", alias=alias,
                                  upstream=upstream)
        if not wildcard_ok(alias):
            raise ValidationError("Model mapping: {alias!r} is not a valid pattern: one '*' "
                                  "may end the model clients ask for, after at least one "
                                  "character (e.g. claude-haiku-*)", param="map", alias=alias)
        if WILDCARD in upstream:
            raise ValidationError("Model mapping: the model sent upstream ({upstream!r}) "
                                  "cannot contain '*'; name one model", param="map",
                                  upstream=upstream)
        result[alias] = upstream
    return result


def _validate(name: str, kind: str, base_url: str | None, models: list[str], priority: int,
              weight: int) -> tuple[str, str, list[str]]:
    if not NAME_RE.match(name or ""):
        raise ValidationError("Name must be 1-64 letters, digits, '.', '_' or '-'",
                              param="name")
    if kind not in KINDS:
        raise ValidationError("Kind must be one of {kinds}", param="kind", kinds=", ".join(KINDS))
    url = validate_base_url(base_url or KIND_DEFAULT_URLS[kind])
    clean = [m.strip() for m in models if m and m.strip()]
    if not clean:
        raise ValidationError("Models: name at least one model", param="models")
    if any(len(m) > 128 or any(c.isspace() for c in m) for m in clean):
        raise ValidationError("Models: a model name has spaces in it or is longer than 128 "
                              "characters", param="models")
    starred = next((m for m in clean if WILDCARD in m), None)
    if starred is not None:
        raise ValidationError("Models: {model!r} contains '*'; a pattern belongs in the model "
                              "mapping, as the model clients ask for (e.g. claude-* = "
                              "deepseek-chat)", param="models", model=starred)
    if not isinstance(priority, int) or not -1000 <= priority <= 1000:
        raise ValidationError("Priority must be a whole number from -1000 to 1000",
                              param="priority")
    if not isinstance(weight, int) or not 1 <= weight <= 1000:
        raise ValidationError("Weight must be a whole number from 1 to 1000", param="weight")
    return name, url, list(dict.fromkeys(clean))


def _proxy_userinfo(name: str, setting: ProxySetting, had_auth: bool) -> str | None:
    """The percent-encoded ``user:password`` to keep for ``setting``; a password typed as
    the mask keeps the stored one (the GUI shows the proxy back masked)."""
    if not setting.has_credentials:
        return None
    assert setting.username is not None
    keeps_all = setting.username == MASK and setting.password is None
    if not keeps_all and setting.password != MASK:
        return encode_credentials(setting.username, setting.password)
    stored = keystore.get_secret(PROXY_SECRET_KIND, name) if had_auth else None
    if stored is None:
        raise ValidationError("Proxy: there is no stored proxy password to keep; type the "
                              "password instead of {mask}", param="proxy", mask=MASK)
    if keeps_all:
        return stored
    return encode_credentials(setting.username, decode_credentials(stored)[1])


def _store_proxy_secret(name: str, userinfo: str) -> None:
    try:
        keystore.set_secret(PROXY_SECRET_KIND, name, userinfo)
    except KeystoreUnavailable:
        raise KeystoreUnavailable(
            "the proxy password needs the OS keyring, and none is usable. Without one, choose "
            "the System proxy and set HTTPS_PROXY/ALL_PROXY (credentials included) in the "
            "relay's environment.", param="proxy") from None


def _network_detail(proxy: str | None, proxy_auth: bool, headers: dict[str, str],
                    ca_bundle: str | None) -> dict[str, Any]:
    """What the audit log keeps: never the proxy's credentials nor header values."""
    return {"proxy": proxy, "proxy_auth": proxy_auth, "extra_headers": sorted(headers),
            "ca_bundle": ca_bundle}


def add_provider(name: str, kind: str, *, models: list[str], base_url: str | None = None,
                 model_map: list[str] | dict[str, str] | None = None, priority: int = 0,
                 weight: int = 1, api_key: str | None = None, enabled: bool = True,
                 proxy: str | None = None,
                 extra_headers: list[str] | str | dict[str, str] | None = None,
                 ca_bundle: str | None = None, anthropic_base_url: str | None = None,
                 responses_native: bool = False, actor: str = "admin") -> Provider:
    """Register a provider; its key (and proxy credentials) go to the keyring before the row
    is committed, so a keyring failure leaves nothing half-created. ``anthropic_base_url``
    ``None`` takes the kind's preset, ``""`` none."""
    name, url, clean_models = _validate(name, kind, base_url, models, priority, weight)
    anthropic = anthropic_url(kind, anthropic_base_url, url)
    native = _native_flag(responses_native)
    mapping = parse_map(model_map)
    proxy_setting = parse_proxy(proxy)
    headers = parse_headers(extra_headers)
    bundle = validate_ca_bundle(ca_bundle) if ca_bundle else None
    if Provider.select().where(Provider.name == name).exists():
        raise Conflict("a provider named {name!r} already exists", param="name", name=name)
    if api_key is not None and not api_key.strip():
        raise ValidationError("API key is empty", param="key")
    userinfo = _proxy_userinfo(name, proxy_setting, had_auth=False)
    if api_key is not None:
        keystore.set_secret(SECRET_KIND, name, api_key.strip())
    if userinfo is not None:
        _store_proxy_secret(name, userinfo)
    try:
        with write_transaction():
            provider = Provider.create(name=name, kind=kind, base_url=url, models=clean_models,
                                       model_map=mapping, priority=priority, weight=weight,
                                       enabled=enabled, proxy=proxy_setting.stored,
                                       proxy_auth=userinfo is not None, extra_headers=headers,
                                       ca_bundle=bundle, anthropic_base_url=anthropic,
                                       responses_native=native)
            audit.record("provider.add", actor=actor, target=name,
                         detail={"kind": kind, "base_url": url, "models": clean_models,
                                 "anthropic_base_url": anthropic, "responses_native": native}
                         | _network_detail(proxy_setting.stored, userinfo is not None,
                                           headers, bundle))
    except IntegrityError:
        raise Conflict("a provider named {name!r} already exists", param="name",
                       name=name) from None
    events.emit(events.PROVIDERS)
    return provider


def get_provider(name: str) -> Provider:
    provider = Provider.get_or_none(Provider.name == name)
    if provider is None:
        raise NotFound("there is no provider named {name!r}", param="name", name=name)
    return provider


def list_providers() -> list[Provider]:
    return list(Provider.select().order_by(Provider.priority.desc(), Provider.name))


def update_provider(name: str, *, kind: str | None = None, base_url: str | None = None,
                    models: list[str] | None = None,
                    model_map: list[str] | dict[str, str] | None = None,
                    priority: int | None = None, weight: int | None = None,
                    enabled: bool | None = None, api_key: str | None = None,
                    proxy: str | None = None,
                    extra_headers: list[str] | str | dict[str, str] | None = None,
                    ca_bundle: str | None = None, anthropic_base_url: str | None = None,
                    responses_native: bool | None = None, actor: str = "admin") -> Provider:
    """Change what is given; ``None`` keeps a field. ``proxy="none"`` (or ``""``),
    ``ca_bundle=""`` and ``anthropic_base_url=""`` clear theirs, ``extra_headers={}`` clears
    the headers. A kind change keeps the Anthropic URL (the GUI refills the preset)."""
    provider = get_provider(name)
    new_kind = kind or provider.kind
    _, url, clean_models = _validate(
        name, new_kind, base_url or provider.base_url,
        models if models is not None else provider.models,
        provider.priority if priority is None else priority,
        provider.weight if weight is None else weight)
    mapping = parse_map(model_map) if model_map is not None else provider.model_map
    dialect: dict[str, Any] = {}
    if anthropic_base_url is not None:
        dialect["anthropic_base_url"] = anthropic_url(new_kind, anthropic_base_url, url)
    if responses_native is not None:
        dialect["responses_native"] = _native_flag(responses_native)
    network: dict[str, Any] = {}
    userinfo: str | None = None
    if proxy is not None:
        setting = parse_proxy(proxy)
        userinfo = _proxy_userinfo(name, setting, had_auth=provider.proxy_auth)
        network |= {"proxy": setting.stored, "proxy_auth": userinfo is not None}
    if extra_headers is not None:
        network["extra_headers"] = parse_headers(extra_headers)
    if ca_bundle is not None:
        network["ca_bundle"] = validate_ca_bundle(ca_bundle) if ca_bundle.strip() else None
    if api_key:
        keystore.set_secret(SECRET_KIND, name, api_key.strip())
    if userinfo is not None:
        _store_proxy_secret(name, userinfo)
    with write_transaction():
        Provider.update(
            kind=new_kind, base_url=url, models=clean_models, model_map=mapping,
            priority=provider.priority if priority is None else priority,
            weight=provider.weight if weight is None else weight,
            enabled=provider.enabled if enabled is None else enabled, **network, **dialect,
        ).where(Provider.id == provider.id).execute()
        detail = {key: sorted(value) if key == "extra_headers" else value
                  for key, value in network.items()} | dialect
        audit.record("provider.update", actor=actor, target=name, detail=detail or None)
    if provider.proxy_auth and network.get("proxy_auth") is False:
        keystore.delete_secret(PROXY_SECRET_KIND, name)
    events.emit(events.PROVIDERS)
    return get_provider(name)


def remove_provider(name: str, *, actor: str = "admin") -> None:
    provider = get_provider(name)
    with write_transaction():
        provider.delete_instance()
        audit.record("provider.remove", actor=actor, target=name)
    keystore.delete_secret(SECRET_KIND, name)
    if provider.proxy_auth:
        keystore.delete_secret(PROXY_SECRET_KIND, name)
    events.emit(events.PROVIDERS)


def provider_key(name: str) -> str | None:
    return keystore.get_secret(SECRET_KIND, name)


def proxy_url(name: str) -> str | None:
    """What the relay connects through: ``None`` (direct), ``"system"`` (the environment's
    HTTP(S)_PROXY/ALL_PROXY/NO_PROXY), or the proxy URL with its credentials re-attached
    (percent-encoded). Reads the keyring only for a proxy that has credentials."""
    provider = get_provider(name)
    if provider.proxy in (None, SYSTEM) or not provider.proxy_auth:
        return provider.proxy
    userinfo = keystore.get_secret(PROXY_SECRET_KIND, name)
    if userinfo is None:
        log.warning("provider %s: its proxy credentials are missing from the keyring; "
                    "connecting to the proxy without them", name)
        return provider.proxy
    return with_userinfo(provider.proxy, userinfo)


def proxy_display(provider: Provider) -> str | None:
    """The proxy as shown to an operator: the password masked (``user:***@``); typed back
    unchanged into update_provider it keeps the stored password."""
    if provider.proxy in (None, SYSTEM) or not provider.proxy_auth:
        return provider.proxy
    userinfo = keystore.get_secret(PROXY_SECRET_KIND, provider.name)
    if userinfo is None:
        return with_userinfo(provider.proxy, MASK)
    user = userinfo.partition(":")[0]
    return with_userinfo(provider.proxy, f"{user}:{MASK}" if ":" in userinfo else user)


@dataclass(frozen=True, slots=True)
class ProviderDraft:
    """A provider as typed in a form, not saved: its unsaved row, API key and proxy URL (with
    credentials), enough to reach it the way it will be reached once saved."""

    provider: Provider
    api_key: str | None
    proxy: str | None


def draft_provider(kind: str, *, base_url: str | None = None, api_key: str | None = None,
                   proxy: str | None = None,
                   extra_headers: list[str] | str | dict[str, str] | None = None,
                   ca_bundle: str | None = None, anthropic_base_url: str | None = None,
                   responses_native: bool | None = None,
                   existing: str | None = None) -> ProviderDraft:
    """How a provider would be reached with these settings, validated as a save would; nothing
    is written. For the ``existing`` provider, an empty key and a masked proxy password mean
    its stored ones, as in update_provider, and ``None`` dialect fields keep its stored ones
    (a new provider's: the kind's Anthropic preset, not Responses-native)."""
    if kind not in KINDS:
        raise ValidationError("Kind must be one of {kinds}", param="kind", kinds=", ".join(KINDS))
    url = validate_base_url(base_url or KIND_DEFAULT_URLS[kind])
    stored = get_provider(existing) if existing else None
    if anthropic_base_url is None and stored is not None:
        anthropic = stored.anthropic_base_url
    else:
        anthropic = anthropic_url(kind, anthropic_base_url, url)
    if responses_native is None:
        responses_native = bool(stored.responses_native) if stored is not None else False
    native = _native_flag(responses_native)
    setting = parse_proxy(proxy)
    userinfo = _proxy_userinfo(existing or "", setting,
                               had_auth=stored is not None and bool(stored.proxy_auth))
    headers = parse_headers(extra_headers)
    bundle = validate_ca_bundle(ca_bundle) if ca_bundle and ca_bundle.strip() else None
    key = (api_key or "").strip() or (provider_key(existing) if existing else None)
    row = Provider(id=stored.id if stored else 0, name=existing or "", kind=kind, base_url=url,
                   proxy=setting.stored, proxy_auth=userinfo is not None,
                   extra_headers=headers, ca_bundle=bundle, anthropic_base_url=anthropic,
                   responses_native=native)
    reach = setting.stored
    if userinfo is not None and reach is not None:
        reach = with_userinfo(reach, userinfo)
    return ProviderDraft(row, key, reach)


def record_health(provider_id: int, *, healthy: bool, failures: int,
                  cooldown_until: object = None, error: str | None = None) -> None:
    """Persist a provider's health change (the relay calls this on transitions only)."""
    with write_transaction():
        Provider.update(health="healthy" if healthy else "cooling",
                        consecutive_failures=failures, cooldown_until=cooldown_until,
                        last_error=(error or None) and error[:300],
                        last_checked_at=clock.now()).where(Provider.id == provider_id).execute()


def record_test(name: str, *, ok: bool, latency_ms: int, message: str) -> None:
    """Keep the provider Test button's last result (shown again after a restart)."""
    with write_transaction():
        updated = Provider.update(last_test_at=clock.now(), last_test_ok=ok,
                                  last_test_ms=max(0, int(latency_ms)),
                                  last_test_message=message[:300]).where(
            Provider.name == name).execute()
    if not updated:
        raise NotFound("there is no provider named {name!r}", param="name", name=name)
