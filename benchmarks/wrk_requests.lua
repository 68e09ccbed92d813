-- wrk script for run.py --http: cycles through pre-built requests read from a file.
--
-- Arguments (after "--"): the file, one request a line as "METHOD PATH TOKEN" ("-" for no
-- token), and the 0-based line to start at. done() prints the summary and the latency
-- quantiles (microseconds), which run.py merges across the interleaved segments.

local requests = {}
local index = 0

function init(args)
   local file = assert(io.open(args[1], "r"))
   for line in file:lines() do
      local method, path, token = line:match("^(%S+) (%S+) (%S+)$")
      if method then
         local headers = {}
         if token ~= "-" then
            headers["Authorization"] = "Bearer " .. token
         end
         local body = nil
         if method ~= "GET" then
            body = ""
         end
         requests[#requests + 1] = wrk.format(method, path, headers, body)
      end
   end
   file:close()
   index = tonumber(args[2] or "0") % #requests
end

function request()
   index = index % #requests + 1
   return requests[index]
end

function done(summary, latency, requests)
   local errors = summary.errors
   io.write(string.format(
      "WRK_SUMMARY %d %d %d %d %d %d %d %d\n",
      summary.duration, summary.requests, summary.bytes,
      errors.connect, errors.read, errors.write, errors.status, errors.timeout
   ))
   -- The latency distribution as 1,000 quantiles (0.1 % apart): wrk's raw-value accessor is
   -- quadratic, while each percentile is one pass over the histogram.
   for step = 1, 1000 do
      io.write(string.format("WRK_QUANTILE %d\n", latency:percentile(step / 10)))
   end
end
