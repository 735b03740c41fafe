-- A per-host slot for a redirect hop to another host (the first hop's slot is taken by
-- poll-begin.lua): at most `concurrency` in flight, starts at least `interval` ms apart.
-- KEYS: 1 host in-flight zset, 2 host last-start key. ARGV: 1 concurrency, 2 intervalMs,
-- 3 leaseMs, 4 token. Returns 0 when acquired, else ms to wait.
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, interval, lease, token = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= limit then
  local first = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
  return math.max(20, math.min(250, tonumber(first[2]) - now))
end
local last = tonumber(redis.call('GET', KEYS[2]) or '0')
if now - last < interval then return interval - (now - last) end
redis.call('ZADD', KEYS[1], now + lease, token)
redis.call('PEXPIRE', KEYS[1], lease)
if interval > 0 then redis.call('SET', KEYS[2], now, 'PX', math.max(interval, 1000)) end
return 0
