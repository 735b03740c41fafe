-- Accept the new and changed entries of one polled document, atomically: two workers never
-- both create one story, and every decision sees every earlier one. Per entry:
--   known   this source delivered the entry before; if its change fingerprint differs and this
--           source supplies the article's text (or its copy is now substantially longer), the
--           text is replaced and the version grows ('updated');
--   merged  another source delivered the same story: same canonical URL or URL-shaped guid, or
--           (within the window) a MinHash signature similar enough; provenance grows. The first
--           few merges make a version each; later ones are coalesced into one update;
--   created a new article.
-- Every version change queues '<id>-v<version>' in the outbox in the same step (the article's
-- body stays until the event is handed over), so a crash cannot lose an event. Then the
-- source's listing (entry key hash -> raw fingerprint) is replaced, and articles a source no
-- longer lists count down towards retention.
--
-- Cost: a redis.call costs a few microseconds whatever it does, so the script reads what it
-- needs in a few multi-key calls first (HMGET, MGET), decides in Lua with those in tables, and
-- writes each key family once at the end. A document of 20 new entries takes about 15 calls,
-- not 500.
--
-- KEYS: 1 articleMeta, 2 body, 3 seen:<source>, 4 listing:<source>, 5 stories, 6 sig, 7 articles,
--       8 unlisted, 9 outbox, 10 coalesce, 11 accept sequence, 12.. LSH bucket keys (entries
--       refer to them by index)
-- ARGV: 1 sourceId, 2 nowMs, 3 nowIso, 4 windowMs, 5 threshold (equal min-hashes of 32),
--       6 longerFactor, 7 longerMargin, 8 maxProvenance, 9 eventMerges, 10 listing count L,
--       then L pairs (entry key hash, raw fingerprint), then ENTRY_ARGS per entry, named by
--       ENTRY (src/store/layouts.ts, ACCEPT_ENTRY): ekh, story1|'', story2|'', id, altId, body,
--       score, url|'', changeFp, textLength, sig|'' (128 bytes), lshKeys (8 key indexes,
--       comma-separated)|'', lshSuffixes (8, comma-separated)|''
-- Returns 5 per entry: decision, article id, version with an event (0: none), first source,
-- and with an event: provenance JSON .. '\n' .. (for a merge) the stored body (else '').
--- @include "layouts"

local src, nowMs, nowIso, windowMs = ARGV[1], tonumber(ARGV[2]), ARGV[3], tonumber(ARGV[4])
local threshold, factor, margin = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
local maxProv, eventMerges = tonumber(ARGV[8]), tonumber(ARGV[9])
local L = tonumber(ARGV[10])
local FIRST = 11 + 2 * L -- the first entry's first argument
local RECORD = 37 -- LSH record: 5 hex suffix, 8 hex minute, 24 hex article id
local nowMinute = math.floor(nowMs / 60000)
local sequence = redis.call('INCR', KEYS[11])

-- Article meta: a JSON array whose slots META names (src/store/layouts.ts).
-- sig: article id -> 8 hex digits (minute created) .. 128-byte signature, within the window.

