package livechatbots

// LiveBots is how many bot handles the package holds.
func LiveBots() int64 { return liveBots.Load() }
