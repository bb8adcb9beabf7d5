dofile(os.getenv("LUA_DIR") .. "/common.lua")
function request()
  return wrk.format("POST", "/api/incident-timers",
    { Authorization = "Bearer " .. token(), ["Content-Type"] = "application/json" }, '{"notes":"bench"}')
end
