package livechatbots

// LiveBots is how many bot handles the package holds.
func LiveBots() int64 { return liveBots.Load() }

// BotActionNames are the typed bot actions' names, in the C ABI's order.
var BotActionNames = botActionNames[:]

// AdminActionNames are the client-level bot actions' names.
var AdminActionNames = adminActionNames[:]
