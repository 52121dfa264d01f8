-- wrk script: send GET requests for the paths listed one per line in the file named after `--`,
-- each thread starting at its own place in the list and rotating through it.
local paths = {}
local i = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  i = math.random(#paths) - 1
end

function request()
  i = i % #paths + 1
  return wrk.format("GET", paths[i])
end
