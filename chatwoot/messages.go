package chatwoot

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/messagetype"
	"github.com/go-chatwoot/chatwoot-go/gen"
)

// Which message is "the last message"? Chatwoot sends two:
//
//   - Messages holds at most one: the newest message of any kind, an
//     activity ("Conversation was resolved by Sam"), a private note or a
//     template included. LatestMessage returns it.
//   - LastNonActivityMessage is the newest message that is not an activity
//     (it may be a private note or a template), or null.
//
// When Messages[0] is not an activity, the two are the same message.
// LastMessage returns the newer of the two that is not an activity, so it
// gives the right answer also where one of them is missing (data built by
// hand, a fixture): what a support sidebar shows as the last message.

// LatestMessage returns the conversation's newest message of any kind,
// activities included, and false when it has none.
func (c *Conversation) LatestMessage() (Message, bool) {
	if c == nil || len(c.Messages) == 0 {
		return Message{}, false
	}
	return c.Messages[0], true
}

// LastMessage returns the newest message that is not an activity (an
// incoming or outgoing message, a template, or a private note: check
// Private), and false when there is none.
func (c *Conversation) LastMessage() (Message, bool) {
	if c == nil {
		return Message{}, false
	}
	best := c.LastNonActivityMessage
	if len(c.Messages) > 0 && c.Messages[0].MessageType != messagetype.Activity {
		m := &c.Messages[0]
		if best == nil || m.CreatedAt > best.CreatedAt || m.CreatedAt == best.CreatedAt && m.ID > best.ID {
			best = m
		}
	}
	if best == nil {
		return Message{}, false
	}
	return *best, true
}

// MessageText returns what a message says, on one line: its content with
// white space folded, or, for a message without text, what it holds:
// "[voice call]", "[image]", "[3 attachments]" or "[no text]" ("" for nil).
func MessageText(m *Message) string {
	if m == nil {
		return ""
	}
	if m.Content != nil {
		if text := strings.Join(strings.Fields(*m.Content), " "); text != "" {
			return text
		}
	}
	switch {
	case m.Call != nil || m.ContentType == gen.MessageContentTypeVoiceCall:
		return "[voice call]"
	case len(m.Attachments) == 1:
		return "[" + strings.ReplaceAll(string(m.Attachments[0].FileType), "_", " ") + "]"
	case len(m.Attachments) > 1:
		return fmt.Sprintf("[%d attachments]", len(m.Attachments))
	}
	return "[no text]"
}

// MessagePreview returns MessageText cut to at most n runes (with "…" where
// it was cut), after "(note) " for a private note or "(activity) " for an
// activity, for one line of a list.
func MessagePreview(m *Message, n int) string {
	text := MessageText(m)
	switch {
	case m == nil:
	case m.MessageType == messagetype.Activity:
		text = "(activity) " + text
	case m.Private:
		text = "(note) " + text
	}
	if n < 1 || utf8.RuneCountInString(text) <= n {
		return text
	}
	r := []rune(text)
	return string(r[:n-1]) + "…"
}
