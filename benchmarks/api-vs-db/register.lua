dofile(os.getenv("LUA_DIR") .. "/common.lua")
-- A new email each request: a run id and each thread's own number (set as the global id by setup; wrk's threads share no Lua state, and their
-- random sequences start alike), so every registration creates a user.
local run = tostring(os.time())
local next_id = 0
function setup(thread)
  next_id = next_id + 1
  thread:set("id", next_id)
end
local counter = 0
function request()
  counter = counter + 1
  return wrk.format("POST", "/api/auth/register", { ["Content-Type"] = "application/json" },
    '{"email":"reg-' .. run .. '-' .. id .. '-' .. counter .. '@example.com","password":"BenchPassword1","display_name":"Registered"}')
end
