dofile(os.getenv("LUA_DIR") .. "/common.lua")
function request()
  return wrk.format("POST", "/api/auth/login", { ["Content-Type"] = "application/json" },
    '{"email":"bench-' .. math.random(10000) .. '@example.com","password":"BenchPassword1"}')
end
