dofile(os.getenv("LUA_DIR") .. "/common.lua")
function request() return wrk.format("GET", "/api/bench-" .. math.random(10000) .. "/incident-timer") end
