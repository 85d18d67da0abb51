"""A tiny Chinese catalogue compiled by Qt's own lrelease and installed, as gui/i18n.py installs
the real one: tests see translated service errors before resources/i18n has them."""

import subprocess
import sys
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QTranslator

from gui.error_texts import CONTEXT


@contextmanager
def installed(folder: Path, entries: dict[str, str], context: str = CONTEXT) -> Iterator[None]:
    """``entries`` (source -> translation) in ``context``, installed for the duration."""
    root = ET.Element("TS", version="2.1", language="zh_CN")
    node = ET.SubElement(root, "context")
    ET.SubElement(node, "name").text = context
    for source, translation in entries.items():
        message = ET.SubElement(node, "message")
        ET.SubElement(message, "source").text = source
        ET.SubElement(message, "translation").text = translation
    ts, qm = folder / "tiny.ts", folder / "tiny.qm"
    ET.ElementTree(root).write(ts, encoding="utf-8", xml_declaration=True)
    lrelease = Path(sys.executable).with_name("pyside6-lrelease")
    subprocess.run([str(lrelease), str(ts), "-qm", str(qm)], check=True, capture_output=True)
    translator = QTranslator()
    assert translator.load(str(qm)), qm
    app = QCoreApplication.instance()
    assert app is not None and app.installTranslator(translator)
    try:
        yield
    finally:
        app.removeTranslator(translator)
