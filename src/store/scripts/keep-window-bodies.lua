-- A publish's windows: the set of articles any output shows (they keep their bodies), and the
-- bodies the caller compressed for them.
-- KEYS: 1 body, 2 published.
-- ARGV: 1 count N, then N ids of the new windows, then triples (id, SHA-1 of the body the
-- caller compressed, compressed body): stored only while the body is still that one.
local n = tonumber(ARGV[1])
redis.call('DEL', KEYS[2])
local chunk = {}
for i = 2, n + 1 do
  chunk[#chunk + 1] = ARGV[i]
  if #chunk >= 1000 then
    redis.call('SADD', KEYS[2], unpack(chunk))
    chunk = {}
  end
end
if #chunk > 0 then redis.call('SADD', KEYS[2], unpack(chunk)) end
for i = n + 2, #ARGV, 3 do
  local current = redis.call('HGET', KEYS[1], ARGV[i])
  if current and redis.sha1hex(current) == ARGV[i + 1] then redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 2]) end
end
return 1
