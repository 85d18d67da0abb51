"""Upstream providers: what they serve, how to reach them, and their health."""

import re
from urllib.parse import urlsplit

from peewee import IntegrityError

from app import audit, clock, events, keystore
from app.db import write_transaction
from app.errors import Conflict, NotFound, ValidationError
from app.models import Provider

KIND_DEFAULT_URLS = {
    "deepseek": "https://api.deepseek.com/v1",
    "zhipu": "https://open.bigmodel.cn/api/paas/v4",
    "dashscope": "https://dashscope.aliyuncs.com/compatible-mode/v1",
    "openai": "https://api.openai.com/v1",
}
KINDS = tuple(KIND_DEFAULT_URLS)
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
SECRET_KIND = "provider"


def validate_base_url(url: str) -> str:
    value = (url or "").strip().rstrip("/")
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValidationError(f"base URL must be http(s)://host[:port]/path, got {url!r}",
                              param="base_url")
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
            raise ValidationError(f"model mapping must be alias=upstream, got {alias}={upstream}",
                                  param="map")
        result[alias] = upstream
    return result


def _validate(name: str, kind: str, base_url: str | None, models: list[str], priority: int,
              weight: int) -> tuple[str, str, list[str]]:
    if not NAME_RE.match(name or ""):
        raise ValidationError("provider name must be 1-64 letters, digits, '.', '_' or '-'",
                              param="name")
    if kind not in KINDS:
        raise ValidationError(f"kind must be one of {', '.join(KINDS)}", param="kind")
    url = validate_base_url(base_url or KIND_DEFAULT_URLS[kind])
    clean = [m.strip() for m in models if m and m.strip()]
    if not clean:
        raise ValidationError("a provider must serve at least one model", param="models")
    if any(len(m) > 128 or any(c.isspace() for c in m) for m in clean):
        raise ValidationError("invalid model name in models", param="models")
    if not isinstance(priority, int) or not -1000 <= priority <= 1000:
        raise ValidationError("priority must be an integer from -1000 to 1000", param="priority")
    if not isinstance(weight, int) or not 1 <= weight <= 1000:
        raise ValidationError("weight must be an integer from 1 to 1000", param="weight")
    return name, url, list(dict.fromkeys(clean))


def add_provider(name: str, kind: str, *, models: list[str], base_url: str | None = None,
                 model_map: list[str] | dict[str, str] | None = None, priority: int = 0,
                 weight: int = 1, api_key: str | None = None, enabled: bool = True,
                 actor: str = "admin") -> Provider:
    """Register a provider; its key goes to the keyring before the row is committed, so a
    keyring failure leaves nothing half-created."""
    name, url, clean_models = _validate(name, kind, base_url, models, priority, weight)
    mapping = parse_map(model_map)
    if Provider.select().where(Provider.name == name).exists():
        raise Conflict(f"provider {name!r} already exists", param="name")
    if api_key is not None:
        if not api_key.strip():
            raise ValidationError("provider key is empty", param="key")
        keystore.set_secret(SECRET_KIND, name, api_key.strip())
    try:
        with write_transaction():
            provider = Provider.create(name=name, kind=kind, base_url=url, models=clean_models,
                                       model_map=mapping, priority=priority, weight=weight,
                                       enabled=enabled)
            audit.record("provider.add", actor=actor, target=name,
                         detail={"kind": kind, "base_url": url, "models": clean_models})
    except IntegrityError:
        raise Conflict(f"provider {name!r} already exists", param="name") from None
    events.emit(events.PROVIDERS)
    return provider


def get_provider(name: str) -> Provider:
    provider = Provider.get_or_none(Provider.name == name)
    if provider is None:
        raise NotFound(f"no provider named {name!r}", param="name")
    return provider


def list_providers() -> list[Provider]:
    return list(Provider.select().order_by(Provider.priority.desc(), Provider.name))


def update_provider(name: str, *, kind: str | None = None, base_url: str | None = None,
                    models: list[str] | None = None,
                    model_map: list[str] | dict[str, str] | None = None,
                    priority: int | None = None, weight: int | None = None,
                    enabled: bool | None = None, api_key: str | None = None,
                    actor: str = "admin") -> Provider:
    provider = get_provider(name)
    new_kind = kind or provider.kind
    _, url, clean_models = _validate(
        name, new_kind, base_url or provider.base_url,
        models if models is not None else provider.models,
        provider.priority if priority is None else priority,
        provider.weight if weight is None else weight)
    mapping = parse_map(model_map) if model_map is not None else provider.model_map
    if api_key:
        keystore.set_secret(SECRET_KIND, name, api_key.strip())
    with write_transaction():
        Provider.update(
            kind=new_kind, base_url=url, models=clean_models, model_map=mapping,
            priority=provider.priority if priority is None else priority,
            weight=provider.weight if weight is None else weight,
            enabled=provider.enabled if enabled is None else enabled,
        ).where(Provider.id == provider.id).execute()
        audit.record("provider.update", actor=actor, target=name)
    events.emit(events.PROVIDERS)
    return get_provider(name)


def remove_provider(name: str, *, actor: str = "admin") -> None:
    provider = get_provider(name)
    with write_transaction():
        provider.delete_instance()
        audit.record("provider.remove", actor=actor, target=name)
    keystore.delete_secret(SECRET_KIND, name)
    events.emit(events.PROVIDERS)


def provider_key(name: str) -> str | None:
    return keystore.get_secret(SECRET_KIND, name)


def record_health(provider_id: int, *, healthy: bool, failures: int,
                  cooldown_until: object = None, error: str | None = None) -> None:
    """Persist a provider's health change (the relay calls this on transitions only)."""
    with write_transaction():
        Provider.update(health="healthy" if healthy else "cooling",
                        consecutive_failures=failures, cooldown_until=cooldown_until,
                        last_error=(error or None) and error[:300],
                        last_checked_at=clock.now()).where(Provider.id == provider_id).execute()
