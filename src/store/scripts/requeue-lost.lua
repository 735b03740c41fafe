-- Claims whose poll is lost: claimed before `before`, and whose batch job is gone (or was never
-- added: a crash between the claim and the enqueue) or finished (BullMQ sets `finishedOn` when a
-- job completes or fails for good; a failed one is kept a while). A poll removes its claim
-- before its batch finishes, so a finished batch with open claims lost them.
-- Each lost one is due again now and its claim dropped. A claim renewed meanwhile (a newer tick,
-- `sources refresh`) is newer than `before` and kept.
-- KEYS: 1 claims zset, 2 schedule zset, 3 claim-jobs hash, then the job hash key of each id
-- (any key that does not exist when it has no job).
-- ARGV: 1 before (epoch ms), 2 now (epoch ms), then the ids (in the order of their KEYS).
local before, now = tonumber(ARGV[1]), ARGV[2]
local lost = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local claimed = redis.call('ZSCORE', KEYS[1], id)
  local job = KEYS[i + 1]
  if claimed and tonumber(claimed) <= before and (redis.call('EXISTS', job) == 0 or redis.call('HEXISTS', job, 'finishedOn') == 1) then
    redis.call('ZREM', KEYS[1], id)
    redis.call('HDEL', KEYS[3], id)
    redis.call('ZADD', KEYS[2], 'XX', now, id)
    lost[#lost + 1] = id
  end
end
return lost
