-- temporal-cdc cache invalidation with version fences.
-- KEYS: key1, fence1, key2, fence2, ... (fence_i = "{" .. key_i .. "}:fence")
-- ARGV[1]: the fence, an LSN as 16 lowercase hex digits (zero-padded, so equal lengths);
-- ARGV[i + 1]: the fence TTL of key i, in milliseconds.
-- For each key: UNLINK it, then raise its fence to ARGV[1] (never lower it) and make sure the fence lives at least
-- the given TTL. A fence that is not a 16-digit LSN (or not a string) is replaced.
-- Returns the number of keys that were cached.
local function lsn(text)
  if type(text) ~= 'string' or string.len(text) ~= 16 then
    return nil
  end
  local hi = tonumber(string.sub(text, 1, 8), 16)
  local lo = tonumber(string.sub(text, 9, 16), 16)
  if hi == nil or lo == nil then
    return nil
  end
  return { hi, lo }
end

local function at_least(a, b)
  return a[1] > b[1] or (a[1] == b[1] and a[2] >= b[2])
end

local fence = lsn(ARGV[1])
if fence == nil then
  return redis.error_reply('ERR fence is not a 16-digit hex LSN: ' .. tostring(ARGV[1]))
end
local cached = 0
for i = 1, #KEYS, 2 do
  if KEYS[i + 1] ~= '{' .. KEYS[i] .. '}:fence' then
    return redis.error_reply('ERR fence key must be {' .. KEYS[i] .. '}:fence (literal braces), not ' .. tostring(KEYS[i + 1]))
  end
end
for i = 1, #KEYS, 2 do
  cached = cached + redis.call('UNLINK', KEYS[i])
  local ttl = tonumber(ARGV[(i + 1) / 2 + 1])
  local current = redis.pcall('GET', KEYS[i + 1])
  local held = nil
  if type(current) == 'string' then
    held = lsn(current)
  end
  if held ~= nil and at_least(held, fence) then
    local left = redis.call('PTTL', KEYS[i + 1])
    if left >= 0 and left < ttl then
      redis.call('PEXPIRE', KEYS[i + 1], ttl)
    end
  else
    if type(current) == 'table' and current['err'] ~= nil then
      redis.call('UNLINK', KEYS[i + 1])
    end
    redis.call('SET', KEYS[i + 1], ARGV[1], 'PX', ttl)
  end
end
return cached
