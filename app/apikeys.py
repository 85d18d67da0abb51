"""Relay API keys: issue (shown once), list, revoke, and authenticate.

Keys are 256-bit random tokens, so a single SHA-256 is the right hash: it cannot be brute-forced
and, unlike bcrypt, it lets the relay find a key with one indexed lookup per request.
"""

import hashlib
import ipaddress
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app import accounts, audit, clock, events, settings, sql
from app.db import write_transaction
from app.errors import Conflict, NotFound, ValidationError
from app.models import ApiKey, User, UserGroup

KEY_PREFIX = "sk-rd-"

# Per-key rate limits: None follows the operator's default setting, 0 means unlimited. The
# maxima match the operator settings' (rate_limit_rpm/tpm/concurrency).
LIMIT_MAXIMA = {"rpm": 1_000_000, "tpm": 1_000_000_000, "concurrency": 10_000}
LIMIT_COLUMNS = {"rpm": "rpm_limit", "tpm": "tpm_limit", "concurrency": "concurrency_limit"}
LIMIT_LABELS = {"rpm": "Requests per minute", "tpm": "Tokens per minute",
                "concurrency": "Concurrent requests"}


class _Default:
    """``update_key(rpm=DEFAULT)``: go back to following the operator's default."""

    def __repr__(self) -> str:
        return "DEFAULT"


DEFAULT = _Default()
# A limit given to update_key: None leaves it as it is, text is parsed like a form field.
LimitChange = int | str | _Default | None


def hash_key(plaintext: str) -> str:
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def display_prefix(plaintext: str) -> str:
    return f"sk-…{plaintext[-4:]}"


def parse_cidrs(values: list[str] | None) -> list[str] | None:
    """Normalise CIDRs ("10.0.0.0/8", "192.168.1.5", "fd00::/8"); ``None``/[] means any."""
    if not values:
        return None
    result = []
    for value in values:
        try:
            result.append(str(ipaddress.ip_network(value.strip(), strict=False)))
        except ValueError:
            raise ValidationError("Allowed addresses: {value!r} is not an IP address or network "
                                  "(such as 192.168.1.10 or 192.168.1.0/24)",
                                  param="allowed_cidrs", value=value) from None
    return result


def parse_models(values: list[str] | None) -> list[str] | None:
    if not values:
        return None
    models = [v.strip() for v in values if v and v.strip()]
    for model in models:
        if len(model) > 128 or any(c.isspace() for c in model):
            raise ValidationError("Allowed models: {model!r} is not a valid model name (at most "
                                  "128 characters, no spaces)", param="allowed_models",
                                  model=model)
    return models or None


def parse_limit(value: object, name: str) -> int | None:
    """A per-key limit: ``None``/"" follows the default, else a whole number 0..maximum."""
    if value is None or value == "" or value is DEFAULT:
        return None
    maximum, field = LIMIT_MAXIMA[name], LIMIT_LABELS[name]
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise ValidationError("{field} must be a whole number", param=name, field=field)
    try:
        number = int(value.strip()) if isinstance(value, str) else value
    except ValueError:
        raise ValidationError("{field} must be a whole number, not {value!r}", param=name,
                              field=field, value=value) from None
    if not 0 <= number <= maximum:
        raise ValidationError("{field} must be between 0 (unlimited) and {maximum}", param=name,
                              field=field, maximum=maximum)
    return number


def parse_expiry(value: str | date | None) -> datetime | None:
    """A key with expiry YYYY-MM-DD works through that whole day (UTC)."""
    if value in (None, ""):
        return None
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            raise ValidationError("Expiry must be a date written YYYY-MM-DD, not {value!r}",
                                  param="expires", value=value) from None
    assert isinstance(value, date)
    if value >= date.max:  # its next day, when the key stops working, has no datetime
        raise ValidationError("Expiry: that date is too far in the future", param="expires")
    expires = datetime(value.year, value.month, value.day) + timedelta(days=1)
    if expires <= clock.now():
        raise ValidationError("Expiry: that date is in the past", param="expires")
    return expires


