package livechatbots

// NoticeKind is the stage of a retiring API version.
type NoticeKind string

const (
	// NoticeLegacy: the version gets only critical fixes; it will be
	// deprecated, then turned off (LiveChat's Legacy header).
	NoticeLegacy NoticeKind = "legacy"
	// NoticeDeprecated: the version will be turned off after Until
	// (LiveChat's Deprecation header).
	NoticeDeprecated NoticeKind = "deprecated"
)

// Notice says that the client's API version is retiring, as LiveChat's
// answers said. See Config.OnNotice and Client.Notices.
type Notice struct {
	Kind NoticeKind `json:"kind"`
	// APIVersion is the client's API version, e.g. "3.3".
	APIVersion string `json:"api_version"`
	// Until is the date the stage ends, as LiveChat sent it ("2027-01-31").
	Until string `json:"until"`
	// Message is a sentence for a log, naming the version and the date.
	Message string `json:"message"`
}

// String is the notice's Message.
func (n Notice) String() string { return n.Message }
