package chatwoottest

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/go-chatwoot/chatwoot-go/api"
	"github.com/go-chatwoot/chatwoot-go/internal/openapispec"
)

// DifferenceKind says how a reply differs from the spec.
type DifferenceKind string

// The kinds of difference, from the most to the least expected of a newer
// server.
const (
	// UnknownKey is a key the spec does not describe (a newer server's).
	UnknownKey DifferenceKind = "unknown key"
	// UnknownValue is an enum value the spec does not list, such as a
	// status, or a kind of assignee (meta.assignee_type) or of message
	// sender (sender.type) that a newer server adds. Inside an assignee or
	// sender of an unknown kind only what every kind has, and package
	// chatwoot reads of any kind (Assignee, SenderOf), is checked: an id
	// (an integer) and a name (a string).
	UnknownValue DifferenceKind = "unknown value"
	// Violation is anything else: a missing key, a value of another type.
	Violation DifferenceKind = "violation"
)

// A Difference is one place where a reply differs from what the spec says.
type Difference struct {
	// Path is where, as a JSON Pointer into the body: /payload/0/meta/team.
	Path string
	// Kind says what sort of difference it is.
	Kind DifferenceKind
	// Detail says what was found, for people: the value, or the rule.
	Detail string
}

// String formats the difference as "KIND PATH: DETAIL", as -check prints it.
func (d Difference) String() string {
	if d.Detail == "" {
		return fmt.Sprintf("%s %s", d.Kind, d.Path)
	}
	return fmt.Sprintf("%s %s: %s", d.Kind, d.Path, d.Detail)
}

// Compare checks a 200 body of the endpoint, {"payload": [...]}, against the
// spec, with every object the spec describes closed to keys it does not
// list, and returns every difference, sorted by path; none when the body is
// exactly what the spec describes. This is how a server's drift is found:
// `chatwoot-conversations -check` runs it on a real reply.
func Compare(body []byte) ([]Difference, error) {
	schema, err := closedResponseSchema()
	if err != nil {
		return nil, err
	}
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return nil, fmt.Errorf("chatwoottest: Compare: the body is not JSON: %w", err)
	}
	var out []Difference
	collect(schema.VisitJSON(v, openapi3.MultiErrors()), &out)
	out = unknownKinds(v, out)
	sort.SliceStable(out, func(i, j int) bool { return out[i].Path < out[j].Path })
	return out, nil
}

// closedResponseSchema is the 200 body's schema with additionalProperties:
// false on every object that lists properties. Free-form objects (the
// jsonb values) stay open: their keys are the account's own.
var closedResponseSchema = sync.OnceValues(func() (*openapi3.Schema, error) {
	doc, err := openapispec.Load(api.Spec())
	if err != nil {
		return nil, fmt.Errorf("chatwoottest: %w", err)
	}
	seen := map[*openapi3.Schema]bool{}
	for _, ref := range doc.Components.Schemas {
		closeObjects(ref.Value, seen)
	}
	return doc.Components.Schemas["ContactConversationsResponse"].Value, nil
})

// closeObjects sets additionalProperties: false on s and on every object
// inside it that lists properties, leaving free-form objects open. seen
// records the schemas done (schemas refer to each other).
func closeObjects(s *openapi3.Schema, seen map[*openapi3.Schema]bool) {
	if s == nil || seen[s] {
		return
	}
	seen[s] = true
	if len(s.Properties) > 0 {
		no := false
		s.AdditionalProperties = openapi3.AdditionalProperties{Has: &no}
	}
	for _, p := range s.Properties {
		closeObjects(p.Value, seen)
	}
	if s.Items != nil {
		closeObjects(s.Items.Value, seen)
	}
	for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
		for _, r := range group {
			closeObjects(r.Value, seen)
		}
	}
}

// kindFields are where a kind of assignee or sender is named, as the end of
// a path, and what to cut from it for the path of the assignee or sender.
var kindFields = []struct{ suffix, cut, what string }{
	{"/meta/assignee_type", "_type", "assignee"}, // meta.assignee_type names meta.assignee's
	{"/sender/type", "/type", "sender"},          // a message sender names its own
}

// anyKind is what every kind of assignee and sender has: the id and the
// name that package chatwoot reads of any kind.
var anyKind = openapi3.NewObjectSchema().
	WithProperty("id", openapi3.NewIntegerSchema()).
	WithProperty("name", openapi3.NewStringSchema()).
	WithRequired([]string{"id", "name"})