def create_key(username: str, *, name: str = "default", models: list[str] | None = None,
               cidrs: list[str] | None = None, expires: str | date | None = None,
               rpm: int | str | None = None, tpm: int | str | None = None,
               concurrency: int | str | None = None,
               actor: str = "admin", by_owner: bool = False) -> tuple[ApiKey, str]:
    """Issue a key; returns the row and the plaintext, which is never retrievable again.

    ``rpm``/``tpm``/``concurrency``: None follows the operator's default, 0 is unlimited.
    Limits the operator sets (``by_owner`` False) are locked: the key's user cannot change them.
    """
    user = accounts.get_user(username)
    label = _label(name or "default")
    allowed_models = parse_models(models)
    allowed_cidrs = parse_cidrs(cidrs)
    expires_at = parse_expiry(expires)
    limits = {LIMIT_COLUMNS[name]: parse_limit(value, name)
              for name, value in (("rpm", rpm), ("tpm", tpm), ("concurrency", concurrency))}
    plaintext = KEY_PREFIX + secrets.token_urlsafe(32)
    with write_transaction():
        key = ApiKey.create(user=user, name=label, key_hash=hash_key(plaintext),
                            prefix=display_prefix(plaintext), allowed_models=allowed_models,
                            allowed_cidrs=allowed_cidrs, expires_at=expires_at,
                            limits_locked=_locks(limits, by_owner, False), **limits)
        detail: dict[str, object] = {"key_id": key.id, "prefix": key.prefix}
        set_limits = {column: value for column, value in limits.items() if value is not None}
        if set_limits:
            detail["limits"] = set_limits
        audit.record("key.create", actor=actor, target=user.username, detail=detail)
    return key, plaintext


def _locks(limits: dict[str, int | None], by_owner: bool, locked: bool) -> bool:
    """Whether a key's limits are locked once ``limits`` (its new limit columns) are set: the
    operator setting any limit locks them, clearing them all unlocks; its user changes
    nothing about the lock."""
    if by_owner:
        return locked
    return any(value is not None for value in limits.values())


def _label(name: str) -> str:
    label = name.strip()
    if not label or len(label) > 64:
        raise ValidationError("Name must be 1-64 characters", param="name")
    return label


def list_keys(username: str | None = None, *, include_revoked: bool = True) -> list[ApiKey]:
    query = ApiKey.select(ApiKey, User).join(User).order_by(ApiKey.id)
    if username:
        query = query.where(ApiKey.user == accounts.get_user(username))
    if not include_revoked:
        query = query.where(ApiKey.status == "active")
    return list(query)


def get_key(key_id: int) -> ApiKey:
    key = ApiKey.get_or_none(ApiKey.id == key_id)
    if key is None:
        raise NotFound("there is no API key with ID {key_id}", param="id", key_id=key_id)
    return key


def update_key(key_id: int, *, models: list[str] | None = None, cidrs: list[str] | None = None,
               expires: str | date | None = None, clear_expiry: bool = False,
               rpm: LimitChange = None, tpm: LimitChange = None,
               concurrency: LimitChange = None, name: str | None = None,
               actor: str = "admin", by_owner: bool = False) -> ApiKey:
    """Change a key's name or limits; an empty list lifts a restriction.

    Rate limits: ``None`` leaves one unchanged, :data:`DEFAULT` makes it follow the operator's
    default again, 0 is unlimited. The operator (``by_owner`` False) setting limits locks
    them; clearing them all unlocks.
    """
    key = get_key(key_id)
    changes: dict[str, object] = {}
    if name is not None and name.strip() != key.name:
        changes["name"] = _label(name)
    if models is not None:
        changes["allowed_models"] = parse_models(models)
    if cidrs is not None:
        changes["allowed_cidrs"] = parse_cidrs(cidrs)
    if clear_expiry:
        changes["expires_at"] = None
    elif expires is not None:
        changes["expires_at"] = parse_expiry(expires)
    limits = {LIMIT_COLUMNS[name]: parse_limit(value, name)
              for name, value in (("rpm", rpm), ("tpm", tpm), ("concurrency", concurrency))
              if value is not None}
    changes.update(limits)
    if limits:
        after = {column: limits.get(column, getattr(key, column))
                 for column in LIMIT_COLUMNS.values()}
        locked = _locks(after, by_owner, key.limits_locked)
        if locked != key.limits_locked:
            changes["limits_locked"] = locked
    if changes:
        detail: dict[str, object] = {"fields": sorted(changes)}
        if limits:
            detail["limits"] = limits
        with write_transaction():
            ApiKey.update(**changes).where(ApiKey.id == key.id).execute()
            audit.record("key.update", actor=actor, target=str(key.id), detail=detail)
        events.emit(events.KEYS)
    return get_key(key_id)


