-- Bodies no published window shows and no pending event needs leave the store: from then on
-- an article is its identity and fingerprints only (the working set, not an archive). Only
-- articles created before the publish read the index can be judged by it: later ones wait for
-- the next publish (the accept sequence tells them apart, whatever the machines' clocks say).
-- KEYS: 1 articleMeta, 2 body, 3 published. ARGV: 1 the accept sequence when the publish began, then
-- article ids that have a body.
-- Returns how many bodies left.
--- @include "layouts"

local before, removed = tonumber(ARGV[1]), 0
for i = 2, #ARGV do
  local id = ARGV[i]
  if redis.call('SISMEMBER', KEYS[3], id) == 0 then
    local json = redis.call('HGET', KEYS[1], id)
    local m = json and cjson.decode(json)
    if not m or (m[META.pending] == 0 and m[META.createdSequence] <= before) then removed = removed + redis.call('HDEL', KEYS[2], id) end
  end
end
return removed
