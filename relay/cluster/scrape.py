"""``GET /metrics``: the relay's Prometheus metrics (relay/cluster/metrics.py), for an admin.

Per-provider health and traffic volumes are the operator's business, so the route is protected
exactly like the remote admin API: relay/admin/auth.py's check (an address inside the admin
whitelist and a valid admin token, refusals audited and wrong tokens counted toward a ban).
"""

import time

from aiohttp import web
from prometheus_client import CONTENT_TYPE_LATEST

from relay.admin.auth import admin_only
from relay.cluster.metrics import Gauges
from relay.pool import Snapshot
from relay.state import STATE, RelayState

PATH = "/metrics"


def current_gauges(state: RelayState, snap: Snapshot | None) -> Gauges:
    """What ``state`` holds now; no providers when their list could not be loaded."""
    now = time.monotonic()
    providers = ({up.name: up.cooldown_until <= now for up in snap.upstreams}
                 if snap is not None else {})
    return Gauges(requests_in_flight=state.in_flight,
                  holds_in_flight=len(state.accountant.active),
                  streams_open=len(state.streams),
                  redis_up=state.redis.healthy if state.redis is not None else None,
                  providers=providers)


@admin_only
async def metrics(request: web.Request) -> web.Response:
    state = request.app[STATE]
    try:
        snap: Snapshot | None = await state.pool.snapshot()
    except Exception:  # noqa: BLE001 - database unreachable: the rest is still worth scraping
        snap = None
    body = state.metrics.render(current_gauges(state, snap))
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})
