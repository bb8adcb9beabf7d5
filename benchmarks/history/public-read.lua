-- GET /api/{slug}/incident-timer for one caller (SLUG), whose history size is what is being varied.
dofile(os.getenv("LUA_DIR") .. "/../api-vs-db/common.lua")
local path = "/api/" .. os.getenv("SLUG") .. "/incident-timer"
function request() return wrk.format("GET", path) end
