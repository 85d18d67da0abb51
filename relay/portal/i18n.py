"""The portal's two languages: English (the source text) and Simplified Chinese.

Page text is looked up in ``resources/portal/i18n/<lang>/*.json`` (one file per page module,
English → translation). The service layer's refusals reuse the desktop app's translations of
them (the ``ServiceError`` context of ``resources/i18n/relaydesk_<lang>.ts``), read with the
standard library's XML parser since the relay imports no Qt.
"""

import json
import logging
import xml.etree.ElementTree as ET
from collections.abc import Callable
from functools import cache
from typing import Any

from app.errors import ServiceError
from app.resources import resource

log = logging.getLogger(__name__)

LANGUAGES = {"en": "English", "zh_CN": "简体中文"}
DEFAULT = "en"
Translate = Callable[..., str]


@cache
def catalogue(lang: str) -> dict[str, str]:
    """Every page string of ``lang`` (empty for English, the source language)."""
    if lang == DEFAULT:
        return {}
    merged: dict[str, str] = {}
    for path in sorted(resource("portal", "i18n", lang).glob("*.json")):
        merged.update(json.loads(path.read_text(encoding="utf-8")))
    return merged


@cache
def service_catalogue(lang: str) -> dict[str, str]:
    """The desktop app's translations of service refusals and field names for ``lang``."""
    if lang == DEFAULT:
        return {}
    path = resource("i18n", f"relaydesk_{lang}.ts")
    if not path.exists():
        return {}
    found: dict[str, str] = {}
    for context in ET.parse(path).getroot().iter("context"):
        if context.findtext("name") != "ServiceError":
            continue
        for message in context.iter("message"):
            source, translation = message.find("source"), message.find("translation")
            if (source is not None and source.text and translation is not None
                    and translation.text and translation.get("type") != "unfinished"):
                found[source.text] = translation.text
    return found


def _fill(template: str, values: dict[str, Any], fallback: str) -> str:
    try:
        return template.format(**values) if values else template
    except (KeyError, IndexError, ValueError):  # a translation that broke a placeholder
        log.warning("translation of %r does not fit its values", fallback)
        return fallback.format(**values) if values else fallback


def translator(lang: str) -> Translate:
    """``_(text, **values)``: ``text`` in ``lang``, then filled with ``str.format``. Templates
    escape the result, so values never need escaping here."""
    table = catalogue(lang)

    def translate(text: str, **values: Any) -> str:
        return _fill(table.get(text, text), values, text)

    return translate


def error_text(exc: ServiceError, lang: str) -> str:
    """A service refusal in ``lang``, starting with a capital (as gui/errors.py does)."""
    table = service_catalogue(lang)
    template = table.get(exc.template, exc.template)
    values = dict(exc.values)
    if template != exc.template and isinstance(values.get("field"), str):
        values["field"] = table.get(values["field"], values["field"])
    text = _fill(template, values, exc.template)
    return text[:1].upper() + text[1:]


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The language a page is shown in: the visitor's choice (cookie), else the first of their
    browser's languages that the portal speaks, else English."""
    if cookie in LANGUAGES:
        return cookie
    ranked: list[tuple[float, int, str]] = []
    for index, part in enumerate((accept_language or "")[:500].split(",")):
        tag, _, params = part.strip().partition(";")
        quality = 1.0
        if params.strip().startswith("q="):
            try:
                quality = float(params.strip()[2:])
            except ValueError:
                continue
        ranked.append((-quality, index, tag.strip().lower()))
    for negative_quality, _, tag in sorted(ranked):
        if negative_quality >= 0:
            break
        if tag.startswith("zh"):
            return "zh_CN"
        if tag.startswith("en"):
            return "en"
    return DEFAULT
