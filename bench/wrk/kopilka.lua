-- wrk script for Kopilka's POS endpoints. Every request body is unique (receiptId / refundId carry
-- the run id, the thread and a counter), so each confirm is a new sale, never a replay.
--
-- Environment (set by bench/run.ts):
--   BENCH_MODE     confirm | calculate | mix | spend
--   BENCH_KEY      API key
--   BENCH_RUN      run id (unique per wrk invocation)
--   BENCH_MEMBERS  members in the data set (mbr_b1 .. mbr_b<N>)
--   BENCH_RICH     members 1..RICH have points to spend
--   BENCH_REFUND_FROM / BENCH_REFUND_TO   refund slots this run may use (each historic receipt once)
--   BENCH_REFUND_TOTAL / BENCH_REFUND_STRIDE   receipts in the data set and a prime stride
--   BENCH_RATE     optional: target requests/s for the whole run (paces each connection)
--   BENCH_THREADS, BENCH_CONNECTIONS     to split the rate and the refund range
-- Prints one line "WRKJSON {...}" with throughput, latency percentiles (ms) and status counts.

local mode = os.getenv("BENCH_MODE") or "confirm"
local key = os.getenv("BENCH_KEY") or ""
local run_id = os.getenv("BENCH_RUN") or tostring(os.time())
local members = tonumber(os.getenv("BENCH_MEMBERS") or "10000")
local rich = tonumber(os.getenv("BENCH_RICH") or "100")
local refund_from = tonumber(os.getenv("BENCH_REFUND_FROM") or "1")
local refund_to = tonumber(os.getenv("BENCH_REFUND_TO") or "0")
-- Refund slot k goes to receipt hist-(1 + k*stride mod total): a bijection that spreads refunds over
-- all members instead of the few most active ones, whose receipts come first.
local refund_total = tonumber(os.getenv("BENCH_REFUND_TOTAL") or "0")
local refund_stride = tonumber(os.getenv("BENCH_REFUND_STRIDE") or "1")
local rate = tonumber(os.getenv("BENCH_RATE") or "0")
local nthreads = tonumber(os.getenv("BENCH_THREADS") or "1")
local nconns = tonumber(os.getenv("BENCH_CONNECTIONS") or "1")

local categories = { "coffee", "tea", "bakery", "dairy", "produce", "meat", "frozen", "snacks", "drinks", "household", "personal-care", "alcohol" }

local threads = {}
local thread_no = 0

function setup(thread)
  thread_no = thread_no + 1
  thread:set("tid", thread_no)
  table.insert(threads, thread)
end

local tid, counter, next_refund
counts = {} -- globals: done() reads them from each thread
kinds = {}
local headers = { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. key }

function init(args)
  tid = tonumber(wrk.thread:get("tid")) or 1
  math.randomseed(os.time() * 1000 + tid * 7919)
  counter = 0
  counts = {}
  kinds = { confirm = 0, spend = 0, refund = 0, calculate = 0 }
  -- Threads refund disjoint slices of the historic receipts: thread t takes from + t-1, + T, ...
  next_refund = refund_from + tid - 1
end

local function lines_json()
  local n = math.random(1, 3)
  local parts = {}
  for i = 1, n do
    local sku = math.floor(600 ^ math.random()) -- Zipf-like: small numbers are popular
    if sku < 1 then sku = 1 end
    local cat = categories[((sku * 7) % 12) + 1]
    local amount = math.random(39, 2500) * 100 + 90
    local qty = 1
    if math.random() < 0.2 then qty = math.random(2, 4) end
    parts[i] = string.format('{"lineId":"%d","sku":"SKU-%04d","category":"%s","quantity":%d,"amountMinor":%d}', i, sku, cat, qty, amount * qty)
  end
  return "[" .. table.concat(parts, ",") .. "]"
end

