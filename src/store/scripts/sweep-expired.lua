-- Retention: an article no source has listed for the retention period leaves the store, with
-- its story keys and the seen entries of the sources that delivered it. Retention counts from
-- the last time a source listed the article, not from its publish date.
-- KEYS: 1 articleMeta, 2 body, 3 sig, 4 stories, 5 articles, 6 unlisted, 7 published,
--       8.. seen:<source> of the sources named in ARGV
-- ARGV: 1 cutoff (epoch ms), 2 count S of sources, then S source ids (KEYS 8..), then article ids.
-- Returns how many articles left.
--- @include "layouts"

local cutoff, S = tonumber(ARGV[1]), tonumber(ARGV[2])
local seenKey = {}
for i = 1, S do seenKey[ARGV[2 + i]] = KEYS[7 + i] end
local removed = 0
for i = 3 + S, #ARGV do
  local id = ARGV[i]
  local unlistedAt = tonumber(redis.call('ZSCORE', KEYS[6], id) or 'inf')
  local json = redis.call('HGET', KEYS[1], id)
  if not json then
    redis.call('ZREM', KEYS[6], id)
  elseif unlistedAt <= cutoff then
    local m = cjson.decode(json)
    if m[META.listedBy] == 0 then
      for hash in string.gmatch(m[META.stories], '[^,]+') do
        if redis.call('HGET', KEYS[4], hash) == id then redis.call('HDEL', KEYS[4], hash) end
      end
      for _, p in ipairs(m[META.provenance]) do
        local key = seenKey[p[1]]
        local seen = key and redis.call('HGET', key, p[4])
        if seen and string.sub(seen, 1, #id + 1) == id .. '|' then redis.call('HDEL', key, p[4]) end
      end
      redis.call('HDEL', KEYS[1], id)
      redis.call('HDEL', KEYS[2], id)
      redis.call('HDEL', KEYS[3], id)
      redis.call('ZREM', KEYS[5], id)
      redis.call('ZREM', KEYS[6], id)
      redis.call('SREM', KEYS[7], id)
      removed = removed + 1
    end
  end
end
return removed
