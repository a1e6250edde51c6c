package main

import (
	"context"
	"strings"
	"testing"
	"time"
)

// TestMenuBotEveryButton presses every button of the menu on v3.2 and v3.6:
// each answer comes, the chat goes to Anna in the humans' group, she answers.
func TestMenuBotEveryButton(t *testing.T) {
	for _, version := range []string{"3.2", "3.6"} {
		t.Run("v"+version, func(t *testing.T) {
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			var out strings.Builder
			if err := offline(ctx, version, &out); err != nil {
				t.Fatalf("offline: %v\n%s", err, out.String())
			}
			for _, want := range []string{menu[0].Answer, menu[1].Answer, handoff, "customer Talk to an agent", "chat now assigned to anna@example.com in group 1", "agent    Hi, Anna here.", "thread tags: [hours order agent]"} {
				if !strings.Contains(out.String(), want) {
					t.Errorf("the run lacks %q:\n%s", want, out.String())
				}
			}
		})
	}
}
