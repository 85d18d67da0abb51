"""Await a dialog without a nested event loop.

``QDialog.exec()`` would spin a second Qt loop inside the qasync loop, where asyncio callbacks
(including the relay) stall; ``open()`` plus a future keeps one loop running.
"""

import asyncio

from PySide6.QtWidgets import QDialog


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
