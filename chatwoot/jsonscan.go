package chatwoot

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
)

// This file finds where values start and end in a JSON body without
// decoding them. The decoder uses it to cut the reply into one slice per
// conversation (kept as RawJSON, decoded one at a time so that an error can
// name the item) and, after a failure, to find the path of the value at
// fault, such as payload[3].messages[0].updated_at. It checks only the structure it walks; encoding/json validates
// every byte it decodes, and json.Valid the rest.

// errTruncated is a body that ends inside a value.
var errTruncated = errors.New("the JSON ends in the middle of a value")

// skipSpace returns the index of the first byte at or after i that is not
// JSON white space.
func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// skipString returns the index just past the string that starts at b[i]
// ('"'): the next quote not escaped by an odd number of backslashes. Most
// strings (keys, enums, ids) are short: a loop looks at the first bytes,
// bytes.IndexByte at the rest.
func skipString(b []byte, i int) (int, error) {
	for j := i + 1; j < len(b); j++ {
		for stop := min(j+16, len(b)); j < stop && b[j] != '"'; j++ {
		}
		if j < len(b) && b[j] != '"' {
			q := bytes.IndexByte(b[j:], '"')
			if q < 0 {
				break
			}
			j += q
		}
		if j >= len(b) {
			break
		}
		k := j
		for k > i+1 && b[k-1] == '\\' {
			k--
		}
		if (j-k)%2 == 0 {
			return j + 1, nil
		}
	}
	return len(b), errTruncated
}

// skipValue returns the index just past the value that starts at b[i]
// (white space already skipped). Containers are skipped by counting
// brackets outside strings, without recursion, so no nesting depth can
// exhaust the stack; whether the brackets match is left to encoding/json.
func skipValue(b []byte, i int) (int, error) {
	if i >= len(b) {
		return i, errTruncated
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			if !structural[b[j]] {
				continue
			}
			switch b[j] {
			case '"':
				end, err := skipString(b, j)
				if err != nil {
					return end, err
				}
				j = end - 1
			case '{', '[':
				depth++
			default: // '}', ']'
				depth--
				if depth == 0 {
					return j + 1, nil
				}
			}
		}
		return len(b), errTruncated
	}
	j := i // a number or a literal: up to the next delimiter
	for j < len(b) && !isDelimiter(b[j]) {
		j++
	}
	if j == i {
		return i, fmt.Errorf("unexpected %q at byte %d", b[i], i)
	}
	return j, nil
}

// structural marks the bytes that matter when skipping a container.
var structural = [256]bool{'"': true, '{': true, '}': true, '[': true, ']': true}

func isDelimiter(c byte) bool {
	switch c {
	case ',', ':', ']', '}', '[', '{', '"', ' ', '\t', '\r', '\n':
		return true
	}
	return false
}

// readKey reads the object key that starts at b[i] and returns its text
// (unquoted; a copy only when it has escapes) and the index just past it.
func readKey(b []byte, i int) ([]byte, int, error) {
	if i >= len(b) || b[i] != '"' {
		return nil, i, fmt.Errorf("expected a quoted key at byte %d", i)
	}
	end, err := skipString(b, i)
	if err != nil {
		return nil, end, err
	}
	raw := b[i:end]
	if bytes.IndexByte(raw, '\\') < 0 {
		return raw[1 : len(raw)-1], end, nil
	}
	var key string
	if err := json.Unmarshal(raw, &key); err != nil {
		return nil, end, fmt.Errorf("a bad key at byte %d: %w", i, err)
	}
	return []byte(key), end, nil
}

// errStop, returned by a callback of members or elements, stops the walk
// without an error.
var errStop = errors.New("stop")

