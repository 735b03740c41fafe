-- Claims whose poll is lost: claimed before `before` and with no poll job in the queue (BullMQ
-- keeps a job's deduplication key from its add until it completes or fails for good, and a
-- poll removes its claim before it completes). Each is due again now and its claim dropped.
-- A claim renewed meanwhile (a newer tick, `sources refresh`) is newer than `before` and kept.
-- KEYS: 1 claims zset, 2 schedule zset, then the poll queue's deduplication key of each id.
-- ARGV: 1 before (epoch ms), 2 now (epoch ms), then the ids (in the order of their KEYS).
local before, now = tonumber(ARGV[1]), ARGV[2]
local lost = {}
for i = 3, #ARGV do
  local id = ARGV[i]
  local claimed = redis.call('ZSCORE', KEYS[1], id)
  if claimed and tonumber(claimed) <= before and redis.call('EXISTS', KEYS[i]) == 0 then
    redis.call('ZREM', KEYS[1], id)
    redis.call('ZADD', KEYS[2], 'XX', now, id)
    lost[#lost + 1] = id
  end
end
return lost
