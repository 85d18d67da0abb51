"""relay/groupcommit.py: one request's item must not fail the others in its transaction."""

import asyncio
from collections.abc import Sequence

import pytest

from relay.dbexec import DatabaseExecutor
from relay.groupcommit import GroupCommit


class _Picky(GroupCommit[int]):
    """Refuses a whole batch that holds a negative item, as a database refuses a statement."""

    def __init__(self, dbx: DatabaseExecutor) -> None:
        super().__init__(dbx, gather_from=1, gather_delay=0.01)
        self.written: list[int] = []

    def _write(self, items: list[int]) -> Sequence[Exception | None]:
        if any(item < 0 for item in items):
            raise OverflowError("Python int too large to convert to SQLite INTEGER")
        self.written.extend(items)
        return [None] * len(items)


async def test_a_bad_item_fails_only_its_own_request() -> None:
    dbx = DatabaseExecutor()
    try:
        picky = _Picky(dbx)
        results = await asyncio.gather(*(picky.submit(i, in_flight=8) for i in (1, 2, -3, 4)),
                                       return_exceptions=True)
        assert results[:2] == [None, None] and results[3] is None
        assert isinstance(results[2], OverflowError)
        assert sorted(picky.written) == [1, 2, 4]
    finally:
        dbx.shutdown()


async def test_a_batch_of_one_still_gets_its_error() -> None:
    dbx = DatabaseExecutor()
    try:
        with pytest.raises(OverflowError):
            await _Picky(dbx).submit(-1, in_flight=8)
    finally:
        dbx.shutdown()
