"""Settling a finished answer before its last byte leaves the relay.

The settlement (release the hold, charge the cost, write the log row) of an answer the client
is about to receive in full is written first, group-committed like the holds
(relay/groupcommit.py), so a relay killed at any moment can never have delivered an answer it
did not bill: what a crash leaves behind is only unfinished requests, which recovery bills by
their checkpoint. It is the same one settlement a request always had, written before the last
byte instead of just after it.

When the write fails (the database is locked for longer than it waits, or down), the answer is
sent all the same and settled the usual way a moment later (relay/accounting.py): refusing an
answer the provider already produced, and the operator paid for, over a database hiccup serves
nobody. When the reservation is gone, recovery already billed the request as interrupted (this
relay stalled past its lease): a non-stream client gets that error instead of an answer it
would not pay for; a stream, all but delivered already, ends as usual.
"""

import logging
from collections.abc import Sequence

from app import billing
from app.billing import Settlement
from app.errors import NotFound
from relay import errors
from relay.context import RequestContext
from relay.groupcommit import GroupCommit

log = logging.getLogger(__name__)


class Settler(GroupCommit[Settlement]):
    """Settles finished answers, many per commit when many finish at once."""

    async def settle(self, ctx: RequestContext, *, in_flight: int) -> bool:
        """Settle ``ctx`` now (nothing to do without a hold: it is settled after, as usual);
        ``False`` when its reservation is gone: recovery billed the request already."""
        if not ctx.reserved or ctx.settled:
            return True
        try:
            await self.submit(Settlement(ctx.request_id, ctx.key.user_id, ctx.cost(), True,
                                         ctx.log_row()), in_flight=in_flight)
        except NotFound:
            ctx.settled = True  # by recovery: nothing more to write
            return False
        except Exception:  # settled the usual way (see the module)
            log.warning("could not settle %s before answering; it is settled right after",
                        ctx.request_id, exc_info=True)
            return True
        ctx.settled = True
        return True

    def _write(self, items: list[Settlement]) -> Sequence[Exception | None]:
        return billing.settle_each(items)


def interrupted(ctx: RequestContext) -> errors.RelayError:
    """The error for an answer whose request recovery already billed as interrupted."""
    ctx.status, ctx.error_code = 500, "relay_interrupted"
    return errors.RelayError(500, "The relay lost track of this request (it was billed as "
                                  "interrupted). Please retry.", type_="server_error",
                             code="relay_interrupted")
