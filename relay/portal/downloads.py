"""How many downloads of one kind (usage CSV, data export) run at once: one per user, and a
few across users, because each holds report threads and, for an export, a temporary file for
as long as a slow client takes to read it."""

import asyncio
import contextlib
from collections.abc import Iterator

from aiohttp import web

from relay.portal.common import error_page, visitor

ALREADY_RUNNING, BUSY = 429, 503


class Refused(Exception):
    """No slot: ``status`` is 429 (this user's download already runs) or 503 (too many)."""

    def __init__(self, status: int) -> None:
        super().__init__(status)
        self.status = status


class Downloads:
    """The users downloading one kind of file right now, at most ``most`` of them."""

    def __init__(self, most: int) -> None:
        self.most = most
        self._users: set[int] = set()
        self._idle = asyncio.Event()
        self._idle.set()

    @property
    def running(self) -> int:
        return len(self._users)

    async def idle(self) -> None:
        """Until no download of this kind runs (a shutdown, a test, can wait for the last)."""
        await self._idle.wait()

    @contextlib.contextmanager
    def slot(self, user_id: int) -> Iterator[None]:
        """Hold one slot for ``user_id`` until the block ends, however it ends (a client that
        hangs up cancels the handler: ``finally`` still gives the slot back)."""
        if user_id in self._users:
            raise Refused(ALREADY_RUNNING)
        if len(self._users) >= self.most:
            raise Refused(BUSY)
        self._users.add(user_id)
        self._idle.clear()
        try:
            yield
        finally:
            self._users.discard(user_id)
            if not self._users:
                self._idle.set()


def refusal_page(request: web.Request, refused: Refused) -> web.Response:
    """The page for a download that did not start, with when to try again."""
    who = visitor(request)
    if refused.status == ALREADY_RUNNING:
        text = who._("A download is already running for you. Wait until it has finished, "
                     "then try again.")
    else:
        text = who._("The relay is busy with other people's downloads. Try again in a minute.")
    response = error_page(request, refused.status, text)
    response.headers["Retry-After"] = "60"
    return response
