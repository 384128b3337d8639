-- temporal-cdc winner fences, kept when several regions write the same workflow (cache-invalidator's regions).
-- KEYS[1]: the winner fence of a key, "{" .. key .. "}:winner" with literal braces: a hash, run id -> the highest
-- conflict version of that run seen in any region.
-- ARGV[1]: the fence's TTL in milliseconds; then pairs: ARGV[2i] a run id, ARGV[2i + 1] its conflict version
-- (32 lowercase hex digits: last_write_version then db_record_version, sign bit flipped; then the region name).
-- Raises each run's version, never lowers it (compared byte by byte: the digits have a fixed width, so this is the
-- numbers' order, then the region names'); keeps the fence at least the TTL. Returns the number of runs raised.
local function valid(version)
  return type(version) == 'string' and string.len(version) >= 32 and string.find(string.sub(version, 1, 32), '^[0-9a-f]+$') ~= nil
end

local function less(a, b)
  local n = math.min(string.len(a), string.len(b))
  for i = 1, n do
    local x, y = string.byte(a, i), string.byte(b, i)
    if x ~= y then
      return x < y
    end
  end
  return string.len(a) < string.len(b)
end

local key = KEYS[1]
if type(key) ~= 'string' or string.sub(key, 1, 1) ~= '{' or string.sub(key, -8) ~= '}:winner' then
  return redis.error_reply('ERR winner fence key must be {<key>}:winner (literal braces), not ' .. tostring(key))
end
local ttl = tonumber(ARGV[1])
if ttl == nil or ttl <= 0 then
  return redis.error_reply('ERR winner fence TTL is not a positive number: ' .. tostring(ARGV[1]))
end
for i = 2, #ARGV, 2 do
  if not valid(ARGV[i + 1]) then
    return redis.error_reply('ERR not a conflict version: ' .. tostring(ARGV[i + 1]))
  end
end
if redis.call('TYPE', key)['ok'] ~= 'hash' and redis.call('EXISTS', key) == 1 then
  redis.call('UNLINK', key)
end
local raised = 0
for i = 2, #ARGV, 2 do
  local held = redis.call('HGET', key, ARGV[i])
  if not held or not valid(held) or less(held, ARGV[i + 1]) then
    redis.call('HSET', key, ARGV[i], ARGV[i + 1])
    raised = raised + 1
  end
end
local left = redis.call('PTTL', key)
if left < ttl then
  redis.call('PEXPIRE', key, ttl)
end
return raised
