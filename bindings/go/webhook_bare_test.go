package livechatbots_test

import (
	"testing"

	lcbot "github.com/livechat-bots/livechat-bots/bindings/go"
)

// A body that is a bare JSON string, from a sender that is not LiveChat
// (say, a client posting the secret alone): it is refused before any
// secret is checked, and the refusal must not quote it, since it may be a
// secret. The error's text goes to logs.
func TestWebhookBareStringBodyShowsNoSecret(t *testing.T) {
	accepted := []string{"accepted-secret-AAAA"}
	for _, b := range []string{`"accepted-secret-AAAA"`, `"accepted-secret-AAAA"` + "\n", `  "accepted-secret-AAAA"`} {
		_, err := lcbot.VerifyWebhook([]byte(b), accepted, nil)
		if !lcbot.IsValidation(err) {
			t.Errorf("%q: %v", b, err)
		}
		noSecretIn(t, "the error of a bare string body", accepted, prints(err)...)
	}
}
