"""Failed authentications per ban subject counted in Redis, so failures spread over several
relay instances add up to one ban (relay/guard.py consults this as ``Guard.counter``).

One atomic script per failure drops what left the window, adds this failure and counts; the
failure that reaches the threshold also clears the count, so exactly one instance sees the
crossing and writes the ban (the ban itself stays in the database through ``app.bans``).
While Redis is unreachable ``add`` returns ``None`` and the guard counts in its own process.
"""

import functools
import itertools
import uuid

from relay.cluster.redis_link import RedisLink, RedisUnavailable

MICROS = 1_000_000

# KEYS: the subject's sorted set of failures scored by Redis time (µs).
# ARGV: window (µs), threshold, a member unique to this failure.
ADD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local window, threshold = tonumber(ARGV[1]), tonumber(ARGV[2])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('ZADD', KEYS[1], now, ARGV[3])
local n = redis.call('ZCARD', KEYS[1])
if n >= threshold then
  redis.call('DEL', KEYS[1])
else
  redis.call('PEXPIRE', KEYS[1], math.ceil(window / 1000) + 1000)
end
return n
"""


class SharedFailures:
    """The guard's failure counter across instances (see the module docstring)."""

    def __init__(self, link: RedisLink) -> None:
        self.link = link
        self._add = link.script(ADD)
        self._instance = uuid.uuid4().hex[:12]
        self._serial = itertools.count()

    async def add(self, subject: str, window: float, threshold: int) -> int | None:
        """Count one failure of ``subject``: the failures within ``window`` seconds on every
        instance, this one included (reset once it reaches ``threshold``), or ``None`` when
        Redis cannot count now."""
        if not self.link.healthy:
            return None
        call = functools.partial(
            self._add, keys=[self.link.key("fail", subject)],
            args=[round(window * MICROS), threshold, f"{self._instance}:{next(self._serial)}"])
        try:
            return int(await self.link.run(call))
        except RedisUnavailable:
            return None