// unknownKinds reports an assignee or a sender of a kind the spec does not
// list by its kind, an unknown value: what was found inside it, measured
// against the shapes of kinds it is not, gives way to a check of what
// every kind has (anyKind).
func unknownKinds(body any, diffs []Difference) []Difference {
	objects := map[string]string{} // the path of each one, to its kind's
	for i, d := range diffs {
		for _, f := range kindFields {
			if d.Kind == UnknownValue && strings.HasSuffix(d.Path, f.suffix) {
				objects[strings.TrimSuffix(d.Path, f.cut)] = d.Path
				diffs[i].Detail += ", a kind of " + f.what + " the spec does not list: only its id and name are checked"
			}
		}
	}
	inside := func(d Difference) bool {
		for o, kind := range objects {
			if d.Path != kind && (d.Path == o || strings.HasPrefix(d.Path, o+"/")) {
				return true
			}
		}
		return false
	}
	out := slices.DeleteFunc(diffs, inside)
	for o := range objects {
		if v, ok := valueAt(body, o); ok {
			var found []Difference
			collect(anyKind.VisitJSON(v, openapi3.MultiErrors()), &found)
			for _, d := range found {
				d.Path = o + d.Path
				out = append(out, d)
			}
		}
	}
	return out
}

// valueAt returns the value at a JSON Pointer into v, and whether there is
// one.
func valueAt(v any, ptr string) (any, bool) {
	for _, seg := range strings.Split(ptr, "/")[1:] {
		seg = strings.NewReplacer("~1", "/", "~0", "~").Replace(seg)
		switch x := v.(type) {
		case map[string]any:
			var ok bool
			if v, ok = x[seg]; !ok {
				return nil, false
			}
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return nil, false
			}
			v = x[i]
		default:
			return nil, false
		}
	}
	return v, true
}

// unsupportedKey reads the key out of kin-openapi's reason, which quotes it
// as Go does.
var unsupportedKey = regexp.MustCompile(`^property (".*") is unsupported$`)

// collect flattens kin-openapi's errors into differences. Where a value
// matches none of several shapes (anyOf, oneOf), it reports the
// differences from the shape it comes closest to, which says more than
// "matches nothing".
func collect(err error, out *[]Difference) {
	if err == nil {
		return
	}
	var multi openapi3.MultiError
	if errors.As(err, &multi) {
		for _, e := range multi {
			collect(e, out)
		}
		return
	}
	var se *openapi3.SchemaError
	if !errors.As(err, &se) {
		*out = append(*out, Difference{Path: "/", Kind: Violation, Detail: err.Error()})
		return
	}
	path := pointer(se.JSONPointer())
	switch {
	case (se.SchemaField == "anyOf" || se.SchemaField == "oneOf") && se.Schema != nil:
		if closest := closestAlternative(se); closest != nil {
			for _, d := range closest {
				d.Path = path + d.Path
				*out = append(*out, d)
			}
			return
		}
	case se.SchemaField == "properties" && unsupportedKey.MatchString(se.Reason):
		key, err := strconv.Unquote(unsupportedKey.FindStringSubmatch(se.Reason)[1])
		if err != nil {
			break
		}
		*out = append(*out, Difference{Path: path + "/" + escapePointer(key), Kind: UnknownKey})
		return
	case se.SchemaField == "enum" || se.SchemaField == "discriminator":
		at := path
		value := se.Value
		if se.SchemaField == "discriminator" && se.Schema.Discriminator != nil {
			name := se.Schema.Discriminator.PropertyName
			at += "/" + escapePointer(name)
			if m, ok := se.Value.(map[string]any); ok {
				value = m[name]
			}
		}
		*out = append(*out, Difference{Path: at, Kind: UnknownValue, Detail: quote(value)})
		return
	}
	*out = append(*out, Difference{Path: path, Kind: Violation, Detail: se.Reason})
}

// closestAlternative checks the value of a failed anyOf or oneOf against
// each alternative and returns the differences of the one with the fewest.
func closestAlternative(se *openapi3.SchemaError) []Difference {
	var best []Difference
	alternatives := se.Schema.AnyOf
	if se.SchemaField == "oneOf" {
		alternatives = se.Schema.OneOf
	}
	for _, alt := range alternatives {
		var diffs []Difference
		collect(alt.Value.VisitJSON(se.Value, openapi3.MultiErrors()), &diffs)
		if len(diffs) > 0 && (best == nil || len(diffs) < len(best)) {
			best = diffs
		}
	}
	return best
}

func pointer(segments []string) string {
	var b strings.Builder
	for _, s := range segments {
		b.WriteString("/" + escapePointer(s))
	}
	return b.String()
}

// escapePointer escapes a JSON Pointer segment (RFC 6901).
func escapePointer(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

func quote(v any) string {
	if s, ok := v.(string); ok {
		return strconv.Quote(s)
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
