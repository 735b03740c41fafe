-- The start of a poll, in one round trip: read the source's state, decide whether it is
-- polled now (disabled, gone, or its host under a Retry-After: skipped), and take a per-host
-- slot (at most `concurrency` requests in flight to one host, starts at least `interval` ms
-- apart). Times come from Redis (TIME), so machine clocks need not agree.
-- KEYS: 1 source state, 2 host in-flight zset (member token, score lease expiry),
--       3 host last-start key, 4 host retry-after key
-- ARGV: 1 host the caller expects to poll, 2 enabled (1/0), 3 configured URL,
--       4 concurrency, 5 intervalMs, 6 leaseMs, 7 token
-- Returns { status, state (flat field/value list), detail }:
--   'disabled' | 'gone' | 'hold' (detail: until ms) | 'rehost' (detail: the host to poll, the
--   caller asks again with its keys) | 'wait' (detail: ms until a slot may free) | 'go'
local state = redis.call('HGETALL', KEYS[1])
local fields = {}
for i = 1, #state, 2 do fields[state[i]] = state[i + 1] end
if ARGV[2] ~= '1' then return { 'disabled', state, '' } end
if fields.state == 'gone' then return { 'gone', state, '' } end
local host = ARGV[1]
if fields.configUrl == ARGV[3] and (fields.effectiveHost or '') ~= '' and fields.effectiveHost ~= host then
  return { 'rehost', state, fields.effectiveHost }
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hold = tonumber(redis.call('GET', KEYS[4]) or '0')
if hold > now then return { 'hold', state, tostring(hold) } end
local limit, interval, lease, token = tonumber(ARGV[4]), tonumber(ARGV[5]), tonumber(ARGV[6]), ARGV[7]
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
if redis.call('ZCARD', KEYS[2]) >= limit then
  local first = redis.call('ZRANGE', KEYS[2], 0, 0, 'WITHSCORES')
  return { 'wait', state, tostring(math.max(20, math.min(1000, tonumber(first[2]) - now))) }
end
local last = tonumber(redis.call('GET', KEYS[3]) or '0')
if now - last < interval then return { 'wait', state, tostring(interval - (now - last)) } end
redis.call('ZADD', KEYS[2], now + lease, token)
redis.call('PEXPIRE', KEYS[2], lease)
if interval > 0 then redis.call('SET', KEYS[3], now, 'PX', math.max(interval, 1000)) end
return { 'go', state, '' }
