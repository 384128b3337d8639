-- temporal-cdc cache-aside fill, honouring the invalidator's version fence.
-- KEYS[1]: the key; KEYS[2]: its fence, "{" .. KEYS[1] .. "}:fence" with literal braces (any other name is an error:
-- a fence nobody writes would accept every fill).
-- ARGV[1]: the value; ARGV[2]: its version, the LSN the reading server had applied before the read, as 16 lowercase
-- hex digits; ARGV[3]: the key's TTL in milliseconds.
-- Several regions (optional): KEYS[3] the winner fence, "{" .. KEYS[1] .. "}:winner"; ARGV[4] the run id the value
-- was read from, ARGV[5] that run's conflict version as read (last_write_version, db_record_version, region: see
-- winner.lua). The value is refused when a region wrote a higher last_write_version/db_record_version of that run
-- (compared as numbers, without the region: a copy of the winning state in another region fills): a loser's state.
-- Stores the value only if its version is at least the fence (no fence: stored). A fence that is not a 16-digit LSN
-- refuses every fill (safe: the next invalidation replaces it). Returns 1 when stored, 0 when refused.
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

if KEYS[2] ~= '{' .. KEYS[1] .. '}:fence' then
  return redis.error_reply('ERR fence key must be {' .. KEYS[1] .. '}:fence (literal braces), not ' .. tostring(KEYS[2]))
end
local version = lsn(ARGV[2])
if version == nil then
  return redis.error_reply('ERR version is not a 16-digit hex LSN: ' .. tostring(ARGV[2]))
end
if KEYS[3] ~= nil then
  if KEYS[3] ~= '{' .. KEYS[1] .. '}:winner' then
    return redis.error_reply('ERR winner fence key must be {' .. KEYS[1] .. '}:winner (literal braces), not ' .. tostring(KEYS[3]))
  end
  local read = ARGV[5]
  if type(read) ~= 'string' or string.len(read) < 32 or string.find(string.sub(read, 1, 32), '^[0-9a-f]+$') == nil then
    return redis.error_reply('ERR not a conflict version: ' .. tostring(read))
  end
  local held = redis.pcall('HGET', KEYS[3], ARGV[4])
  if type(held) == 'string' and string.len(held) < 32 then
    return 0 -- not a version the invalidator wrote: refuse, the next raise replaces it
  elseif type(held) == 'string' then
    -- the numbers only (the first 32 digits, fixed width: text order is number order): a region that holds the same
    -- state as the winner (a copy) fills; the region name breaks ties between states, not between copies
    local mine, theirs = string.sub(read, 1, 32), string.sub(held, 1, 32)
    for i = 1, 32 do
      local x, y = string.byte(mine, i), string.byte(theirs, i)
      if x ~= y then
        if x < y then
          return 0
        end
        break
      end
    end
  elseif type(held) == 'table' and held['err'] ~= nil then
    return 0
  end
end
local current = redis.pcall('GET', KEYS[2])
if current then
  local fence = lsn(current)
  if fence == nil then
    return 0
  end
  if version[1] < fence[1] or (version[1] == fence[1] and version[2] < fence[2]) then
    return 0
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'PX', tonumber(ARGV[3]))
return 1
