package livechatbots

// The emulator's webhook deliveries: what it POSTed to bots' webhooks, try
// by try (lcbot_emulator_deliveries).

/*
#include <stdlib.h>
#include "livechat_bots.h"
*/
import "C"

import (
	"encoding/json"
	"time"
)

// Delivery states (Delivery.State).
const (
	// DeliveryPending: not answered with a 2xx yet, and tries are left.
	DeliveryPending = "pending"
	// DeliveryDelivered: a try was answered with a 2xx.
	DeliveryDelivered = "delivered"
	// DeliveryFailed: every try failed; the delivery was dropped.
	DeliveryFailed = "failed"
	// DeliveryRefused: the target is not allowed (not a loopback address
	// and EmulatorConfig.WebhookAllowRemote not set); nothing was sent.
	DeliveryRefused = "refused"
)

// DeliveryLog is the emulator's webhook delivery log (Emulator.Deliveries).
type DeliveryLog struct {
	// Deliveries, oldest first.
	Deliveries []Delivery `json:"deliveries"`
	// How many deliveries are in each state, and how many were tried more
	// than once (Retried).
	Delivered int `json:"delivered"`
	Failed    int `json:"failed"`
	Pending   int `json:"pending"`
	Refused   int `json:"refused"`
	Retried   int `json:"retried"`
}

// Delivery is one webhook delivery: one event POSTed to one webhook, tried
// up to EmulatorConfig.WebhookTries times.
type Delivery struct {
	// Seq numbers deliveries from 1 in the order they started.
	Seq int64 `json:"seq"`
	// TimeMS is when it started, in milliseconds since the Unix epoch.
	TimeMS    float64 `json:"time_ms"`
	WebhookID string  `json:"webhook_id"`
	// BotID is the bot the event concerns.
	BotID string `json:"bot_id"`
	// Action as the webhook's version names it ("incoming_chat_thread" in
	// v3.0/3.1, "incoming_chat" later).
	Action string `json:"action"`
	// Version is the API version of the body ("3.6").
	Version string `json:"version"`
	URL     string `json:"url"`
	// Duplicate marks the second copy a DuplicateDelivery fault sent.
	Duplicate bool `json:"duplicate"`
	// State is DeliveryPending, DeliveryDelivered, DeliveryFailed or
	// DeliveryRefused.
	State string `json:"state"`
	// Error says why a delivery was refused; "" otherwise.
	Error string        `json:"error,omitempty"`
	Tries []DeliveryTry `json:"tries"`
	// Body is the body sent, its secret_key shown as "[redacted]".
	Body json.RawMessage `json:"body"`
}

// Time is TimeMS as a time.Time.
func (d Delivery) Time() time.Time { return time.UnixMicro(int64(d.TimeMS * 1000)) }

// DeliveryTry is one POST of a delivery.
type DeliveryTry struct {
	// Attempt counts from 1.
	Attempt int `json:"attempt"`
	// TimeMS is when the answer (or the failure) came, in milliseconds
	// since the Unix epoch.
	TimeMS float64 `json:"time_ms"`
	// Status is the receiver's HTTP status; 0 when there was no answer.
	Status int `json:"status"`
	// Error is "timeout" or "connection failed" when there was no answer
	// (or what else the emulator says); "" otherwise.
	Error      string  `json:"error"`
	DurationMS float64 `json:"duration_ms"`
}

// UnmarshalJSON reads the log; counts the library does not give are
// computed from the deliveries.
func (l *DeliveryLog) UnmarshalJSON(b []byte) error {
	var w struct {
		Deliveries []Delivery `json:"deliveries"`
		Delivered  *int       `json:"delivered"`
		Failed     *int       `json:"failed"`
		Pending    *int       `json:"pending"`
		Refused    *int       `json:"refused"`
		Retried    *int       `json:"retried"`
	}
	if err := json.Unmarshal(b, &w); err != nil {
		return err
	}
	*l = DeliveryLog{Deliveries: w.Deliveries}
	if l.Deliveries == nil {
		l.Deliveries = []Delivery{}
	}
	counted := map[string]int{}
	retried := 0
	for _, d := range l.Deliveries {
		counted[d.State]++
		if len(d.Tries) > 1 {
			retried++
		}
	}
	pick := func(given *int, computed int) int {
		if given != nil {
			return *given
		}
		return computed
	}
	l.Delivered = pick(w.Delivered, counted[DeliveryDelivered])
	l.Failed = pick(w.Failed, counted[DeliveryFailed])
	l.Pending = pick(w.Pending, counted[DeliveryPending])
	l.Refused = pick(w.Refused, counted[DeliveryRefused])
	l.Retried = pick(w.Retried, retried)
	return nil
}

// Deliveries returns the webhook delivery log: every delivery the emulator
// made or is making, with its tries, statuses and timings. Deliveries run
// on the emulator's own threads, so a test polls this until the state it
// waits for shows.
func (e *Emulator) Deliveries() (*DeliveryLog, error) {
	const op = "emulator_deliveries"
	var r DeliveryLog
	if err := e.control(op, func(h *cEmulator) (string, *Error) { return h.deliveries() }, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

func (e *cEmulator) deliveries() (string, *Error) {
	var out *C.char
	status := C.lcbot_emulator_deliveries(e.p, &out)
	return result("emulator_deliveries", status, out)
}
