-- Extend a lease this holder still has (another may have taken it after it expired).
-- KEYS: 1 lease key. ARGV: 1 holder token, 2 lease ms. Returns 1 when extended.
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
