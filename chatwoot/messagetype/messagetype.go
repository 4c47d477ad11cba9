// Package messagetype holds the type of a Chatwoot message, which the
// server sends as an integer (message_type: 0 to 3), as a Go type that
// prints its name: fmt.Println(m.MessageType) shows "template", not 3.
//
// The generated models in gen/ refer to it by way of x-go-type in
// api/openapi.yaml, whose enum lists the same values (a test checks that);
// package chatwoot re-exports it as chatwoot.MessageType.
package messagetype

import "strconv"

// Type is what kind of message it is.
type Type int

// The types Chatwoot sends. A newer server may send another number: it
// decodes, Valid reports false, and String prints "type N".
const (
	Incoming Type = 0 // from the contact
	Outgoing Type = 1 // from an agent, a bot or an assistant
	Activity Type = 2 // a system note: assigned, resolved, snoozed, …
	Template Type = 3 // a template message (WhatsApp and others)
)

var names = [...]string{"incoming", "outgoing", "activity", "template"}

// Valid reports whether t is one of the types this version knows.
func (t Type) Valid() bool { return t >= Incoming && t <= Template }

// String returns the type's name, such as "incoming", or "type N" for a
// number this version does not know.
func (t Type) String() string {
	if t.Valid() {
		return names[t]
	}
	return "type " + strconv.Itoa(int(t))
}
