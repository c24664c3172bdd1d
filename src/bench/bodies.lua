-- wrk script: POSTs the request bodies listed in the file given after "--", in turn, and prints one
-- machine-readable RESULT line. Without a list it sends wrk's default GET (used for /q/health/live).
local requests = {}
local n = 0

function init(args)
  if args[1] == nil then
    return
  end
  for path in io.lines(args[1]) do
    local f = assert(io.open(path, "rb"))
    local body = f:read("*a")
    f:close()
    requests[#requests + 1] = wrk.format("POST", nil, { ["Content-Type"] = "application/json" }, body)
  end
end

function request()
  if #requests == 0 then
    return wrk.format()
  end
  n = n % #requests + 1
  return requests[n]
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT requests=%d duration_us=%d socket_errors=%d non2xx=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50), latency:percentile(99)))
end
