-- The scheduler's pick: sources whose next poll time has come, each moved `leaseMs` ahead so
-- that the next ticks do not pick (and enqueue) it again while its poll waits in the queue.
-- The poll sets the real next time when it ends; a poll lost in a crash is due again after
-- the lease. A tick costs in proportion to the sources due, not to all sources.
-- KEYS: 1 schedule zset. ARGV: 1 now (epoch ms), 2 leaseMs, 3 limit.
local due = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local later = tonumber(ARGV[1]) + tonumber(ARGV[2])
for _, id in ipairs(due) do redis.call('ZADD', KEYS[1], 'XX', later, id) end
return due