-- Writes, collected: each key family is written once at the end.
local writes = { body = {}, seen = {}, stories = {}, sig = {}, articles = {}, outbox = {}, coalesce = {}, buckets = {} }
local function queueWrite(family, ...)
  local list = writes[family]
  for _, value in ipairs({ ... }) do list[#list + 1] = value end
end

-- Several fields of one hash in one call; false where a field is absent.
local function hmget(key, fields)
  local out = {}
  for start = 1, #fields, 1000 do
    local values = redis.call('HMGET', key, unpack(fields, start, math.min(#fields, start + 999)))
    for offset, value in ipairs(values) do out[fields[start + offset - 1]] = value end
  end
  return out
end

-- The listing this document replaces, and the entries whose listing changes.
local listed = {}
for pair = 11, 10 + 2 * L, 2 do listed[ARGV[pair]] = ARGV[pair + 1] end
local previous = redis.call('HGETALL', KEYS[4])
local before = {}
for i = 1, #previous, 2 do before[previous[i]] = true end

-- Read 1: the seen entries (entries of this call and listing changes), and the story keys.
local ekhs, storyHashes = {}, {}
for i = FIRST, #ARGV, ENTRY_ARGS do
  ekhs[#ekhs + 1] = ARGV[i + ENTRY.ekh]
  if ARGV[i + ENTRY.story1] ~= '' then storyHashes[#storyHashes + 1] = ARGV[i + ENTRY.story1] end
  if ARGV[i + ENTRY.story2] ~= '' then storyHashes[#storyHashes + 1] = ARGV[i + ENTRY.story2] end
end
for ekh in pairs(listed) do if not before[ekh] then ekhs[#ekhs + 1] = ekh end end
for ekh in pairs(before) do if not listed[ekh] then ekhs[#ekhs + 1] = ekh end end
local seenRaw = hmget(KEYS[3], ekhs)
local storyOf = hmget(KEYS[5], storyHashes)

local seenCache = {}
local function seenId(ekh)
  local cached = seenCache[ekh]
  if cached then return cached[1], cached[2] end
  local value = seenRaw[ekh]
  if not value then return nil, '' end
  local sep = string.find(value, '|', 1, true)
  seenCache[ekh] = { string.sub(value, 1, sep - 1), string.sub(value, sep + 1) }
  return seenCache[ekh][1], seenCache[ekh][2]
end
local function setSeen(ekh, id, fp)
  seenCache[ekh] = { id, fp }
  queueWrite('seen', ekh, id .. '|' .. fp)
end

-- Read 2: the metas of every article this call may touch (known, by story, by id).
local metas, dirty = {}, {}
do
  local ids = {}
  for _, ekh in ipairs(ekhs) do
    local id = seenId(ekh)
    if id then ids[#ids + 1] = id end
  end
  for _, id in pairs(storyOf) do if id then ids[#ids + 1] = id end end
  for i = FIRST, #ARGV, ENTRY_ARGS do
    ids[#ids + 1] = ARGV[i + ENTRY.id]
    ids[#ids + 1] = ARGV[i + ENTRY.altId]
  end
  for id, json in pairs(hmget(KEYS[1], ids)) do metas[id] = json and cjson.decode(json) or false end
end
local function meta(id)
  local cached = metas[id]
  if cached == nil then
    -- Not read in advance: a near-duplicate candidate.
    local json = redis.call('HGET', KEYS[1], id)
    cached = json and cjson.decode(json) or false
    metas[id] = cached
  end
  return cached or nil
end
-- Changed metas are written once, at the end.
local function save(id, m)
  metas[id] = m
  dirty[id] = true
end

-- Read 3: every LSH bucket the entries name. Records added by this call are never candidates
-- (they are this source's own), so the snapshot is all the search needs.
local bucketKeys = {}
for i = 12, #KEYS do bucketKeys[#bucketKeys + 1] = KEYS[i] end
local buckets = {}
for start = 1, #bucketKeys, 1000 do
  local values = redis.call('MGET', unpack(bucketKeys, start, math.min(#bucketKeys, start + 999)))
  for offset, value in ipairs(values) do buckets[10 + start + offset] = value or '' end
end

local function split(text)
  local out = {}
  for part in string.gmatch(text, '[^,]+') do out[#out + 1] = part end
  return out
end

local function longer(m, len)
  return len >= m[META.textLength] * factor and len >= m[META.textLength] + margin
end

local function listsSource(m)
  for _, p in ipairs(m[META.provenance]) do if p[1] == src then return true end end
  return false
end

local function queueEvent(id, m)
  m[META.version] = m[META.version] + 1
  m[META.pending] = m[META.pending] + 1
  queueWrite('outbox', id .. '-v' .. m[META.version])
  return m[META.version]
end

-- Bodies replaced by this call, ahead of the write.
local newBodies = {}
local function setBody(id, body)
  newBodies[id] = body
  queueWrite('body', id, body)
end
local function storedBody(id)
  local body = newBodies[id]
  if body then return body end
  return redis.call('HGET', KEYS[2], id)
end

-- Equal min-hashes of two binary signatures (32 of 4 bytes).
local function equalHashes(a, b)
  local equal = 0
  for i = 0, 31 do
    if string.sub(a, i * 4 + 1, i * 4 + 4) == string.sub(b, i * 4 + 1, i * 4 + 4) then equal = equal + 1 end
  end
  return equal
end

-- The most similar article another source delivered within the window, or nil.
local function nearDuplicate(sig, keyIndexes, suffixes)
  if sig == '' then return nil end
  local best, bestScore, checked = nil, threshold, {}
  local oldest = math.floor((nowMs - windowMs) / 60000)
  for band, keyIndex in ipairs(keyIndexes) do
    local data = buckets[tonumber(keyIndex)] or ''
    local suffix, from, looked = suffixes[band], 1, 0
    while looked < 20 do
      local at = string.find(data, suffix, from, true)
      if not at then break end
      from = at + 1
      if (at - 1) % RECORD == 0 then
        looked = looked + 1
        local minute = tonumber(string.sub(data, at + 5, at + 12), 16)
        local candidate = string.sub(data, at + 13, at + 36)
        if minute >= oldest and not checked[candidate] then
          checked[candidate] = true
          local other = redis.call('HGET', KEYS[6], candidate)
          if other then
            local score = equalHashes(sig, string.sub(other, 9))
            local m = score >= bestScore and meta(candidate) or nil
            if m and not listsSource(m) then best, bestScore = candidate, score end
          end
        end
      end
    end
  end
  return best
end

local function storyMatch(stories)
  for _, hash in ipairs(stories) do
    local candidate = storyOf[hash]
    if candidate and meta(candidate) then return candidate end
  end
  return nil
end

local out, createdHere, appended = {}, {}, {}
local minute = string.format('%08x', nowMinute)
for i = FIRST, #ARGV, ENTRY_ARGS do
  local ekh, story1, story2 = ARGV[i + ENTRY.ekh], ARGV[i + ENTRY.story1], ARGV[i + ENTRY.story2]
  local id, altId, body = ARGV[i + ENTRY.id], ARGV[i + ENTRY.altId], ARGV[i + ENTRY.body]
  local score, url, fp = tonumber(ARGV[i + ENTRY.score]), ARGV[i + ENTRY.url], ARGV[i + ENTRY.changeFp]
  local len, sig = tonumber(ARGV[i + ENTRY.textLength]), ARGV[i + ENTRY.sig]
  local keyIndexes, suffixes = split(ARGV[i + ENTRY.lshKeys]), split(ARGV[i + ENTRY.lshSuffixes])
  local stories = {}
  if story1 ~= '' then stories[#stories + 1] = story1 end
  if story2 ~= '' then stories[#stories + 1] = story2 end
  local knownId, oldFp = seenId(ekh)
  local known = knownId and meta(knownId) or nil
  local decision, articleId, version, first, extra = 'known', knownId, 0, '', ''
  if known then
    first = known[META.firstSource]
    if oldFp ~= fp and (known[META.canonical] == src or longer(known, len)) then
      setBody(knownId, body)
      known[META.canonical], known[META.textLength], known[META.changeFp] = src, len, fp
      version = queueEvent(knownId, known)
      decision = 'updated'
      extra = cjson.encode(known[META.provenance]) .. '\n'
      save(knownId, known)
    end
    if oldFp ~= fp then setSeen(ekh, knownId, fp) end
  else
    local existing = storyMatch(stories)
    if existing and listsSource(meta(existing)) then
      -- The same source under another entry key (e.g. comments sharing a page URL): a different
      -- entry, not a copy. It gets its own id and claims no story key.
      existing, id, stories = nil, altId, {}
    elseif not existing then
      existing = nearDuplicate(sig, keyIndexes, suffixes)
    end
    if existing then
      local m = meta(existing)
      articleId, first, decision = existing, m[META.firstSource], 'merged'
      m[META.sourceCount] = m[META.sourceCount] + 1
      local provenance = m[META.provenance]
      if #provenance < maxProv then provenance[#provenance + 1] = { src, url, nowIso, ekh } end
      for _, hash in ipairs(stories) do
        if not storyOf[hash] then
          storyOf[hash] = existing
          queueWrite('stories', hash, existing)
        end
      end
      local stored = storedBody(existing)
      if longer(m, len) then
        setBody(existing, body)
        m[META.canonical], m[META.textLength], m[META.changeFp], stored = src, len, fp, body
      end
      if stored and m[META.sourceCount] <= 1 + eventMerges then
        version = queueEvent(existing, m)
        extra = cjson.encode(m[META.provenance]) .. '\n' .. stored
      else
        -- Past the first few merges, or with no body to send (the article left the working
        -- set): one coalesced update later, if there is a body then.
        m[META.coalescePending] = 1
        queueWrite('coalesce', existing)
      end
      save(existing, m)
      setSeen(ekh, existing, fp)
    else
      if meta(id) then id = altId end
      articleId, first, decision, version = id, src, 'created', 1
      createdHere[id] = true
      local m = {}
      m[META.version], m[META.firstSource], m[META.canonical], m[META.score] = 1, src, src, score
      m[META.textLength], m[META.changeFp], m[META.stories] = len, fp, table.concat(stories, ',')
      m[META.listedBy], m[META.pending], m[META.sourceCount] = 0, 1, 1
      m[META.provenance], m[META.createdSequence], m[META.coalescePending] = { { src, url, nowIso, ekh } }, sequence, 0
      save(id, m)
      extra = cjson.encode(m[META.provenance]) .. '\n'
      setBody(id, body)
      setSeen(ekh, id, fp)
      for _, hash in ipairs(stories) do
        storyOf[hash] = id
        queueWrite('stories', hash, id)
      end
      queueWrite('articles', score, id)
      if sig ~= '' then
        queueWrite('sig', id, minute .. sig)
        for band, keyIndex in ipairs(keyIndexes) do
          local index = tonumber(keyIndex)
          appended[index] = (appended[index] or '') .. suffixes[band] .. minute .. id
        end
      end
      queueWrite('outbox', id .. '-v1')
    end
  end
  out[#out + 1] = decision
  out[#out + 1] = articleId or ''
  out[#out + 1] = version
  out[#out + 1] = first
  out[#out + 1] = extra
end

-- The new listing; articles it no longer holds count down, new ones count up.
local function count(ekh, delta)
  local id = seenId(ekh)
  local m = id and meta(id) or nil
  if not m then return end
  local was = m[META.listedBy]
  m[META.listedBy] = math.max(0, was + delta)
  if m[META.listedBy] == 0 and was > 0 then redis.call('ZADD', KEYS[8], nowMs, id) end
  if m[META.listedBy] > 0 and was == 0 and not createdHere[id] then redis.call('ZREM', KEYS[8], id) end
  save(id, m)
end
for ekh in pairs(listed) do if not before[ekh] then count(ekh, 1) end end
for ekh in pairs(before) do if not listed[ekh] then count(ekh, -1) end end

-- The writes, a family at a time (in chunks: unpack has a limit).
local function flush(command, key, list, step)
  for start = 1, #list, step do
    redis.call(command, key, unpack(list, start, math.min(#list, start + step - 1)))
  end
end
redis.call('DEL', KEYS[4])
local listing = {}
for ekh, raw in pairs(listed) do
  listing[#listing + 1] = ekh
  listing[#listing + 1] = raw
end
flush('HSET', KEYS[4], listing, 1000)
flush('HSET', KEYS[2], writes.body, 200)
flush('HSET', KEYS[3], writes.seen, 1000)
flush('HSET', KEYS[5], writes.stories, 1000)
flush('HSET', KEYS[6], writes.sig, 1000)
flush('ZADD', KEYS[7], writes.articles, 1000)
flush('SADD', KEYS[9], writes.outbox, 1000)
flush('SADD', KEYS[10], writes.coalesce, 1000)
local bucketWrites = {}
for index, records in pairs(appended) do
  bucketWrites[#bucketWrites + 1] = KEYS[index]
  bucketWrites[#bucketWrites + 1] = buckets[index] .. records
end
for start = 1, #bucketWrites, 1000 do
  redis.call('MSET', unpack(bucketWrites, start, math.min(#bucketWrites, start + 999)))
end
local metaWrites = {}
for id in pairs(dirty) do
  metaWrites[#metaWrites + 1] = id
  metaWrites[#metaWrites + 1] = cjson.encode(metas[id])
end
flush('HSET', KEYS[1], metaWrites, 200)
return out
