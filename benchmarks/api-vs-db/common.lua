-- Shared by the wrk scripts: tokens from TOKENS_FILE (one a line), and a one-line JSON summary.
tokens = {}
local f = io.open(os.getenv("TOKENS_FILE") or "/dev/null")
if f then for line in f:lines() do tokens[#tokens + 1] = line end f:close() end
function token() return tokens[math.random(#tokens)] end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_us":%d,"rps":%.1f,"p50_ms":%.2f,"p90_ms":%.2f,"p99_ms":%.2f,"errors":%d,"non2xx":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    e.connect + e.read + e.write + e.status + e.timeout, e.status, e.connect + e.read + e.write + e.timeout))
end
