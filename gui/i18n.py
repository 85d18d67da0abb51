"""Interface language: English source strings, Simplified Chinese translation.

The ``language`` setting wins ("en", "zh_CN"); "auto" follows the system locale.
"""

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QTranslator

from gui.resources import resource

SUPPORTED = ("en", "zh_CN")
ACTIVE = ["en"]  # the language install() put in place, for texts Qt does not translate


def choose(setting: str, system: QLocale | None = None) -> str:
    if setting in SUPPORTED:
        return setting
    name = (system or QLocale.system()).name()
    return "zh_CN" if name.startswith("zh") else "en"


def install(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Load RelayDesk's and Qt's own translations for ``language``; returns them (keep refs)."""
    installed: list[QTranslator] = []
    ACTIVE[0] = language
    if language == "en":
        return installed
    ours = QTranslator(app)
    if ours.load(str(resource("i18n", f"relaydesk_{language}.qm"))):
        app.installTranslator(ours)
        installed.append(ours)
    qt = QTranslator(app)
    if qt.load(f"qtbase_{language}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)):
        app.installTranslator(qt)
        installed.append(qt)
    return installed
