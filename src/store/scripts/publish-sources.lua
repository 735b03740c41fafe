-- `start` makes these the source definitions of every process, atomically: the definitions,
-- then a new version (workers read the version, then the definitions), and the sources that
-- changed are marked with that version (poll-finish.lua polls them again at once).
-- KEYS: 1 definitions hash, 2 version counter, 3 redefined sources hash.
-- ARGV: 1 count of changed ids, then the changed ids, then id/definition pairs.
local changed = tonumber(ARGV[1])
redis.call('DEL', KEYS[1])
-- unpack() of tens of thousands of values overflows Lua's stack: write in batches.
local first = changed + 2
for start = first, #ARGV, 1000 do
  redis.call('HSET', KEYS[1], unpack(ARGV, start, math.min(start + 999, #ARGV)))
end
local version = redis.call('INCR', KEYS[2])
for index = 2, changed + 1 do
  redis.call('HSET', KEYS[3], ARGV[index], version)
end
return version