local function receipt_body(member_no, spend)
  counter = counter + 1
  local store = math.random(1, 60)
  return string.format(
    '{"receiptId":"b-%s-%d-%d","storeId":"store-%03d","terminalId":"till-%d","channel":"pos","member":{"memberId":"mbr_b%d"},"lines":%s,"pointsToSpend":%d}',
    run_id, tid, counter, store, math.random(1, 4), member_no, lines_json(), spend)
end

local function confirm()
  kinds.confirm = kinds.confirm + 1
  return wrk.format("POST", "/v1/receipts/confirm", headers, receipt_body(math.random(1, members), 0))
end

local function spend()
  kinds.spend = kinds.spend + 1
  return wrk.format("POST", "/v1/receipts/confirm", headers, receipt_body(math.random(1, rich), math.random(1, 5)))
end

local function calculate()
  kinds.calculate = kinds.calculate + 1
  return wrk.format("POST", "/v1/receipts/calculate", headers, receipt_body(math.random(1, members), 0))
end

local function refund()
  if next_refund > refund_to then return confirm() end
  local n = next_refund
  if refund_total > 0 then n = 1 + ((next_refund * refund_stride) % refund_total) end
  next_refund = next_refund + nthreads
  counter = counter + 1
  kinds.refund = kinds.refund + 1
  local body
  if n % 2 == 0 then
    body = string.format('{"refundId":"rf-%s-%d-%d"}', run_id, tid, counter)
  else
    body = string.format('{"refundId":"rf-%s-%d-%d","lines":[{"lineId":"1","quantity":1}]}', run_id, tid, counter)
  end
  return wrk.format("POST", "/v1/receipts/hist-" .. n .. "/refund", headers, body)
end

function request()
  if mode == "calculate" then return calculate() end
  if mode == "spend" then return spend() end
  if mode == "mix" then
    local x = math.random()
    if x < 0.70 then return confirm() end
    if x < 0.85 then return spend() end
    return refund()
  end
  return confirm()
end

if rate > 0 then
  -- Each connection sends at rate / connections per second, with jitter, whatever the answers.
  -- The first request of each connection starts at a random phase in [0, interval), so the offered
  -- rate is even from the first second instead of a burst or a silent start.
  local per_conn_ms = 1000 * nconns / rate
  local conns_here = math.ceil(nconns / nthreads)
  local started = 0
  function delay()
    if started < conns_here then
      started = started + 1
      return per_conn_ms * math.random()
    end
    return per_conn_ms * (0.5 + math.random())
  end
end

function response(status, hdrs, body)
  local k = tostring(status)
  counts[k] = (counts[k] or 0) + 1
end

function done(summary, latency, requests)
  local status = {}
  local mix = { confirm = 0, spend = 0, refund = 0, calculate = 0 }
  for _, t in ipairs(threads) do
    local c = t:get("counts") or {}
    for k, v in pairs(c) do status[k] = (status[k] or 0) + v end
    local m = t:get("kinds") or {}
    for k, v in pairs(m) do mix[k] = (mix[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(status) do table.insert(parts, string.format('"%s":%d', k, v)) end
  local mparts = {}
  for k, v in pairs(mix) do table.insert(mparts, string.format('"%s":%d', k, v)) end
  local e = summary.errors
  io.write(string.format(
    'WRKJSON {"requests":%d,"durationUs":%d,"bytes":%d,"latencyUs":{"min":%d,"mean":%.1f,"stdev":%.1f,"max":%d,"p50":%d,"p90":%d,"p95":%d,"p99":%d,"p999":%d},"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},"status":{%s},"issued":{%s}}\n',
    summary.requests, summary.duration, summary.bytes,
    latency.min, latency.mean, latency.stdev, latency.max,
    latency:percentile(50), latency:percentile(90), latency:percentile(95), latency:percentile(99), latency:percentile(99.9),
    e.connect, e.read, e.write, e.status, e.timeout, table.concat(parts, ","), table.concat(mparts, ",")))
end
