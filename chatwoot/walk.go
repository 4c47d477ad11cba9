package chatwoot

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/jsonvalue"
)

// Before encoding/json decodes a reply, one walk over its bytes, along the
// Go types, holds two invariants whatever the keys are spelled like:
//
//   - Memory follows the bytes. A list element can be three bytes of JSON
//     ("{},") and hundreds of bytes of Go struct, so the walk counts, before
//     anything is decoded, every element of every list, and every comma and
//     bracket of a value under a key it does not know (an engine might bind
//     such a key where this walk does not expect it). Only the values kept
//     raw (jsonvalue, times) cost their bytes alone and are not counted. A
//     reply over maxListItems is refused.
//   - No value is replaced silently. encoding/json binds a key to a field
//     regardless of case ("ID", "Messages", even "laſt_activity_at"), and
//     the last of two keys for one field wins. Chatwoot's views never send
//     two, so a reply that does is refused, naming both keys.

// maxListItems bounds the list elements of one reply, all lists together.
// Chatwoot sends at most 20 conversations with one message each; with their
// attachments, labels and SLA events, a real reply has a few hundred.
const maxListItems = 10_000

// shape is what the walk knows of a struct type: its fields by folded
// key, grouped by the key's length (a few names to compare is quicker than
// hashing every key of a reply).
type shape struct {
	byLen [][]namedField
}

type namedField struct {
	name string
	field
}

// field is one field of a struct, as the walk sees it.
type field struct {
	index int
	raw   bool   // decoded by its own UnmarshalJSON: its bytes are not walked
	list  bool   // a slice (of elem, if elem is not nil)
	elem  *shape // for a struct, or a list or pointer of structs
}

var (
	shapesMu sync.Mutex // a shape is seen by others only once it is whole
	shapes   = map[reflect.Type]*shape{}
)

// shapeOf returns the shape of struct type t.
func shapeOf(t reflect.Type) *shape {
	shapesMu.Lock()
	defer shapesMu.Unlock()
	return shapeLocked(t)
}

func shapeLocked(t reflect.Type) *shape {
	if s, ok := shapes[t]; ok {
		return s
	}
	s := &shape{}
	shapes[t] = s // a type that refers to itself finds this one, filled below
	for i := range t.NumField() {
		name, ok := jsonKey(t.Field(i))
		if !ok {
			continue
		}
		f := field{index: i}
		ft := t.Field(i).Type
		for ft.Kind() == reflect.Pointer {
			ft = ft.Elem()
		}
		if f.list = ft.Kind() == reflect.Slice && ft.Elem().Kind() != reflect.Uint8; f.list {
			ft = ft.Elem()
		}
		if isLenient(ft) {
			ft = ft.Field(0).Type // its Value: two keys there would be picked from silently too
		}
		f.raw = reflect.PointerTo(ft).Implements(unmarshalerType)
		if ft.Kind() == reflect.Struct && !f.raw {
			f.elem = shapeLocked(ft)
		}
		name = foldKey([]byte(name))
		for len(s.byLen) <= len(name) {
			s.byLen = append(s.byLen, nil)
		}
		s.byLen[len(name)] = append(s.byLen[len(name)], namedField{name, f})
	}
	return s
}

// isLenient reports whether t is a jsonvalue.Lenient, which decodes its
// Value with encoding/json: the walk sees it as that Value.
func isLenient(t reflect.Type) bool {
	return t.PkgPath() == reflect.TypeFor[jsonvalue.Value]().PkgPath() && strings.HasPrefix(t.Name(), "Lenient[")
}

// lookup finds the field encoding/json binds key to.
func (s *shape) lookup(key []byte) (field, bool) {
	if f, ok := s.find(key); ok || !bytes.ContainsFunc(key, func(r rune) bool { return 'A' <= r && r <= 'Z' || r >= 0x80 }) {
		return f, ok
	}
	return s.find([]byte(foldKey(key)))
}

func (s *shape) find(key []byte) (field, bool) {
	if len(key) < len(s.byLen) {
		for _, nf := range s.byLen[len(key)] {
			if string(key) == nf.name {
				return nf.field, true
			}
		}
	}
	return field{}, false
}

// foldKey folds a key as encoding/json matches keys to fields (Unicode
// simple folding, which for the ASCII names of fields means ASCII case
// and two more letters: ſ is s and the Kelvin sign K is k).
func foldKey(key []byte) string {
	out := make([]byte, 0, len(key))
	for i := 0; i < len(key); {
		r, n := utf8.DecodeRune(key[i:])
		switch {
		case r == 'ſ':
			r = 's'
		case r == '\u212a':
			r = 'k'
		case 'A' <= r && r <= 'Z':
			r += 'a' - 'A'
		}
		out = utf8.AppendRune(out, r)
		i += n
	}
	return string(out)
}

