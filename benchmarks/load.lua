-- wrk script of benchmarks/load.py: GET the paths of the file $WRK_PATHS in turn (each thread
-- from its own offset); with $WRK_RATE > 0, paces the $WRK_THREADS threads together to that many
-- requests per second (each thread sends its share on a fixed schedule, whichever connection is
-- free); prints one JSON line when done.
local ffi = require("ffi")
ffi.cdef [[
typedef struct { long tv_sec; long tv_nsec; } load_timespec;
int clock_gettime(int clk_id, load_timespec *tp);
]]
local ts = ffi.new("load_timespec")
local function now_ms()
  ffi.C.clock_gettime(1, ts) -- CLOCK_MONOTONIC
  return tonumber(ts.tv_sec) * 1000 + tonumber(ts.tv_nsec) / 1e6
end

local paths = {}
for line in io.lines(os.getenv("WRK_PATHS")) do
  if #line > 0 then paths[#paths + 1] = line end
end
local rate = tonumber(os.getenv("WRK_RATE") or "0") or 0
local nthreads = tonumber(os.getenv("WRK_THREADS") or "1") or 1

local threads = {}
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

local sent = 0
local non2xx = 0
local interval_ms = nil
local next_slot = nil
function init(args)
  sent = math.floor(#paths * id / nthreads)
  if rate > 0 then
    interval_ms = 1000.0 * nthreads / rate
  end
end

function delay()
  if interval_ms == nil then return 0 end
  local now = now_ms()
  if next_slot == nil then next_slot = now + interval_ms * id / nthreads end
  local slot = next_slot
  next_slot = next_slot + interval_ms
  if slot <= now then return 0 end
  return slot - now
end

function request()
  sent = sent + 1
  return wrk.format("GET", paths[sent % #paths + 1])
end

function response(status, headers, body)
  if status < 200 or status >= 300 then non2xx = non2xx + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + (thread:get("non2xx") or 0) end
  local e = summary.errors
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "non2xx": %d, "connect": %d, ' ..
    '"read": %d, "write": %d, "status": %d, "timeout": %d, "p50_us": %d, "p95_us": %d, ' ..
    '"p99_us": %d, "max_us": %d, "mean_us": %.1f}\n',
    summary.requests, summary.duration, summary.bytes, bad, e.connect, e.read, e.write,
    e.status, e.timeout, latency:percentile(50), latency:percentile(95),
    latency:percentile(99), latency.max, latency.mean))
end
