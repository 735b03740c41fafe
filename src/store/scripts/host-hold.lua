-- Keep the later of the stored and the new Retry-After time of a host, atomically: two
-- workers that both see a 429 can never leave the earlier time behind. Holds live in one hash
-- (host -> until), read by poll-begin-batch.lua once per batch; it drops those that ended.
-- KEYS: 1 host holds hash. ARGV: 1 host, 2 until (epoch ms). Returns 1 when the new time was stored.
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '0')
if tonumber(ARGV[2]) <= current then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
return 1
