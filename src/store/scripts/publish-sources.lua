-- `start` makes these the deployment of every process, atomically: its settings document and
-- source definitions, then a new version (workers read the version, then the rest), and the
-- sources that changed are marked with that version (poll-finish-batch.lua polls them again at once).
-- KEYS: 1 definitions hash, 2 version counter, 3 redefined sources hash, 4 settings document.
-- ARGV: 1 the settings document (JSON), 2 count of changed ids, then the changed ids, then
-- id/definition pairs.
local changed = tonumber(ARGV[2])
redis.call('SET', KEYS[4], ARGV[1])
redis.call('DEL', KEYS[1])
-- unpack() of tens of thousands of values overflows Lua's stack: write in batches.
local first = changed + 3
for start = first, #ARGV, 1000 do
  redis.call('HSET', KEYS[1], unpack(ARGV, start, math.min(start + 999, #ARGV)))
end
local version = redis.call('INCR', KEYS[2])
for index = 3, changed + 2 do
  redis.call('HSET', KEYS[3], ARGV[index], version)
end
return version
