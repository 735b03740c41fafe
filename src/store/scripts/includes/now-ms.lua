-- Redis's clock in ms (TIME gives seconds and microseconds), so machine clocks need not agree.
local function redisNowMs()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
