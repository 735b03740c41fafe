-- The end of a poll: the source's new state and its next poll time, in one round trip.
-- KEYS: 1 source state, 2 schedule zset, 3 redefined sources (id -> definitions version),
--       4 claims zset, 5 claim-jobs hash (the claim ends with the poll, see claim-due.lua).
-- KEYS 6: the source's outcome history (a list, newest first, capped at ARGV[5]).
-- ARGV: 1 source id, 2 next poll (epoch ms, or '+inf' to park a gone source), 3 the version
-- of the source definitions the poll used, 4 the outcome record (JSON), 5 the history's cap,
-- then field/value pairs of the state that changed (issue 17: the whole state was sent).
if #ARGV > 5 then redis.call('HSET', KEYS[1], unpack(ARGV, 6)) end
redis.call('LPUSH', KEYS[6], ARGV[4])
redis.call('LTRIM', KEYS[6], 0, tonumber(ARGV[5]) - 1)
local next = ARGV[2]
-- Redefined while this poll ran (a reload changed its URL, headers…): due again now, with the
-- new definition; the wait this poll earned belongs to the old one.
local redefined = tonumber(redis.call('HGET', KEYS[3], ARGV[1]) or '0')
if redefined > tonumber(ARGV[3]) then
  local time = redis.call('TIME')
  next = tostring(tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000))
end
-- XX: a source removed from the schedule meanwhile (config changed) stays removed.
redis.call('ZADD', KEYS[2], 'XX', next, ARGV[1])
redis.call('ZREM', KEYS[4], ARGV[1])
redis.call('HDEL', KEYS[5], ARGV[1])
return 1
