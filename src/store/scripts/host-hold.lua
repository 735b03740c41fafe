-- Keep the later of the stored and the new Retry-After time, atomically: two workers that
-- both see a 429 can never leave the earlier time behind.
-- KEYS: 1 the host's retry-after key. ARGV: 1 until (epoch ms), 2 now (epoch ms).
-- Returns 1 when the new time was stored.
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local untilMs, now = tonumber(ARGV[1]), tonumber(ARGV[2])
if untilMs <= current then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', math.max(1, untilMs - now))
return 1
