// The accept script, kept as a string so the build needs no asset copying.
export const ACCEPT_ENTRIES_LUA = `
-- Accept a batch of entries from one source, atomically (so two workers never both create
-- one story). Per entry: known to this source → 'known'; a story another source delivered →
-- 'merged' (provenance recorded); otherwise → 'created' (article stored, event queued in the
-- outbox so a crash between this script and the queue add cannot lose it).
-- ARGV: root, sourceId, ttlSeconds, nowIso, then 6 per entry:
--       entryHash, storyHash|'', articleId, articleJson, scoreMs, sourceUrl|''
local root, src, ttl, now = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local out = {}
for i = 5, #ARGV, 6 do
  local entryHash, storyHash, id, json, score, url = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
  local seenKey = root .. ':seen:' .. src .. ':' .. entryHash
  local known = redis.call('GET', seenKey)
  if known then
    -- An entry that stays in its feed stays known for a whole retention period after it was last seen.
    redis.call('EXPIRE', seenKey, ttl)
    out[#out + 1] = 'known'
    out[#out + 1] = known
  else
    local storyKey = storyHash ~= '' and (root .. ':story:' .. storyHash) or nil
    local existing = storyKey and redis.call('GET', storyKey) or nil
    if existing and redis.call('EXISTS', root .. ':article:' .. existing) == 1 then
      redis.call('SET', seenKey, existing, 'EX', ttl)
      redis.call('HSETNX', root .. ':prov:' .. existing, src, cjson.encode({ url = url, seenAt = now }))
      out[#out + 1] = 'merged'
      out[#out + 1] = existing
    else
      redis.call('SET', seenKey, id, 'EX', ttl)
      if storyKey then redis.call('SET', storyKey, id, 'EX', ttl) end
      local articleKey = root .. ':article:' .. id
      redis.call('HSET', articleKey, 'json', json, 'version', 1, 'score', score)
      redis.call('EXPIRE', articleKey, ttl)
      local provKey = root .. ':prov:' .. id
      redis.call('HSET', provKey, src, cjson.encode({ url = url, seenAt = now }))
      redis.call('EXPIRE', provKey, ttl)
      redis.call('ZADD', root .. ':articles', score, id)
      redis.call('SADD', root .. ':outbox', id .. '-v1')
      out[#out + 1] = 'created'
      out[#out + 1] = id
    end
  end
end
return out
`;
