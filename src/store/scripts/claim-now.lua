-- Claim these sources for a poll now (run --once, refresh), as a tick's claim does: those not
-- claimed already (a poll of theirs is queued or running elsewhere: the caller waits for it).
-- Each claimed one moves `leaseMs` ahead on the schedule so no tick claims it meanwhile.
-- Four commands whatever the number of sources (the caller sends a batch's worth).
-- KEYS: 1 schedule zset, 2 claims zset, 3 claim-jobs hash. ARGV: 1 now, 2 leaseMs, 3 job id,
-- then the ids. Returns the ids claimed.
local now, later, job = ARGV[1], tonumber(ARGV[1]) + tonumber(ARGV[2]), ARGV[3]
local ids = { unpack(ARGV, 4) }
if #ids == 0 then return {} end
local scores = redis.call('ZMSCORE', KEYS[2], unpack(ids))
local claimed, claims, jobs, moved = {}, {}, {}, {}
for i, id in ipairs(ids) do
  if not scores[i] then
    claimed[#claimed + 1] = id
    claims[#claims + 1] = now
    claims[#claims + 1] = id
    jobs[#jobs + 1] = id
    jobs[#jobs + 1] = job
    moved[#moved + 1] = later
    moved[#moved + 1] = id
  end
end
if #claimed > 0 then
  redis.call('ZADD', KEYS[2], unpack(claims))
  redis.call('HSET', KEYS[3], unpack(jobs))
  redis.call('ZADD', KEYS[1], 'XX', unpack(moved))
end
return claimed
