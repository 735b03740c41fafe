-- The end of a poll: the source's new state and its next poll time, in one round trip.
-- KEYS: 1 source state, 2 schedule zset. ARGV: 1 source id, 2 next poll (epoch ms, or
-- '+inf' to park a gone source), then field/value pairs of the state.
redis.call('HSET', KEYS[1], unpack(ARGV, 3))
-- XX: a source removed from the schedule meanwhile (config changed) stays removed.
redis.call('ZADD', KEYS[2], 'XX', ARGV[2], ARGV[1])
return 1
