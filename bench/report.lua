-- wrk reporter: after a run, print one JSON line with the numbers bench/run.sh needs.
--
-- BENCH_META (environment, optional) is a fragment of JSON members, e.g.
--   "backend":"sqlite","endpoint":"healthz","run":1
-- that is put in front of the measured fields, so each line says what it measured.
--
-- No request()/response() hooks on purpose: defining response() makes wrk copy every
-- body into Lua, which costs CPU the server shares on a small machine. So "non_2xx" is
-- wrk's own status counter, which counts responses with status >= 400; run.sh checks
-- beforehand that every endpoint answers exactly 200, which catches redirects.

local function ms(us)
  return string.format("%.3f", us / 1000)
end

function done(summary, latency, requests)
  local e = summary.errors
  local seconds = summary.duration / 1e6
  local meta = os.getenv("BENCH_META")
  local prefix = "{"
  if meta and meta ~= "" then
    prefix = "{" .. meta .. ","
  end
  io.write(prefix,
    string.format('"requests":%d,"duration_s":%.3f,"rps":%.1f,', summary.requests, seconds,
      summary.requests / seconds),
    '"p50_ms":', ms(latency:percentile(50)), ',',
    '"p90_ms":', ms(latency:percentile(90)), ',',
    '"p99_ms":', ms(latency:percentile(99)), ',',
    '"max_ms":', ms(latency.max), ',',
    '"mean_ms":', ms(latency.mean), ',',
    string.format('"bytes":%d,"non_2xx":%d,', summary.bytes, e.status),
    string.format('"socket_errors":%d,"errors":{"connect":%d,"read":%d,"write":%d,"timeout":%d}',
      e.connect + e.read + e.write + e.timeout, e.connect, e.read, e.write, e.timeout),
    "}\n")
end
