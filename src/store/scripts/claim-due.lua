-- The scheduler's pick: sources whose next poll time has come, each moved `leaseMs` ahead so
-- that the next ticks do not pick (and enqueue) it again while its poll waits in the queue,
-- and recorded as claimed (claims zset, score = claim time). The poll's end removes the claim
-- (poll-finish-batch.lua); a claim whose poll job is gone without ending it (a crash between
-- this script and the enqueue, a job failed for good) is found by requeue-lost.lua, so a lost
-- poll costs seconds, not the lease. A tick costs in proportion to the sources due, not to
-- all, and three commands whatever their number (issue 17: two per source before).
-- KEYS: 1 schedule zset, 2 claims zset. ARGV: 1 now (epoch ms), 2 leaseMs, 3 limit.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local later = tonumber(ARGV[1]) + tonumber(ARGV[2])
-- In slices: unpack() has a limit on the values it can spread.
for start = 1, #due, 1000 do
  local moved, claimed = {}, {}
  for i = start, math.min(#due, start + 999) do
    moved[#moved + 1] = later
    moved[#moved + 1] = due[i]
    claimed[#claimed + 1] = ARGV[1]
    claimed[#claimed + 1] = due[i]
  end
  redis.call('ZADD', KEYS[1], 'XX', unpack(moved))
  redis.call('ZADD', KEYS[2], unpack(claimed))
end
return due
