-- wrk script: POST our own test article to /v1/extract.
--   wrk -t2 -c32 -d30s --latency -s scripts/extract-load.lua http://127.0.0.1:8080/v1/extract
local f = io.open("tests/e2e/article.txt", "rb")
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "text/plain; charset=utf-8"

local errors = 0
response = function(status, headers, body)
  if status ~= 200 then errors = errors + 1 end
end

done = function(summary, latency, requests)
  io.write(string.format("non-200 responses: %d\n", summary.errors.status))
end
