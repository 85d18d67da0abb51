"""Find bundled resources (templates, translations, the policy) both from a source checkout
and from a PyInstaller bundle; the GUI, the relay's portal and the CLI share it."""

import sys
from pathlib import Path


def resource_dir() -> Path:
    """``resources/`` next to the packages, or inside the frozen bundle (``sys._MEIPASS``)."""
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        return Path(frozen) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource(*parts: str) -> Path:
    return resource_dir().joinpath(*parts)


def policy_text(lang: str = "en") -> str:
    """The privacy policy shipped in resources/ (operator-editable): its translation for
    ``lang`` when there is one (``privacy_policy.<lang>.md``), else the English original."""
    translated = resource(f"privacy_policy.{lang}.md")
    if lang != "en" and translated.exists():
        return translated.read_text(encoding="utf-8")
    return resource("privacy_policy.md").read_text(encoding="utf-8")
