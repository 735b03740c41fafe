-- Near-duplicates are looked for within the dedupe window only: LSH records and signatures
-- older than it are dropped, a slice at a time (a few bucket keys, a page of signatures).
-- KEYS: 1 sig, 2.. LSH bucket keys to rewrite.
-- ARGV: 1 oldest minute kept (epoch minutes), 2 signature scan cursor, 3 signatures per call.
-- Returns the next signature cursor ('0': a full pass ended).
local RECORD = 37
local oldest = tonumber(ARGV[1])
for i = 2, #KEYS do
  local data = redis.call('GET', KEYS[i])
  if data then
    local kept = {}
    for at = 1, #data, RECORD do
      if tonumber(string.sub(data, at + 5, at + 12), 16) >= oldest then kept[#kept + 1] = string.sub(data, at, at + RECORD - 1) end
    end
    -- Written only when a record left (issue 17: a steady publish rewrote 1,024 unchanged keys).
    if #kept == 0 then redis.call('DEL', KEYS[i]) elseif #kept * RECORD < #data then redis.call('SET', KEYS[i], table.concat(kept)) end
  end
end
local page = redis.call('HSCAN', KEYS[1], ARGV[2], 'COUNT', tonumber(ARGV[3]))
local fields = page[2]
for i = 1, #fields, 2 do
  if tonumber(string.sub(fields[i + 1], 1, 8), 16) < oldest then redis.call('HDEL', KEYS[1], fields[i]) end
end
return page[1]
