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