// members calls fn for each member of the object at b[i] with the key (a
// slice of b, valid during the call) and where the value starts; fn returns
// where the value ends: skipValue's answer, or that of a walk into the
// value, so that no byte is scanned twice. members returns the index just
// past the object.
func members(b []byte, i int, fn func(key []byte, start int) (int, error)) (int, error) {
	if i >= len(b) || b[i] != '{' {
		return i, errors.New("not an object")
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		key, next, err := readKey(b, i)
		if err != nil {
			return next, err
		}
		i = skipSpace(b, next)
		if i >= len(b) || b[i] != ':' {
			return i, fmt.Errorf("expected ':' after the key at byte %d", next)
		}
		end, err := fn(key, skipSpace(b, i+1))
		if err != nil {
			return end, stopIsNil(err)
		}
		if i, err = nextItem(b, end, '}'); i < 0 || err != nil {
			return -i, err
		}
	}
}

// elements calls fn for each element of the array at b[i] with its index
// and where it starts; fn returns where it ends, as for members. elements
// returns the index just past the array.
func elements(b []byte, i int, fn func(n, start int) (int, error)) (int, error) {
	if i >= len(b) || b[i] != '[' {
		return i, errors.New("not an array")
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == ']' {
		return i + 1, nil
	}
	for n := 0; ; n++ {
		end, err := fn(n, i)
		if err != nil {
			return end, stopIsNil(err)
		}
		if i, err = nextItem(b, end, ']'); i < 0 || err != nil {
			return -i, err
		}
	}
}

// nextItem reads what follows a member or element ending at end: a comma
// (it returns where the next one starts) or the closing byte (it returns
// minus the index past it).
func nextItem(b []byte, end int, closing byte) (int, error) {
	i := skipSpace(b, end)
	switch {
	case i < len(b) && b[i] == ',':
		return skipSpace(b, i+1), nil
	case i < len(b) && b[i] == closing:
		return -(i + 1), nil
	}
	return -i, errTruncated
}

func stopIsNil(err error) error {
	if errors.Is(err, errStop) {
		return nil
	}
	return err
}

// maxPathDepth bounds how deep locate descends: deeper than any real
// Chatwoot value, shallow enough to keep a hostile path short.
const maxPathDepth = 32

// locate finds the value in b (the JSON of a Go value of type t) that fails
// to decode, by decoding each member or element into its field's type and
// descending into the one that fails, and returns its path (such as
// ".messages[0].updated_at") and the offset where it starts. It runs only
// after a failure, and works from the bytes and the Go types alone, so the
// path is the same on every encoding/json engine (Go 1.27's json/v2 reports
// paths in another form) and for errors that come without any position,
// such as a time.Time's.
func locate(t reflect.Type, b []byte) (string, int, reflect.Type) {
	var path strings.Builder
	at := skipSpace(b, 0)
	for depth := 0; depth < maxPathDepth && at < len(b); depth++ {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		if reflect.PointerTo(t).Implements(unmarshalerType) {
			break // decoded as a whole: this value is the one at fault
		}
		next, found := -1, false
		switch {
		case t.Kind() == reflect.Struct && b[at] == '{':
			_, _ = members(b, at, func(key []byte, start int) (int, error) {
				end, err := skipValue(b, start)
				f, ok := shapeOf(t).lookup(key)
				if err != nil || !ok {
					return end, err
				}
				if ft := t.Field(f.index).Type; json.Unmarshal(b[start:end], reflect.New(ft).Interface()) != nil {
					path.WriteString(pathKey(string(key)))
					t, next, found = ft, start, true
					return end, errStop
				}
				return end, nil
			})
		case t.Kind() == reflect.Slice && b[at] == '[':
			_, _ = elements(b, at, func(n, start int) (int, error) {
				end, err := skipValue(b, start)
				if err == nil && json.Unmarshal(b[start:end], reflect.New(t.Elem()).Interface()) != nil {
					path.WriteString("[" + strconv.Itoa(n) + "]")
					t, next, found = t.Elem(), start, true
					return end, errStop
				}
				return end, err
			})
		}
		if !found {
			break
		}
		at = next
	}
	return path.String(), at, t
}

var unmarshalerType = reflect.TypeFor[json.Unmarshaler]()

// jsonKey returns the JSON key encoding/json uses for struct field f, and
// false for a field it skips (unexported, or tagged "-").
func jsonKey(f reflect.StructField) (string, bool) {
	name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
	if !f.IsExported() || name == "-" {
		return "", false
	}
	if name == "" {
		name = f.Name
	}
	return name, true
}