def revoke_key(key_id: int, *, actor: str = "admin") -> ApiKey:
    key = get_key(key_id)
    if key.status != "revoked":
        with write_transaction():
            ApiKey.update(status="revoked", revoked_at=clock.now()).where(
                ApiKey.id == key.id).execute()
            audit.record("key.revoke", actor=actor, target=str(key.id),
                         detail={"prefix": key.prefix})
        events.emit(events.KEYS)
    return get_key(key_id)


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """What the relay needs to authorise a request, cached in memory by the relay."""

    key_id: int
    user_id: int
    username: str
    user_active: bool
    key_active: bool
    expires_at: datetime | None
    allowed_models: frozenset[str] | None
    allowed_cidrs: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] | None
    # Rate limits: None follows the operator's default, 0 is unlimited.
    rpm_limit: int | None = None
    tpm_limit: int | None = None
    concurrency_limit: int | None = None
    # The user's group: its price multiplier (parts per million) and the models it may use.
    multiplier_ppm: int = 1_000_000
    group_models: frozenset[str] | None = None

    def expired(self, now: datetime) -> bool:
        return self.expires_at is not None and now >= self.expires_at

    def allows_ip(self, ip: str | None) -> bool:
        if self.allowed_cidrs is None:
            return True
        if not ip:
            return False
        try:
            address = ipaddress.ip_address(ip.split("%", 1)[0])
        except ValueError:
            return False
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        return any(address.version == net.version and address in net
                   for net in self.allowed_cidrs)

    def allows_model(self, model: str) -> bool:
        """Both the key's own list and its user's group's list allow ``model``."""
        return ((self.allowed_models is None or model in self.allowed_models)
                and (self.group_models is None or model in self.group_models))


LOOKUP_COLUMNS = ('SELECT k.id, k.user_id, u.username, u.status, k.status, k.expires_at, '
                  'k.allowed_models, k.allowed_cidrs, k.rpm_limit, k.tpm_limit, '
                  'k.concurrency_limit, g.multiplier_ppm, g.models '
                  'FROM "api_key" k '
                  'JOIN "user" u ON u.id = k.user_id '
                  # a user without a group is in the default one (app.groups)
                  'LEFT JOIN "user_group" g ON g.id = COALESCE(u.group_id, '
                  '(SELECT d.id FROM "user_group" d WHERE d.name = \'default\')) ')
LOOKUP_SQL = LOOKUP_COLUMNS + 'WHERE k.key_hash = ?'
LOOKUP_ID_SQL = LOOKUP_COLUMNS + 'WHERE k.id = ?'


def lookup(plaintext: str) -> KeyInfo | None:
    """Find a key by its plaintext (one indexed query); ``None`` when unknown."""
    if not plaintext or len(plaintext) > 200 or not plaintext.isascii():  # keys are ASCII
        return None
    return _key_info(sql.one(LOOKUP_SQL, (hash_key(plaintext),)))


def lookup_id(key_id: int) -> KeyInfo | None:
    """A key by its id, read as :func:`lookup` reads it: for callers that are already
    authenticated another way (the portal's playground, by the user's session)."""
    return _key_info(sql.one(LOOKUP_ID_SQL, (key_id,)))


def _key_info(row: tuple | None) -> KeyInfo | None:  # type: ignore[type-arg]
    if row is None:
        return None
    (key_id, user_id, username, user_status, key_status, expires_at, models, cidrs,
     rpm, tpm, concurrency, multiplier_ppm, group_models) = row
    models = ApiKey.allowed_models.python_value(models)
    group_models = UserGroup.models.python_value(group_models)
    cidrs = ApiKey.allowed_cidrs.python_value(cidrs)
    return KeyInfo(key_id=key_id, user_id=user_id, username=username,
                   user_active=user_status == "active", key_active=key_status == "active",
                   expires_at=ApiKey.expires_at.python_value(expires_at),
                   allowed_models=frozenset(models) if models else None,
                   allowed_cidrs=(tuple(ipaddress.ip_network(c, strict=False) for c in cidrs)
                                  if cidrs else None),
                   rpm_limit=rpm, tpm_limit=tpm, concurrency_limit=concurrency,
                   multiplier_ppm=1_000_000 if multiplier_ppm is None else multiplier_ppm,
                   group_models=frozenset(group_models) if group_models else None)


