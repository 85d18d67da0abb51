"""Scale-out: what lets several ``relaydesk serve`` instances behind one load balancer act as
one relay — state that must be exact across instances (per-key limits, failed-authentication
counts) shared through Redis when ``REDIS_URL`` is set, falling back to per-instance state
while Redis is unreachable, so traffic is never refused for Redis being down."""
