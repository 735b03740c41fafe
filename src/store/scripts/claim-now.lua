-- Claim these sources for a poll now (run --once, refresh), as a tick's claim does: those not
-- claimed already (a poll of theirs is queued or running elsewhere: the caller waits for it).
-- Each claimed one moves `leaseMs` ahead on the schedule so no tick claims it meanwhile.
-- KEYS: 1 schedule zset, 2 claims zset, 3 claim-jobs hash. ARGV: 1 now, 2 leaseMs, 3 job id,
-- then the ids. Returns the ids claimed.
local now, later, job = ARGV[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[3]
local claimed = {}
for i = 4, #ARGV do
  local id = ARGV[i]
  if not redis.call('ZSCORE', KEYS[2], id) then
    redis.call('ZADD', KEYS[2], now, id)
    redis.call('HSET', KEYS[3], id, job)
    redis.call('ZADD', KEYS[1], 'XX', later, id)
    claimed[#claimed + 1] = id
  end
end
return claimed
