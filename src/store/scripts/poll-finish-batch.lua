-- The end of several polls (those that ended within a few milliseconds of each other, see
-- store/poll-store.ts FinishQueue), in one round trip: each source's changed state fields (its
-- outcome history among them, a field of the state hash) and next poll time; their claims end;
-- hosts this process is done with are given back. Before issue 17 each poll had a script call
-- of its own (9 commands inside); here a poll costs its HSET, the rest one command per call.
-- KEYS: 1 schedule zset, 2 redefined sources (id -> definitions version), 3 claims zset,
--       4 claim-jobs hash, 5 host owners hash, then each poll's state.
-- ARGV: 1 owner (this process), 2 number of polls, then per poll: id, next poll (epoch ms;
--       '+inf' parks a gone source; '' leaves the schedule as it is), the definitions version
--       the poll used, the number of state values that follow, then those field/value pairs;
--       then the hosts to give back,
--       each with the ms its spacing (perHostInterval) still runs: the next owner waits them
--       (the host's value becomes "|free from", see poll-begin-batch.lua).
--- @include "now-ms"

local me, count = ARGV[1], tonumber(ARGV[2])
local polls, ids, at = {}, {}, 3
for i = 1, count do
  local poll = { id = ARGV[at], next = ARGV[at + 1], version = tonumber(ARGV[at + 2]) }
  local values = tonumber(ARGV[at + 3])
  if values > 0 then redis.call('HSET', KEYS[5 + i], unpack(ARGV, at + 4, at + 3 + values)) end
  at = at + 4 + values
  polls[i] = poll
  ids[i] = poll.id
end
if count > 0 then
  -- Redefined while its poll ran (a reload changed its URL, headers…): due again now, with
  -- the new definition; the wait this poll earned belongs to the old one.
  local redefined = redis.call('HMGET', KEYS[2], unpack(ids))
  local nowMs = nil
  local schedule = {}
  for i, poll in ipairs(polls) do
    if poll.next ~= '' then
      local next = poll.next
      if tonumber(redefined[i] or '0') > poll.version then
        nowMs = nowMs or redisNowMs()
        next = tostring(nowMs)
      end
      schedule[#schedule + 1] = next
      schedule[#schedule + 1] = poll.id
    end
  end
  -- XX: a source removed from the schedule meanwhile (config changed) stays removed.
  if #schedule > 0 then redis.call('ZADD', KEYS[1], 'XX', unpack(schedule)) end
  redis.call('ZREM', KEYS[3], unpack(ids))
  redis.call('HDEL', KEYS[4], unpack(ids))
end
if at <= #ARGV then
  local hosts, spacing = {}, {}
  for k = at, #ARGV, 2 do
    hosts[#hosts + 1] = ARGV[k]
    spacing[#spacing + 1] = tonumber(ARGV[k + 1])
  end
  local owners = redis.call('HMGET', KEYS[5], unpack(hosts))
  local gone, spaced = {}, {}
  local nowMs = redisNowMs()
  for k, host in ipairs(hosts) do
    if owners[k] and string.sub(owners[k], 1, #me + 1) == me .. '|' then
      if spacing[k] > 0 then
        spaced[#spaced + 1] = host
        spaced[#spaced + 1] = '|' .. (nowMs + spacing[k])
      else
        gone[#gone + 1] = host
      end
    end
  end
  if #gone > 0 then redis.call('HDEL', KEYS[5], unpack(gone)) end
  if #spaced > 0 then redis.call('HSET', KEYS[5], unpack(spaced)) end
end
return count
