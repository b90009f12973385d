-- wrk script: a customer posts messages to their own open enquiries, one
-- after another through the list in IDS (comma-separated), as TOKEN.
local ids = {}
for id in string.gmatch(os.getenv("IDS") or "", "[^,]+") do
	ids[#ids + 1] = id
end
local token = os.getenv("TOKEN") or ""
local n = 0
local thread_tag = tostring(math.random(1, 1000000000))

request = function()
	n = n + 1
	local id = ids[(n % #ids) + 1]
	local body = '{"body":"Any news on this? (bench ' .. thread_tag .. '-' .. n .. ')"}'
	return wrk.format("POST", "/api/v1/enquiries/" .. id .. "/messages", {
		["Authorization"] = "Bearer " .. token,
		["Content-Type"] = "application/json",
	}, body)
end
