"""Await a dialog without a nested event loop.

``QDialog.exec()`` would spin a second Qt loop inside the qasync loop, where asyncio callbacks
(including the relay) stall; ``open()`` plus a future keeps one loop running.
"""

import asyncio

from PySide6.QtWidgets import QDialog, QMessageBox, QWidget


async def ask(dialog: QDialog) -> int:
    """Show ``dialog`` window-modally and return its result code once it closes."""
    future: asyncio.Future[int] = asyncio.get_running_loop().create_future()

    def done(code: int) -> None:
        if not future.done():
            future.set_result(code)

    dialog.finished.connect(done)
    dialog.open()
    try:
        return await future
    finally:
        dialog.finished.disconnect(done)


async def confirm_destructive(parent: QWidget, title: str, text: str, details: str,
                              action: str) -> bool:
    """Ask before an irreversible action; Cancel is the default button.

    The box is left on ``parent.last_dialog`` so tests can press its buttons.
    """
    box = QMessageBox(QMessageBox.Icon.Warning, title, text, QMessageBox.StandardButton.NoButton,
                      parent)
    box.setInformativeText(details)
    go = box.addButton(action, QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    parent.last_dialog = box  # type: ignore[attr-defined]
    await ask(box)
    return box.clickedButton() is go