// walker walks one reply (or one conversation) and counts its list items.
type walker struct {
	b    []byte
	left int // list items still allowed
}

func (w *walker) take(n int) error {
	if w.left -= n; w.left < 0 {
		return &refusalError{fmt.Sprintf("the reply's lists hold more than %d items in all; a Chatwoot reply holds a few hundred: this is not the reply of a Chatwoot server", maxListItems)}
	}
	return nil
}

// value walks the value at b[at] for f and returns where it ends.
func (w *walker) value(f field, at int) (int, error) {
	if at >= len(w.b) {
		return at, errTruncated
	}
	switch c := w.b[at]; {
	case f.list && c == '[':
		return elements(w.b, at, func(n, start int) (int, error) {
			if err := w.take(1); err != nil {
				return start, err
			}
			end, err := w.value(field{raw: f.raw, elem: f.elem}, start)
			return end, within(err, n, nil)
		})
	case f.raw && !f.list:
		return skipValue(w.b, at)
	case f.elem != nil && c == '{' && !f.list:
		return w.object(f.elem, at)
	}
	return w.unknown(at)
}

// unknown skips a value of no known shape, counting its commas and
// opening brackets as list items.
func (w *walker) unknown(at int) (int, error) {
	end, err := skipValue(w.b, at)
	if err != nil || (w.b[at] != '[' && w.b[at] != '{') {
		return end, err
	}
	n := 0
	for i := at; i < end; i++ {
		switch w.b[i] {
		case '"':
			i, _ = skipString(w.b, i) // ends within: skipValue checked
			i--
		case ',', '[':
			n++
		}
	}
	return end, w.take(n)
}

// object walks the object at b[at] as a struct of shape s.
func (w *walker) object(s *shape, at int) (int, error) {
	var seen [2]uint64 // fields bound so far, by index (the largest model has 28)
	return members(w.b, at, func(key []byte, start int) (int, error) {
		f, ok := s.lookup(key)
		if !ok || f.index >= 128 {
			return w.unknown(start)
		}
		word, bit := f.index/64, uint64(1)<<(f.index%64)
		if seen[word]&bit != 0 {
			return start, &duplicateKeyError{first: firstKey(w.b, at, s, f.index), second: string(key)}
		}
		seen[word] |= bit
		end, err := w.value(f, start)
		return end, within(err, 0, key)
	})
}

// firstKey finds the first key of the object at b[at] bound to field index.
func firstKey(b []byte, at int, s *shape, index int) string {
	var first string
	_, _ = members(b, at, func(key []byte, start int) (int, error) {
		end, err := skipValue(b, start)
		if f, ok := s.lookup(key); ok && f.index == index {
			first = string(key)
			return end, errStop
		}
		return end, err
	})
	return first
}

// duplicateKeyError is an object with two keys for one field.
type duplicateKeyError struct {
	path          string // of the object, such as ".messages[0]"
	first, second string
}

func (e *duplicateKeyError) Error() string {
	return fmt.Sprintf("two keys, %q and %q, for one field: encoding/json would keep the second silently, and Chatwoot never sends both: this is not the reply of a Chatwoot server", e.first, e.second)
}

// within prefixes a duplicate key's path with the step that led to it:
// key, or index n when key is nil.
func within(err error, n int, key []byte) error {
	if err == nil {
		return nil
	}
	var dup *duplicateKeyError
	switch {
	case !errors.As(err, &dup):
	case key != nil:
		dup.path = pathKey(string(key)) + dup.path
	default:
		dup.path = "[" + strconv.Itoa(n) + "]" + dup.path
	}
	return err
}

// pathKey is a path step for key: .key, or ["key"] for a key that is not
// a plain name.
func pathKey(key string) string {
	if key != "" && len(key) <= 64 && bytes.IndexFunc([]byte(key), func(r rune) bool {
		return r != '_' && (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9')
	}) < 0 {
		return "." + key
	}
	if len(key) > 64 {
		key = key[:64] + "…"
	}
	return "[" + strconv.Quote(key) + "]"
}

// refusalError is a reply refused before it is decoded.
type refusalError struct{ msg string }

func (e *refusalError) Error() string { return e.msg }

// isRefusal tells a refusal (a size or a duplicate key) from a walk that
// stopped at broken JSON, which encoding/json then reports with its position.
func isRefusal(err error) bool {
	var r *refusalError
	var dup *duplicateKeyError
	return errors.As(err, &r) || errors.As(err, &dup)
}
