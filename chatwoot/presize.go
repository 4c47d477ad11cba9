package chatwoot

import (
	"errors"
	"fmt"
	"reflect"
	"sync"
)

// Before encoding/json decodes a conversation, presize walks its JSON
// along the Go types and gives every list (messages, attachments, labels,
// SLA events) the capacity it will need. This does two things:
//
//   - Memory stays proportional to the bytes received. A list element can
//     be three bytes of JSON ("{},") and hundreds of bytes of Go struct, so
//     a hostile list of millions of empty objects would cost gigabytes. The
//     walk counts the elements of every list in the reply first, and a
//     reply with more than maxListItems of them is refused before anything
//     is allocated for them.
//   - Lists are allocated once, at their size, where encoding/json grows
//     them one element at a time (doubling): on a reply with many
//     attachments that is a third of what a call allocates.
//
// encoding/json, on every engine, decodes a list into the capacity a slice
// already has and decodes each element into the value already there, so
// the result is the same as without the walk.

// maxListItems bounds the list elements of one reply, all lists together.
// Chatwoot sends at most 20 conversations with one message each; with their
// attachments, labels and SLA events, a real reply has a few hundred.
const maxListItems = 10_000

// listBudget counts the list elements presize has seen in one reply.
type listBudget struct{ left int }

func (b *listBudget) take(n int) error {
	b.left -= n
	if b.left < 0 {
		b.left = 0
		return &refusalError{fmt.Sprintf("the reply's lists hold more than %d items in all; a Chatwoot reply holds a few hundred: this is not the reply of a Chatwoot server", maxListItems)}
	}
	return nil
}

// refusalError is a reply refused for its size before it is decoded.
type refusalError struct{ msg string }

func (e *refusalError) Error() string { return e.msg }

// isRefusal tells a refusal from a walk that stopped at broken JSON, which
// encoding/json then reports with its position.
func isRefusal(err error) bool {
	var r *refusalError
	return errors.As(err, &r)
}

// sizer says, for a struct type, which of its JSON keys hold lists, or
// structs with lists further down.
type sizer struct {
	fields map[string]sizedField
}

type sizedField struct {
	index int
	typ   reflect.Type // the field's type
	elem  *sizer       // for a list of structs or a struct: its own sizer, or nil
}

var sizers sync.Map // reflect.Type -> *sizer (nil when there is nothing to size)

// sizerFor returns the sizer of struct type t, nil if t holds no list.
func sizerFor(t reflect.Type) *sizer {
	if s, ok := sizers.Load(t); ok {
		return s.(*sizer)
	}
	sizers.Store(t, (*sizer)(nil)) // a type that refers to itself ends here
	s := &sizer{fields: map[string]sizedField{}}
	for i := range t.NumField() {
		f := t.Field(i)
		name, ok := jsonKey(f)
		if !ok || reflect.PointerTo(f.Type).Implements(unmarshalerType) {
			continue
		}
		inner := f.Type
		for inner.Kind() == reflect.Pointer {
			inner = inner.Elem()
		}
		switch {
		case inner.Kind() == reflect.Slice && inner.Elem().Kind() != reflect.Uint8:
			s.fields[name] = sizedField{index: i, typ: f.Type, elem: structSizer(inner.Elem())}
		case inner.Kind() == reflect.Struct:
			if elem := structSizer(inner); elem != nil {
				s.fields[name] = sizedField{index: i, typ: f.Type, elem: elem}
			}
		}
	}
	if len(s.fields) == 0 {
		s = nil
	}
	sizers.Store(t, s)
	return s
}

func structSizer(t reflect.Type) *sizer {
	if t.Kind() != reflect.Struct || reflect.PointerTo(t).Implements(unmarshalerType) {
		return nil
	}
	return sizerFor(t)
}

// presize prepares v, a struct, for the JSON object at b[at], and returns
// where the object ends.
func (s *sizer) presize(v reflect.Value, b []byte, at int, budget *listBudget) (int, error) {
	return members(b, at, func(key []byte, start int) (int, error) {
		f, ok := s.fields[string(key)]
		if !ok {
			return skipValue(b, start)
		}
		return f.prepare(v.Field(f.index), b, start, budget)
	})
}

// prepare sets field v (of type f.typ, possibly a pointer) for the JSON
// value at b[at] (a list gets its capacity, a struct its inner lists) and
// returns where the value ends.
func (f sizedField) prepare(v reflect.Value, b []byte, at int, budget *listBudget) (int, error) {
	t := f.typ
	for t.Kind() == reflect.Pointer {
		if b[at] != '[' && b[at] != '{' {
			return skipValue(b, at) // null, or a mismatch that encoding/json will report
		}
		p := reflect.New(t.Elem())
		v.Set(p)
		v, t = p.Elem(), t.Elem()
	}
	switch {
	case t.Kind() == reflect.Struct && b[at] == '{':
		return f.elem.presize(v, b, at, budget)
	case t.Kind() != reflect.Slice || b[at] != '[':
		return skipValue(b, at)
	}
	n := 0
	end, err := elements(b, at, func(_, start int) (int, error) {
		n++
		if err := budget.take(1); err != nil {
			return start, err
		}
		return skipValue(b, start)
	})
	if err != nil || n == 0 {
		return end, err
	}
	list := reflect.MakeSlice(t, n, n)
	if f.elem != nil {
		// A second walk, into each element: lists of structs with lists of
		// their own (messages) are short.
		if end, err = elements(b, at, func(i, start int) (int, error) {
			if b[start] != '{' {
				return skipValue(b, start)
			}
			return f.elem.presize(list.Index(i), b, start, budget)
		}); err != nil {
			return end, err
		}
	}
	v.Set(list.Slice(0, 0))
	return end, nil
}
