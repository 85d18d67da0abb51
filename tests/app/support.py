"""Shared helpers for the foundation tests: whole-database snapshots and file scans."""

import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from app.models import ALL_MODELS


def dump() -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, ordered by primary key, from the bound database."""
    return {model._meta.table_name: list(model.select().order_by(model._meta.primary_key)
                                         .tuples())
            for model in ALL_MODELS}


def counts() -> dict[str, int]:
    return {model._meta.table_name: model.select().count() for model in ALL_MODELS}


@contextmanager
def unchanged() -> Iterator[None]:
    """Assert that the block left every table exactly as it was.

    Use as ``with unchanged(), pytest.raises(SomeError): ...`` so the check runs after the
    expected exception has been caught.
    """
    before = dump()
    yield
    after = dump()
    assert after == before, {k: (before[k], after[k]) for k in before if before[k] != after[k]}


def files_containing(folder: Path, needle: bytes) -> list[Path]:
    """Files under ``folder`` (the SQLite file, its -wal/-shm, backups) holding ``needle``."""
    return [path for path in sorted(folder.rglob("*"))
            if path.is_file() and needle in path.read_bytes()]


def assert_money_is_micros(document: Any, path: str = "$") -> None:
    """Every money field in CLI JSON is an integer named *_micros, and no float appears."""
    money_words = ("balance", "amount", "cost", "price", "refunded")
    if isinstance(document, dict):
        for key, value in document.items():
            if key.endswith("_micros"):
                assert type(value) is int, f"{path}.{key} = {value!r}"
            elif any(word in key for word in money_words) and not key.endswith("_at"):
                raise AssertionError(f"money field {path}.{key} is not named *_micros")
            assert_money_is_micros(value, f"{path}.{key}")
    elif isinstance(document, list):
        for i, value in enumerate(document):
            assert_money_is_micros(value, f"{path}[{i}]")
    else:
        assert not isinstance(document, float), f"{path} is a float: {document!r}"


def race(calls: Sequence[Callable[[], object]], *, barrier: bool = True) -> list[object]:
    """Run each call in its own thread with its own database connection, all at once (a
    barrier releases them together unless the calls meet at their own); returns each call's
    outcome: True, a refusal's message, or any other exception. The main thread holds no
    connection meanwhile, and gets one back afterwards."""
    from app.db import database
    from app.errors import ServiceError
    database.close()
    start = threading.Barrier(len(calls))
    results: list[object] = []
    lock = threading.Lock()

    def worker(call: Callable[[], object]) -> None:
        database.connect(reuse_if_open=True)
        try:
            if barrier:
                start.wait(timeout=30)
            try:
                call()
                outcome: object = True
            except ServiceError as exc:
                outcome = exc.message
            except Exception as exc:  # noqa: BLE001 - a deadlock or busy error fails the test
                outcome = exc
        finally:
            database.close()
        with lock:
            results.append(outcome)

    workers = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=60)
    assert not any(t.is_alive() for t in workers)
    database.connect(reuse_if_open=True)
    return results
