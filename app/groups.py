"""User groups: a price multiplier and an optional model list shared by their users.

Every user belongs to one group; "default" always exists and takes new users. A multiplier is
kept exact as parts per million (1.25 is 1_250_000) and applied by :func:`apply_multiplier`.
"""

import re
from decimal import Decimal, InvalidOperation

from peewee import JOIN, fn

from app import audit, clock, events
from app.db import write_transaction
from app.errors import Conflict, NotFound, ValidationError
from app.models import User, UserGroup

DEFAULT = "default"
PPM = 1_000_000  # multiplier 1.0
MAX_MULTIPLIER_PPM = 100 * PPM  # beyond 100x is a typo, not a price
NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,63}$")
DESCRIPTION_MAX = 300
_PLAIN_DECIMAL = re.compile(r"\+?[0-9]+(?:\.[0-9]+)?", re.ASCII)


def validate_name(name: str) -> str:
    value = (name or "").strip()
    if not NAME_RE.match(value):
        raise ValidationError("group name must be 1-64 characters: letters, digits, '.', '_' or "
                              "'-', starting with a letter or digit", param="name")
    return value


def parse_multiplier(text: str | int | Decimal) -> int:
    """Plain decimal text ("0.8", "1.25") as exact parts per million; never a float."""
    if isinstance(text, (float, bool)):
        raise ValidationError("multiplier must be given as decimal text, not a float",
                              param="multiplier")
    raw = str(text).strip()
    if raw.startswith("-"):
        raise ValidationError("multiplier must not be negative", param="multiplier")
    if len(raw) > 32 or not _PLAIN_DECIMAL.fullmatch(raw):
        raise ValidationError("multiplier is not a number: {value!r} (write plain decimal text "
                              "such as 0.8 or 1.25)", param="multiplier", value=str(text)[:32])
    try:
        ppm = Decimal(raw) * PPM
    except InvalidOperation:  # pragma: no cover - the pattern admits only valid decimals
        raise ValidationError("multiplier is not a number: {value!r} (write plain decimal text "
                              "such as 0.8 or 1.25)", param="multiplier", value=raw) from None
    if ppm != ppm.to_integral_value():
        raise ValidationError("multiplier has more than 6 decimal places: {value}",
                              param="multiplier", value=raw)
    if ppm > MAX_MULTIPLIER_PPM:
        raise ValidationError("multiplier must be at most {maximum}", param="multiplier",
                              maximum=MAX_MULTIPLIER_PPM // PPM)
    return int(ppm)


def format_multiplier(ppm: int) -> str:
    """Parts per million as the shortest exact decimal text: "1", "0.8", "1.333333"."""
    units, frac = divmod(int(ppm), PPM)
    return f"{units}.{frac:06d}".rstrip("0").rstrip(".")


def apply_multiplier(base_micros: int, ppm: int) -> int:
    """A group's price of something whose base price is ``base_micros``.

    Rounds up to the next micro-unit, like :func:`app.pricing.cost_micros`: the operator never
    loses a fraction, and rounding up keeps this monotonic, so a hold sized from a larger base
    stays an upper bound of the settled cost.
    """
    if ppm == PPM:
        return base_micros
    return -(-base_micros * ppm // PPM)


def affordable_base(balance_micros: int, ppm: int) -> int | None:
    """The largest base cost whose multiplied price the balance covers; None: any (free)."""
    if ppm <= 0:
        return None
    # ceil(base * ppm / PPM) <= balance  <=>  base * ppm <= balance * PPM
    return balance_micros * PPM // ppm


def _description(text: str | None) -> str | None:
    value = (text or "").strip()
    if len(value) > DESCRIPTION_MAX:
        raise ValidationError("description must be at most {maximum} characters",
                              param="description", maximum=DESCRIPTION_MAX)
    return value or None


def _models(values: list[str] | None) -> list[str] | None:
    """Model names as API keys take them (app.apikeys.parse_models); empty means every one."""
    models = list(dict.fromkeys(v.strip() for v in values or () if v and v.strip()))
    for model in models:
        if len(model) > 128 or any(c.isspace() for c in model):
            raise ValidationError("invalid model name: {model!r}", param="models", model=model)
    return models or None


def get_group(name: str) -> UserGroup:
    group = UserGroup.get_or_none(UserGroup.name == (name or "").strip())
    if group is None:
        raise NotFound("there is no group named {name!r}", param="group", name=name)
    return group


def default_group() -> UserGroup:
    return get_group(DEFAULT)


def list_groups() -> list[UserGroup]:
    """Every group, "default" first, each with ``user_count`` (users not deleted)."""
    count = fn.COUNT(User.id).alias("user_count")
    query = (UserGroup.select(UserGroup, count)
             .join(User, JOIN.LEFT_OUTER,
                   on=((User.group == UserGroup.id) & (User.status != "deleted")))
             .group_by(UserGroup.id)
             .order_by(UserGroup.name != DEFAULT, UserGroup.name))
    return list(query)


def group_name(user: User) -> str:
    """The name of ``user``'s group; a NULL group is the default one."""
    group = user.group if user.group_id is not None else None
    return DEFAULT if group is None else group.name


def add_group(name: str, *, multiplier: str | int | Decimal = "1",
              models: list[str] | None = None, description: str | None = None,
              actor: str = "admin") -> UserGroup:
    """Create a group. Everything is validated before anything is written."""
    value = validate_name(name)
    ppm = parse_multiplier(multiplier)
    allowed = _models(models)
    text = _description(description)
    now = clock.now()
    with write_transaction():
        if UserGroup.select().where(UserGroup.name == value).exists():
            raise Conflict("a group named {name!r} already exists", param="name", name=value)
        group = UserGroup.create(name=value, multiplier_ppm=ppm, models=allowed,
                                 description=text, created_at=now, updated_at=now)
        audit.record("group.add", actor=actor, target=value,
                     detail={"multiplier_ppm": ppm, "models": allowed})
    return group


def update_group(name: str, *, new_name: str | None = None,
                 multiplier: str | int | Decimal | None = None,
                 models: list[str] | None = None, description: str | None = None,
                 actor: str = "admin") -> UserGroup:
    """Change a group; ``None`` leaves a field, ``models=[]`` allows every model again and
    ``description=""`` clears it. "default" keeps its name."""
    group = get_group(name)
    changes: dict[str, object] = {}
    if new_name is not None and new_name.strip() != group.name:
        if group.name == DEFAULT:
            raise ValidationError("the default group cannot be renamed", param="name")
        changes["name"] = validate_name(new_name)
    if multiplier is not None:
        changes["multiplier_ppm"] = parse_multiplier(multiplier)
    if models is not None:
        changes["models"] = _models(models)
    if description is not None:
        changes["description"] = _description(description)
    if not changes:
        return group
    with write_transaction():
        if "name" in changes and UserGroup.select().where(
                UserGroup.name == changes["name"]).exists():
            raise Conflict("a group named {name!r} already exists", param="name",
                           name=changes["name"])
        UserGroup.update(**changes, updated_at=clock.now()).where(
            UserGroup.id == group.id).execute()
        detail: dict[str, object] = {"fields": sorted(changes)}
        detail.update({k: v for k, v in changes.items() if k in ("multiplier_ppm", "models")})
        audit.record("group.update", actor=actor, target=group.name, detail=detail)
    events.emit(events.KEYS)  # cached keys carry the group's multiplier and models
    return UserGroup.get_by_id(group.id)


def remove_group(name: str, *, actor: str = "admin") -> None:
    """Delete a group that no user is in: moving people to other prices silently would surprise
    the operator, so a group with users is refused, naming how many."""
    group = get_group(name)
    if group.name == DEFAULT:
        raise ValidationError("the default group cannot be removed", param="name")
    with write_transaction():
        users = (User.select().where((User.group == group.id) & (User.status != "deleted"))
                 .count())
        if users:
            raise Conflict("group {name!r} still has 1 user; move them to another group first"
                           if users == 1 else "group {name!r} still has {count} users; move "
                           "them to another group first", param="name", name=group.name,
                           count=users)
        # Deleted users' tombstones keep no group: NULL reads as the default one.
        User.update(group=None).where(User.group == group.id).execute()
        UserGroup.delete().where(UserGroup.id == group.id).execute()
        audit.record("group.remove", actor=actor, target=group.name)
    events.emit(events.KEYS)


def assign_user(username: str, group: str, *, actor: str = "admin") -> User:
    """Move a user to another group; their next request is priced and limited by it."""
    from app import accounts  # accounts imports this module

    return accounts.update_user(username, group=group, actor=actor)
