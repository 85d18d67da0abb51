"""Making a finished answer's bill durable before its last byte leaves: the settlement's facts
(cost, log row) are written into the request's reservation, group-committed like the holds
(relay/groupcommit.py). If the relay is killed before the settlement batch is written, recovery
bills that outcome exactly, with its real status (app/billing.py, ``recover_expired``).

When the write fails (the database is locked for longer than it waits, or down), the answer is
sent all the same and settled the usual way a moment later: only a crash in that moment would
bill it by its checkpoint instead, and refusing an answer the provider already produced (and the
operator paid for) over a database hiccup serves nobody. When the reservation is gone, recovery
already billed the request as interrupted (this relay stalled past its lease): a non-stream
client gets that error instead of an answer it would not pay for; a stream, all but delivered
already, ends as usual.
"""

import logging
from collections.abc import Sequence

from app import billing
from app.errors import NotFound
from relay import errors
from relay.context import RequestContext
from relay.groupcommit import GroupCommit

log = logging.getLogger(__name__)

_Outcome = tuple[str, str]  # request_id, app.billing.encode_outcome text


class Outcomes(GroupCommit[_Outcome]):
    """Stores outcomes in reservations, many per commit when many requests finish at once."""

    async def record(self, ctx: RequestContext, *, in_flight: int) -> bool:
        """Store ``ctx``'s settlement in its reservation (nothing to do without one);
        ``False`` when the reservation is gone: recovery billed the request already."""
        if not ctx.reserved:
            return True
        outcome = (ctx.request_id, billing.encode_outcome(ctx.cost(), ctx.log_row()))
        try:
            await self.submit(outcome, in_flight=in_flight)
        except NotFound:
            return False
        except Exception:  # noqa: BLE001 -- settled the usual way (see the module)
            log.warning("could not store the outcome of %s before answering; it is settled "
                        "as usual", ctx.request_id, exc_info=True)
        return True

    def _write(self, items: list[_Outcome], here: bool) -> Sequence[Exception | None]:
        return billing.record_outcomes(items)


def interrupted(ctx: RequestContext) -> errors.RelayError:
    """The error for an answer whose request recovery already billed as interrupted."""
    ctx.status, ctx.error_code = 500, "relay_interrupted"
    return errors.RelayError(500, "The relay lost track of this request (it was billed as "
                                  "interrupted). Please retry.", type_="server_error",
                             code="relay_interrupted")
