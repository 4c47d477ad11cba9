// Package api holds the OpenAPI 3.0 description of the Chatwoot endpoint this
// module wraps, api/openapi.yaml, and the JSON fixtures that show what real
// Chatwoot servers send. Both are embedded, so tests, the fake server in
// chatwoot/chatwoottest and any other package load them from this one place.
//
// The spec follows what Chatwoot 4.x servers send, which differs from the
// published API docs in about 30 places; comments in the YAML that start
// with "docs:" say where and why.
package api

import (
	"context"
	"embed"
	"fmt"
	"path"

	"github.com/getkin/kin-openapi/openapi3"
)

//go:embed openapi.yaml
var spec []byte

const fixtureDir = "testdata"

//go:embed testdata/*.json
var fixtures embed.FS

// Spec returns the raw YAML of api/openapi.yaml. The slice is a copy: changing
// it changes nothing else.
func Spec() []byte {
	return append([]byte(nil), spec...)
}

// Load parses the spec with kin-openapi and validates it. Each call returns a
// new document, so a caller may change its copy (a test may tighten schemas)
// without affecting anyone else.
func Load() (*openapi3.T, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("api: parse openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("api: openapi.yaml is not a valid OpenAPI 3.0 document: %w", err)
	}
	return doc, nil
}

// FixtureNames lists the response fixtures, sorted. Each is a complete 200
// body, {"payload": [...]}, as a Chatwoot 4.15 server renders it.
func FixtureNames() []string {
	entries, _ := fixtures.ReadDir(fixtureDir) // cannot fail: the directory is embedded
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// Fixture returns the bytes of the named fixture (a name from FixtureNames).
func Fixture(name string) ([]byte, error) {
	b, err := fixtures.ReadFile(path.Join(fixtureDir, name))
	if err != nil {
		return nil, fmt.Errorf("api: no fixture %q (see FixtureNames): %w", name, err)
	}
	return b, nil
}
