-- wrk script: POST pre-signed, distinct thin events (one per line: "<signature>\t<body>").
-- Each thread takes every n-th line of the file named by WEBHOOK_FILE; it wraps around only
-- if the run outlasts the file (bench.py makes the file big enough).
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  local n = tonumber(os.getenv("WRK_THREADS") or "2")
  requests = {}
  local i = 0
  for line in io.lines(os.getenv("WEBHOOK_FILE")) do
    if i % n == id then
      local tab = string.find(line, "\t", 1, true)
      local signature = string.sub(line, 1, tab - 1)
      local body = string.sub(line, tab + 1)
      requests[#requests + 1] = wrk.format("POST", "/webhooks/stripe", {
        ["Content-Type"] = "application/json",
        ["Stripe-Signature"] = signature,
      }, body)
    end
    i = i + 1
  end
  index = 0
end

function request()
  index = index + 1
  if index > #requests then index = 1 end
  return requests[index]
end
