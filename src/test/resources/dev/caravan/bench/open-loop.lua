-- Open-loop (fixed-rate) load for wrk 4.1, which has no rate option (wrk2, which has, is not packaged by Debian).
-- Used by dev.caravan.bench.OpenLoopWrk, which puts the request's method, body and headers above this part.
--
-- Arguments (after wrk's "--"): total requests, rate (requests per second, all threads together), number of wrk
-- threads, output file prefix. Thread i sends requests i, i + threads, i + 2 * threads ... of one schedule in which
-- request k is due at start + k / rate, then stops sending.
--
-- Open loop: wrk asks delay() whenever a connection is free to send, and that is when the connection gets the next
-- due time of the schedule. A due time already past (every connection was busy and the schedule fell behind) means
-- "send now", and the latency counts from the due time, the wait for a connection included: a stall shows in the
-- latencies of every request it delayed (no coordinated omission). A due time still ahead means the connection waits
-- on one of wrk's timers, which count whole milliseconds: such a request is timed from its send if the timer fired
-- within a millisecond of the due time (early or late: the generator's resolution, not the server's doing, as the
-- connection was free), and from one millisecond after its due time if the timer fired later than that — a generator
-- kept off the CPU (by the server under test, on the same cores) must not hide the requests it sent late.
--
-- Each answer is matched to its request by the X-Correlation-Id the request carried, which Caravan's gateway returns
-- on every answer: "ol-<thread>-<n>-<start us>-<lag us>", lag being how long after its due time the request was sent.
-- One line per answer goes to <prefix>.<thread>: "<status> <start us> <latency us> <lag us>" (monotonic clock), or
-- "<status> - - -" for an answer without that header.

local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } caravan_timespec;
int clock_gettime(int clock, caravan_timespec *tp);
]]
local CLOCK_MONOTONIC = 1
local TIMER_RESOLUTION_US = 1000
local timespec = ffi.new("caravan_timespec")

local function now_us()
  ffi.C.clock_gettime(CLOCK_MONOTONIC, timespec)
  return tonumber(timespec.tv_sec) * 1000000 + math.floor(tonumber(timespec.tv_nsec) / 1000)
end

local thread_count = 0
function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
end

local mine, next_k, step_us, first_us, pending, out, sent

function init(args)
  local total = tonumber(args[1])
  local rate = tonumber(args[2])
  local threads = tonumber(args[3])
  -- This thread's share: requests id, id + threads, ... below total.
  mine = math.floor(total / threads) + ((id < total % threads) and 1 or 0)
  next_k = 0
  step_us = 1000000 * threads / rate
  first_us = now_us() + 20000 + id * 1000000 / rate -- 20 ms for the connections to open
  pending = {}
  sent = 0
  out = io.open(args[4] .. "." .. id, "w")
  out:setvbuf("line")
end

function delay()
  if next_k >= mine then
    return 86400000 -- schedule done: this connection sends nothing more before wrk ends
  end
  local due = first_us + next_k * step_us
  next_k = next_k + 1
  local now = now_us()
  pending[#pending + 1] = { due = due, overdue = due <= now }
  if due <= now then
    return 0
  end
  return math.floor((due - now) / 1000)
end

function request()
  if pending == nil then
    return wrk.format() -- wrk's own check of the script, in its main state (no init): nothing is sent
  end
  -- Timers fire in due order, so the connection sending now is the one whose due time is the earliest pending.
  local slot = table.remove(pending, 1)
  local now = now_us()
  if slot == nil then
    slot = { due = now, overdue = true } -- never expected: a send wrk did not ask delay() for
  end
  local start = math.min(now, slot.due + TIMER_RESOLUTION_US)
  if slot.overdue then
    start = slot.due
  end
  sent = sent + 1
  wrk.headers["X-Correlation-Id"] = "ol-" .. id .. "-" .. sent .. "-" .. start .. "-" .. math.max(0, now - slot.due)
  return wrk.format()
end

function response(status, headers, body)
  local now = now_us()
  local id_header = headers["X-Correlation-Id"]
  if id_header == nil then
    for name, value in pairs(headers) do -- header names are case-insensitive
      if string.lower(name) == "x-correlation-id" then
        id_header = value
      end
    end
  end
  local start, lag
  if id_header then
    start, lag = string.match(id_header, "^ol%-%d+%-%d+%-(%d+)%-(%d+)$")
  end
  if start then
    out:write(status, " ", start, " ", now - tonumber(start), " ", lag, "\n")
  else
    out:write(status, " - - -\n")
  end
end
