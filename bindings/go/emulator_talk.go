package livechatbots

// ChatTalk is what the bots' conversation actions left on an emulator's
// chat: its properties, each thread's properties and tags, who saw the
// events up to when, and the indicator showing now.
type ChatTalk struct {
	// Properties are namespace -> name -> value.
	Properties map[string]map[string]any `json:"properties"`
	// ThreadProperties are per thread id.
	ThreadProperties map[string]map[string]map[string]any `json:"thread_properties"`
	// Tags are per thread id, in the order added.
	Tags map[string][]string `json:"tags"`
	// SeenUpTo is per user id, an RFC 3339 time.
	SeenUpTo map[string]string `json:"seen_up_to"`
	// Indicator is nil when none shows.
	Indicator *Indicator `json:"indicator"`
}

// Indicator is a bot's "typing...", "thinking..." or event preview, shown
// until the bot writes, hides it or it times out.
type Indicator struct {
	// Kind is "typing", "thinking" or "preview".
	Kind       string `json:"kind"`
	AuthorID   string `json:"author_id"`
	Visibility string `json:"visibility"`
	// Title is the thinking indicator's title, or the preview's text.
	Title       string `json:"title,omitempty"`
	Description string `json:"description,omitempty"`
}
