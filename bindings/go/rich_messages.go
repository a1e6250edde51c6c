package livechatbots

// Builders of the rich messages a bot sends with Bot.SendEvent: quick
// replies, cards with buttons, stickers. The library checks the result
// against the client's API version before sending (button types and their
// fields, at most 10 elements of at most 13 buttons, Target and an image's
// alternative text from v3.3).

// Button types.
const (
	ButtonMessage = "message"
	ButtonURL     = "url"
	ButtonPhone   = "phone"
	ButtonWebview = "webview"
)

// Button is a rich message's button. PostbackID is what the bot is told
// when a customer clicks it (incoming_rich_message_postback); a message
// button also makes the customer say Value.
type Button struct {
	Text       string
	Type       string
	Value      string
	PostbackID string
	// WebviewHeight is a webview button's: "compact", "full" or "tall".
	WebviewHeight string
	// Target is a url button's: "new" or "current" (v3.3+).
	Target string
}

// MessageButton is a button that makes the customer say text, with text
// as its postback id.
func MessageButton(text string) Button {
	return Button{Text: text, Type: ButtonMessage, Value: text, PostbackID: text}
}

// URLButton opens url.
func URLButton(text, url string) Button {
	return Button{Text: text, Type: ButtonURL, Value: url, PostbackID: text}
}

// PhoneButton calls number.
func PhoneButton(text, number string) Button {
	return Button{Text: text, Type: ButtonPhone, Value: number, PostbackID: text}
}

// WebviewButton opens url in the chat widget, height "compact", "full" or "tall".
func WebviewButton(text, url, height string) Button {
	return Button{Text: text, Type: ButtonWebview, Value: url, PostbackID: text, WebviewHeight: height}
}

func (b Button) element() map[string]any {
	doc := map[string]any{"text": b.Text, "type": b.Type, "value": b.Value, "postback_id": b.PostbackID, "user_ids": []string{}}
	if b.WebviewHeight != "" {
		doc["webview_height"] = b.WebviewHeight
	}
	if b.Target != "" {
		doc["target"] = b.Target
	}
	return doc
}

func buttons(list []Button) []map[string]any {
	out := make([]map[string]any, len(list))
	for i, b := range list {
		out[i] = b.element()
	}
	return out
}

// QuickReplies is a question with reply buttons, one message button per
// reply.
func QuickReplies(prompt string, replies ...string) Event {
	list := make([]Button, len(replies))
	for i, r := range replies {
		list[i] = MessageButton(r)
	}
	return Event{Type: EventRichMessage, TemplateID: "quick_replies", Elements: []map[string]any{{"title": prompt, "buttons": buttons(list)}}}
}

// Card is one element of a cards message.
type Card struct {
	Title, Subtitle string
	ImageURL        string
	// AlternativeText describes the image (v3.3+).
	AlternativeText string
	Buttons         []Button
}

func (c Card) element() map[string]any {
	doc := map[string]any{}
	if c.Title != "" {
		doc["title"] = c.Title
	}
	if c.Subtitle != "" {
		doc["subtitle"] = c.Subtitle
	}
	if c.ImageURL != "" {
		image := map[string]any{"url": c.ImageURL}
		if c.AlternativeText != "" {
			image["alternative_text"] = c.AlternativeText
		}
		doc["image"] = image
	}
	if len(c.Buttons) > 0 {
		doc["buttons"] = buttons(c.Buttons)
	}
	return doc
}

// Cards is a cards rich message (a carousel when more than one).
func Cards(cards ...Card) Event {
	elements := make([]map[string]any, len(cards))
	for i, c := range cards {
		elements[i] = c.element()
	}
	return Event{Type: EventRichMessage, TemplateID: "cards", Elements: elements}
}
