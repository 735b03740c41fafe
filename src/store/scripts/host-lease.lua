-- A process's hold on hosts it polls (see poll-begin-batch.lua: one owner per host at a time).
-- KEYS: 1 host owners hash (host -> "owner|until ms"). ARGV: 1 owner, 2 leaseMs, 3 mode, then
-- hosts. Modes: 'renew' extends the hosts this owner holds (or that are free again) and
-- returns the hosts another process holds now; 'acquire' takes the first host if it is free
-- or this owner's and returns 0, else the ms until its owner's lease ends (a redirect hop to
-- another host). Times come from Redis (TIME).
--- @include "now-ms"
--- @include "host-owner"

local now = redisNowMs()
local me, lease, mode = ARGV[1], tonumber(ARGV[2]), ARGV[3]
local hosts = { unpack(ARGV, 4) }
if #hosts == 0 then return {} end
local owners = redis.call('HMGET', KEYS[1], unpack(hosts))
local take, lost = {}, {}
for k, host in ipairs(hosts) do
  local owner, untilMs = parseOwner(owners[k])
  if mayTakeHost(owner, untilMs, me, now) then
    take[#take + 1] = host
    take[#take + 1] = me .. '|' .. (now + lease)
  elseif mode == 'acquire' then
    return math.max(20, untilMs - now)
  else
    lost[#lost + 1] = host
  end
end
if #take > 0 then redis.call('HSET', KEYS[1], unpack(take)) end
if mode == 'acquire' then return 0 end
return lost
