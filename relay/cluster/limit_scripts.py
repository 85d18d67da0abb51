"""The Lua scripts behind shared per-key limits (relay/cluster/shared_limits.py).

Each script runs atomically in Redis, so a check and the counting it allows cannot interleave
with another instance's. Times are Redis's own clock (``TIME``, in microseconds): the
instances' clocks never meet. Per key (hash-tagged ``{key_id}`` so a Redis Cluster keeps them
on one node):

- ``req``: sorted set, one member per admitted request, scored by its admission time;
- ``tok``: sorted set, one member per request counted for tokens, scored the same way, and
  ``amt``: hash of each such member's tokens plus the running sum under ``#total`` (summing
  on every admission would cost a pass over the window);
- ``slots``: sorted set of requests in flight, scored by the end of their lease: a slot of an
  instance that died without releasing it ends with its lease.

A request counts for exactly ``window`` after its admission (expired when score <= now -
window), as relay/limits.py's windows do; every write refreshes the keys' expiry, so an idle
key leaves nothing behind.
"""

BATCH = 500  # members handled per Redis call inside a script: bounded Lua stack use

ADMIT = f"""
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local rpm, tpm, conc = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
local tokens, member = tonumber(ARGV[4]), ARGV[5]
local window, lease = tonumber(ARGV[6]), tonumber(ARGV[7])
local cutoff = now - window
local keep = math.ceil(window / 1000) + 1000
redis.call('ZREMRANGEBYSCORE', KEYS[4], '-inf', now)
local in_flight = redis.call('ZCARD', KEYS[4])
if conc > 0 and in_flight >= conc then
  return {{1, 1000000}}
end
if rpm > 0 then
  redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
  local n = redis.call('ZCARD', KEYS[1])
  if n >= rpm then
    -- under the limit again once the (n - rpm + 1) oldest have left the window
    local oldest = redis.call('ZRANGE', KEYS[1], n - rpm, n - rpm, 'WITHSCORES')
    return {{2, tonumber(oldest[2]) - cutoff}}
  end
end
if tpm > 0 then
  while true do
    local old = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', cutoff, 'LIMIT', 0, {BATCH})
    if #old == 0 then break end
    local drop = 0
    for _, amount in ipairs(redis.call('HMGET', KEYS[3], unpack(old))) do
      if amount then drop = drop + tonumber(amount) end
    end
    redis.call('HDEL', KEYS[3], unpack(old))
    redis.call('ZREM', KEYS[2], unpack(old))
    redis.call('HINCRBY', KEYS[3], '#total', -drop)
  end
  local total = tonumber(redis.call('HGET', KEYS[3], '#total') or '0')
  if total >= tpm then
    local rest, wait, start = total, 0, 0
    while rest >= tpm do
      local batch = redis.call('ZRANGE', KEYS[2], start, start + {BATCH - 1}, 'WITHSCORES')
      if #batch == 0 then break end
      for i = 1, #batch, 2 do
        rest = rest - tonumber(redis.call('HGET', KEYS[3], batch[i]) or '0')
        if rest < tpm then
          wait = tonumber(batch[i + 1]) - cutoff
          break
        end
      end
      start = start + {BATCH}
    end
    -- requests in flight count at their estimate until they settle, which may free tokens
    -- any moment: a retry can succeed sooner than the window says
    if in_flight > 0 and wait > 1000000 then wait = 1000000 end
    return {{3, wait}}
  end
end
if rpm > 0 then
  redis.call('ZADD', KEYS[1], now, member)
  redis.call('PEXPIRE', KEYS[1], keep)
end
if tpm > 0 then
  redis.call('ZADD', KEYS[2], now, member)
  redis.call('HSET', KEYS[3], member, tokens)
  redis.call('HINCRBY', KEYS[3], '#total', tokens)
  redis.call('PEXPIRE', KEYS[2], keep)
  redis.call('PEXPIRE', KEYS[3], keep)
end
redis.call('ZADD', KEYS[4], now + lease, member)
redis.call('PEXPIRE', KEYS[4], math.ceil(lease / 1000) + 1000)
return {{0, 0}}
"""

# KEYS: slots, amt. ARGV: member, tokens used (-1: unknown, keep the estimate).
RELEASE = """
redis.call('ZREM', KEYS[1], ARGV[1])
local used = tonumber(ARGV[2])
if used >= 0 then
  local old = redis.call('HGET', KEYS[2], ARGV[1])
  if old then
    redis.call('HSET', KEYS[2], ARGV[1], used)
    redis.call('HINCRBY', KEYS[2], '#total', used - tonumber(old))
  end
end
return 1
"""

# KEYS: slots. ARGV: lease, members still held. XX: a slot that already ended (this instance
# lost Redis for longer than a lease) is not brought back.
RENEW = """
local t = redis.call('TIME')
local lease = tonumber(ARGV[1])
local ends = tonumber(t[1]) * 1000000 + tonumber(t[2]) + lease
for i = 2, #ARGV do
  redis.call('ZADD', KEYS[1], 'XX', ends, ARGV[i])
end
redis.call('PEXPIRE', KEYS[1], math.ceil(lease / 1000) + 1000)
return 1
"""

# KEYS: slots. Requests of the key in flight on every instance (leases still running).
IN_FLIGHT = """
local t = redis.call('TIME')
return redis.call('ZCOUNT', KEYS[1], '(' .. (tonumber(t[1]) * 1000000 + tonumber(t[2])), '+inf')
"""
