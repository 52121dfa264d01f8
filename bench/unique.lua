-- wrk script: send each path listed in the file named after `--` once. Thread k of n (n given after the file)
-- sends paths k, k+n, k+2n, ...; it wraps around only if the run outlasts the list (the report compares the
-- request count with the number of distinct paths).
local paths = {}
local i = 0
local step = 1
local counter = 0

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  step = tonumber(args[2]) or 1
  i = id or 0
end

function request()
  local path = paths[i % #paths + 1]
  i = i + step
  return wrk.format("GET", path)
end
