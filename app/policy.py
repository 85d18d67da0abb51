"""Privacy-policy versions: which text is current, which change was major, who must re-consent.

Versions are dates (YYYY-MM-DD, the policy's "Last updated"), so they order as text. A *major*
version is one users must accept again; minor edits are published without asking anyone.
Announcing a major version by email comes with the notifications issue; this records it.
"""

from dataclasses import dataclass
from datetime import date

from app import audit, notify, settings
from app.db import write_transaction
from app.errors import ValidationError
from app.models import User
from app.privacy import POLICY_VERSION


@dataclass(frozen=True, slots=True)
class PolicyState:
    version: str  # the text in force
    major_version: str  # the latest version users must have accepted
    users_to_reconsent: int  # active users whose consent predates the major version


def validate_version(version: str) -> str:
    text = (version or "").strip()
    try:
        date.fromisoformat(text)
    except ValueError:
        raise ValidationError("a policy version is its date, YYYY-MM-DD", param="version") from None
    return text


def in_force() -> str:
    """The version of the policy text in force (cheap: for every public page)."""
    return str(settings.get("policy_version") or POLICY_VERSION)


def current() -> PolicyState:
    version = settings.get("policy_version") or POLICY_VERSION
    major = settings.get("policy_major_version") or POLICY_VERSION
    stale = (User.select().where((User.role != "admin") & (User.status == "active")
                                 & (User.consent_version.is_null()
                                    | (User.consent_version < major))).count())
    return PolicyState(version, major, stale)


def publish(version: str, *, major: bool, actor: str = "admin") -> PolicyState:
    """Record a new policy version; a major one makes earlier consents out of date."""
    text = validate_version(version)
    state = current()
    if text < state.version:
        raise ValidationError("version {version} is older than the current {current}",
                              param="version", version=text, current=state.version)
    with write_transaction():
        settings.set("policy_version", text, actor=actor)
        if major:
            settings.set("policy_major_version", text, actor=actor)
            notify.policy_published(text)
        audit.record("policy.publish", actor=actor, target=text, detail={"major": major})
    return current()


def needs_consent(user: User) -> bool:
    """True when the user never accepted, or accepted before the latest major version."""
    major = settings.get("policy_major_version") or POLICY_VERSION
    return user.consent_version is None or user.consent_version < major
