-- Events handed to the queue leave the outbox and no longer hold their article's body (the
-- next publish drops bodies no window shows; see trim-bodies.lua).
-- KEYS: 1 articleMeta, 2 outbox. ARGV: members '<article id>-v<version>'.
--- @include "layouts"

for _, member in ipairs(ARGV) do
  if redis.call('SREM', KEYS[2], member) == 1 then
    local id = string.match(member, '^(.+)-v%d+$')
    local json = id and redis.call('HGET', KEYS[1], id)
    if json then
      local m = cjson.decode(json)
      m[META.pending] = math.max(0, m[META.pending] - 1)
      redis.call('HSET', KEYS[1], id, cjson.encode(m))
    end
  end
end
return 1
