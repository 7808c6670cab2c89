-- Spreads GET /books/{id} over ids 1..BOOKS (the scratch database's books).
local count = tonumber(os.getenv("BOOKS") or "1000")

request = function()
  return wrk.format("GET", "/books/" .. math.random(1, count))
end
