package chatwoottest

import (
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
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
	// UnknownValue is an enum value the spec does not list.
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
