-- Coalesced merges: one new version for all the sources that joined an article since its
-- last event (the first few merges each had their own). Without a body (the article left the
-- working set) there is nothing to send: the provenance is kept, and rides on its next event.
-- KEYS: 1 articleMeta, 2 body, 3 outbox, 4 coalesce. ARGV: 1 how many at most.
-- Returns the outbox members queued.
--- @include "layouts"

local ids = redis.call('SRANDMEMBER', KEYS[4], tonumber(ARGV[1]))
local members = {}
for _, id in ipairs(ids) do
  redis.call('SREM', KEYS[4], id)
  local json = redis.call('HGET', KEYS[1], id)
  if json then
    local m = cjson.decode(json)
    if m[META.coalescePending] == 1 then
      m[META.coalescePending] = 0
      if redis.call('HEXISTS', KEYS[2], id) == 1 then
        m[META.version] = m[META.version] + 1
        m[META.pending] = m[META.pending] + 1
        local member = id .. '-v' .. m[META.version]
        redis.call('SADD', KEYS[3], member)
        members[#members + 1] = member
      end
      redis.call('HSET', KEYS[1], id, cjson.encode(m))
    end
  end
end
return members
