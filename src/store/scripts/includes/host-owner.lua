-- A value of the host owners hash, "owner|until ms", as owner and lease end ('' and 0 when
-- absent; a host given back with spacing left is "|free at").
local function parseOwner(value)
  if not value then return '', 0 end
  local who, ends = string.match(value, '^(.*)|(%d+)$')
  return who or '', tonumber(ends or '0')
end

-- A host is this process's to poll when it holds the lease or the lease has ended.
local function mayTakeHost(owner, untilMs, me, now)
  return owner == me or untilMs <= now
end
