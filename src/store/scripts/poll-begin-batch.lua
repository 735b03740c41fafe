-- The start of a batch's polls, in one round trip (issue 17): each source's state and what
-- becomes of it (disabled, gone, its host under a Retry-After: hold), and the per-host gate.
-- A host is polled by one process at a time: its owner, with a lease that the owner renews
-- while it polls the host and gives back when done (host-lease.lua). Within the owner,
-- runtime/poll-slots.ts keeps perHostConcurrency and perHostInterval. So the gate costs one
-- hash read and one write per batch, not a slot taken and given back per request (61 Redis
-- commands per 304 poll before). A source whose host another process owns is put back on the
-- schedule ('busy') for a retry `retryMs` ahead, or the end of the owner's lease if sooner (an
-- owner gives a host back as soon as it is done with it, long before its lease ends): no
-- BullMQ delay, retry or extra job.
-- Times come from Redis (TIME), so machine clocks need not agree.
-- KEYS: 1 host owners hash (host -> "owner|until ms"), 2 host holds hash (host -> Retry-After
--       until, ms), 3 schedule zset, 4 claims zset, 5 claim-jobs hash, then each source's state.
-- ARGV: 1 owner (this process), 2 leaseMs, 3 retryMs for busy sources (0: leave them be),
--       then 4 per source: id, enabled (1/0), configured URL, configured host (lower case).
-- Returns one { status, state (flat field/value list), host, detail } per source; status is
-- 'disabled' | 'gone' | 'hold' (detail: until) | 'busy' (detail: until) | 'go'.
--- @include "now-ms"
--- @include "host-owner"

local now = redisNowMs()
local me, lease, retry = ARGV[1], tonumber(ARGV[2]), tonumber(ARGV[3])
local count = #KEYS - 5
local entries, hostList, listed = {}, {}, {}
for i = 1, count do
  local base = 3 + (i - 1) * 4
  local state = redis.call('HGETALL', KEYS[5 + i])
  local fields = {}
  for j = 1, #state, 2 do fields[state[j]] = state[j + 1] end
  local entry = { id = ARGV[base + 1], state = state, host = ARGV[base + 4] }
  if ARGV[base + 2] ~= '1' then
    entry.status = 'disabled'
  elseif fields.state == 'gone' then
    entry.status = 'gone'
  else
    -- After a permanent redirect the source is polled where it moved (same rule as pollUrl).
    if fields.configUrl == ARGV[base + 3] and (fields.effectiveHost or '') ~= '' then entry.host = fields.effectiveHost end
    if not listed[entry.host] then
      listed[entry.host] = true
      hostList[#hostList + 1] = entry.host
    end
  end
  entries[i] = entry
end
local gate = {}
if #hostList > 0 then
  local owners = redis.call('HMGET', KEYS[1], unpack(hostList))
  local holds = redis.call('HMGET', KEYS[2], unpack(hostList))
  local take, expired = {}, {}
  for k, host in ipairs(hostList) do
    local hold = tonumber(holds[k] or '0') or 0
    local owner, untilMs = parseOwner(owners[k])
    if hold > now then
      gate[host] = { 'hold', hold }
    else
      if holds[k] then expired[#expired + 1] = host end
      if mayTakeHost(owner, untilMs, me, now) then
        gate[host] = { 'go' }
        take[#take + 1] = host
        take[#take + 1] = me .. '|' .. (now + lease)
      else
        gate[host] = { 'busy', math.min(untilMs, now + math.max(retry, 1)) }
      end
    end
  end
  if #take > 0 then redis.call('HSET', KEYS[1], unpack(take)) end
  if #expired > 0 then redis.call('HDEL', KEYS[2], unpack(expired)) end
end
local reply, later, busy = {}, {}, {}
for i = 1, count do
  local entry = entries[i]
  local status, detail = entry.status, ''
  if not status then
    local decision = gate[entry.host]
    status = decision[1]
    if status ~= 'go' then detail = tostring(decision[2]) end
    if status == 'busy' and retry > 0 then
      later[#later + 1] = decision[2]
      later[#later + 1] = entry.id
      busy[#busy + 1] = entry.id
    end
  end
  reply[i] = { status, entry.state, entry.host, detail }
end
if #busy > 0 then
  -- XX: a source removed from the schedule meanwhile stays removed. The claim ends here.
  redis.call('ZADD', KEYS[3], 'XX', unpack(later))
  redis.call('ZREM', KEYS[4], unpack(busy))
  redis.call('HDEL', KEYS[5], unpack(busy))
end
return reply
