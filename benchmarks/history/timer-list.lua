-- GET /api/incident-timers as one caller (TOKEN): the first page, default size (100), or QUERY (e.g. "?limit=10").
dofile(os.getenv("LUA_DIR") .. "/../api-vs-db/common.lua")
local headers = { Authorization = "Bearer " .. os.getenv("TOKEN") }
local path = "/api/incident-timers" .. (os.getenv("QUERY") or "")
function request() return wrk.format("GET", path, headers) end