def touch_last_used(used: dict[int, datetime]) -> None:
    """Batch-update ``last_used_at`` for several keys (the relay flushes this periodically)."""
    if not used:
        return
    with write_transaction():
        for key_id, when in used.items():
            ApiKey.update(last_used_at=when).where(ApiKey.id == key_id).execute()


# What the people who use the relay may do with their own keys (the portal): the same
# functions, with ownership checked and limits kept within the operator's.

PLAYGROUND_KEY = "Playground"


def own_key(user_id: int, key_id: int) -> ApiKey:
    """``user_id``'s key ``key_id``; another user's key is as unknown as a missing one."""
    key = ApiKey.get_or_none((ApiKey.id == key_id) & (ApiKey.user == user_id))
    if key is None:
        raise NotFound("there is no API key with ID {key_id}", param="id", key_id=key_id)
    return key


def check_operator_bounds(limits: dict[str, LimitChange]) -> None:
    """A user may lower the operator's per-key limits (settings ``rate_limit_*``), never raise
    them: with an operator limit N, only 1..N; unlimited (0) only when the operator's is."""
    for name, value in limits.items():
        number = parse_limit(value, name)
        bound = int(settings.get(f"rate_limit_{name}"))
        if number is None or not bound:
            continue
        if number == 0 or number > bound:
            raise ValidationError("{field} must be from 1 to {maximum}, the relay's own limit",
                                  param=name, field=LIMIT_LABELS[name], maximum=bound)


def create_own_key(user_id: int, *, name: str, models: list[str] | None = None,
                   expires: str | None = None, rpm: str | None = None, tpm: str | None = None,
                   concurrency: str | None = None) -> tuple[ApiKey, str]:
    """A user issues themselves a key (shown once), limits within the operator's."""
    check_operator_bounds({"rpm": rpm, "tpm": tpm, "concurrency": concurrency})
    username = User.get_by_id(user_id).username
    return create_key(username, name=name, models=models, expires=expires, rpm=rpm, tpm=tpm,
                      concurrency=concurrency, actor=username, by_owner=True)


def update_own_key(user_id: int, key_id: int, *, name: str, rpm: str | None = None,
                   tpm: str | None = None, concurrency: str | None = None) -> ApiKey:
    """A user renames their key or changes its limits; a blank limit follows the operator's,
    ``None`` leaves it. Limits the operator set on the key are a ceiling the user can neither
    raise nor clear, so while they are locked none of them changes here."""
    key = own_key(user_id, key_id)
    limits: dict[str, LimitChange] = {
        field: value.strip() or DEFAULT
        for field, value in (("rpm", rpm), ("tpm", tpm), ("concurrency", concurrency))
        if value is not None}
    check_operator_bounds(limits)
    changed = [field for field, value in limits.items()
               if parse_limit(value, field) != getattr(key, LIMIT_COLUMNS[field])]
    if key.limits_locked and changed:
        raise Conflict("the relay's operator set this key's limits; only they can change them",
                       param=changed[0])
    return update_key(key.id, name=name, actor=key.user.username, by_owner=True,
                      **limits)  # type: ignore[arg-type]


def revoke_own_key(user_id: int, key_id: int) -> ApiKey:
    key = own_key(user_id, key_id)
    return revoke_key(key.id, actor=key.user.username)


def playground_key(user_id: int) -> int:
    """The id of the user's usable "Playground" key, made on first use with its plaintext
    discarded: the portal's playground bills through it like any client key. A revoked,
    expired or renamed one is replaced."""
    key = (ApiKey.select(ApiKey.id)
           .where((ApiKey.user == user_id) & (ApiKey.name == PLAYGROUND_KEY)
                  & (ApiKey.status == "active")
                  & (ApiKey.expires_at.is_null() | (ApiKey.expires_at > clock.now())))
           .order_by(ApiKey.id).first())
    if key is not None:
        return int(key.id)
    username = User.get_by_id(user_id).username
    created, _ = create_key(username, name=PLAYGROUND_KEY, actor=username)
    return int(created.id)
