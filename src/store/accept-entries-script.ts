// The accept script, kept as a string so the build needs no asset copying.
export const ACCEPT_ENTRIES_LUA = `
-- Accept a batch of entries from one source, atomically: two workers never both create one
-- story, and every decision below sees every earlier one. Per entry:
--   known   this source delivered the entry before; if its change fingerprint differs and this
--           source supplies the article's text (or its copy is now substantially longer), the
--           text is replaced and the version grows ('updated');
--   merged  another source delivered the same story: same canonical URL or URL-shaped guid, or
--           (within the window) a MinHash signature similar enough; provenance and version grow;
--   created a new article.
-- Every version change queues '<id>-v<version>' in the outbox in the same step, so a crash
-- between this script and the queue add cannot lose an event.
-- ARGV: root, sourceId, ttlSeconds, nowIso, nowMs, windowMs, threshold, longerFactor,
--       longerMargin, then 12 per entry: entryHash, story1|'', story2|'', id, altId, body,
--       score, url|'', fingerprint, textLength, signature|'', bands (comma-separated)|''
local root, src, ttl, nowIso = ARGV[1], ARGV[2], tonumber(ARGV[3]), ARGV[4]
local nowMs, windowMs, threshold = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local factor, margin = tonumber(ARGV[8]), tonumber(ARGV[9])
local HASHES = 32

local function akey(id) return root .. ':article:' .. id end
local function pkey(id) return root .. ':prov:' .. id end
local function skey(hash) return root .. ':story:' .. hash end
local function lkey(band, hash) return root .. ':lsh:' .. band .. ':' .. hash end

local function split(list)
  local out = {}
  for part in string.gmatch(list, '[^,]+') do out[#out + 1] = part end
  return out
end

local function touch(id)
  redis.call('EXPIRE', akey(id), ttl)
  redis.call('EXPIRE', pkey(id), ttl)
end

local function bump(id)
  local version = redis.call('HINCRBY', akey(id), 'version', 1)
  local member = id .. '-v' .. version
  redis.call('SADD', root .. ':outbox', member)
  return member
end

local function longer(id, len)
  local stored = tonumber(redis.call('HGET', akey(id), 'len') or '0')
  return len >= stored * factor and len >= stored + margin
end

local function replaceBody(id, body, len, sig)
  redis.call('HSET', akey(id), 'body', body, 'len', len, 'canonical', src)
  if sig ~= '' then redis.call('HSET', akey(id), 'sig', sig) end
end

local function similarity(a, b)
  local equal = 0
  for i = 0, HASHES - 1 do
    if string.sub(a, i * 8 + 1, i * 8 + 8) == string.sub(b, i * 8 + 1, i * 8 + 8) then equal = equal + 1 end
  end
  return equal / HASHES
end

-- The most similar article another source delivered within the window, or nil.
local function nearDuplicate(sig, bands)
  if sig == '' then return nil end
  local best, bestScore, checked = nil, threshold, {}
  for band, hash in ipairs(bands) do
    local members = redis.call('ZRANGEBYSCORE', lkey(band, hash), nowMs - windowMs, '+inf', 'LIMIT', 0, 20)
    for _, candidate in ipairs(members) do
      if not checked[candidate] then
        checked[candidate] = true
        if redis.call('HEXISTS', pkey(candidate), src) == 0 then
          local other = redis.call('HGET', akey(candidate), 'sig')
          if other then
            local score = similarity(sig, other)
            if score >= bestScore then best, bestScore = candidate, score end
          end
        end
      end
    end
  end
  return best
end

local function storyMatch(stories)
  for _, hash in ipairs(stories) do
    local candidate = redis.call('GET', skey(hash))
    if candidate and redis.call('EXISTS', akey(candidate)) == 1 then return candidate end
  end
  return nil
end

local out = {}
for i = 10, #ARGV, 12 do
  local entryHash, story1, story2, id, altId, body = ARGV[i], ARGV[i + 1], ARGV[i + 2], ARGV[i + 3], ARGV[i + 4], ARGV[i + 5]
  local score, url, fp, len, sig, bands = ARGV[i + 6], ARGV[i + 7], ARGV[i + 8], tonumber(ARGV[i + 9]), ARGV[i + 10], split(ARGV[i + 11])
  local stories = {}
  if story1 ~= '' then stories[#stories + 1] = story1 end
  if story2 ~= '' then stories[#stories + 1] = story2 end
  local seenKey = root .. ':seen:' .. src .. ':' .. entryHash
  local seenValue = redis.call('GET', seenKey)
  local knownId, oldFp = nil, ''
  if seenValue then
    local sep = string.find(seenValue, '|', 1, true)
    knownId = sep and string.sub(seenValue, 1, sep - 1) or seenValue
    oldFp = sep and string.sub(seenValue, sep + 1) or ''
    if redis.call('EXISTS', akey(knownId)) == 0 then knownId = nil end
  end
  local decision, articleId, member = 'known', nil, ''
  if knownId then
    articleId = knownId
    redis.call('SET', seenKey, articleId .. '|' .. fp, 'EX', ttl)
    touch(articleId)
    if oldFp ~= fp and (redis.call('HGET', akey(articleId), 'canonical') == src or longer(articleId, len)) then
      replaceBody(articleId, body, len, sig)
      member = bump(articleId)
      decision = 'updated'
    end
  else
    local existing = storyMatch(stories)
    if existing and redis.call('HEXISTS', pkey(existing), src) == 1 then
      -- The same source under another entry key (e.g. comments sharing a page URL): a different
      -- entry, not a copy. It gets its own id and claims no story key.
      existing, id, stories = nil, altId, {}
    elseif not existing then
      existing = nearDuplicate(sig, bands)
    end
    if existing then
      articleId = existing
      redis.call('SET', seenKey, articleId .. '|' .. fp, 'EX', ttl)
      redis.call('HSET', pkey(articleId), src, cjson.encode({ url = url, seenAt = nowIso }))
      for _, hash in ipairs(stories) do redis.call('SET', skey(hash), articleId, 'NX', 'EX', ttl) end
      if longer(articleId, len) then replaceBody(articleId, body, len, sig) end
      touch(articleId)
      member = bump(articleId)
      decision = 'merged'
    else
      if redis.call('EXISTS', akey(id)) == 1 then id = altId end
      articleId = id
      redis.call('SET', seenKey, id .. '|' .. fp, 'EX', ttl)
      for _, hash in ipairs(stories) do redis.call('SET', skey(hash), id, 'EX', ttl) end
      redis.call('HSET', akey(id), 'body', body, 'sourceId', src, 'canonical', src, 'version', 1, 'score', score, 'len', len, 'sig', sig)
      redis.call('HSET', pkey(id), src, cjson.encode({ url = url, seenAt = nowIso }))
      touch(id)
      redis.call('ZADD', root .. ':articles', score, id)
      if sig ~= '' then
        for band, hash in ipairs(bands) do
          local key = lkey(band, hash)
          redis.call('ZADD', key, nowMs, id)
          redis.call('ZREMRANGEBYSCORE', key, '-inf', '(' .. (nowMs - windowMs))
          redis.call('PEXPIRE', key, windowMs)
        end
      end
      member = id .. '-v1'
      redis.call('SADD', root .. ':outbox', member)
      decision = 'created'
    end
  end
  out[#out + 1] = decision
  out[#out + 1] = articleId
  out[#out + 1] = member
end
return out
`;
