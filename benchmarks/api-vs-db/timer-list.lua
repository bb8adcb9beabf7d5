dofile(os.getenv("LUA_DIR") .. "/common.lua")
function request() return wrk.format("GET", "/api/incident-timers", { Authorization = "Bearer " .. token() }) end
