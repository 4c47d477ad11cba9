// Package api holds the OpenAPI 3.0 description of the Chatwoot endpoint this
// module wraps, api/openapi.yaml, and the JSON fixtures that show what real
// Chatwoot servers send. Both are embedded, so tests, the fake server in
// chatwoot/chatwoottest and any other package load them from this one place
// (Spec, Fixture); chatwoottest.Compare checks a reply against the spec.
//
// The spec follows what Chatwoot 4.x servers send, which differs from the
// published API docs in about 30 places; comments in the YAML that start
// with "docs:" say where and why, and docs/chatwoot-server.md what each
// Chatwoot version sends. The package's API has only its own and the
// standard library's types.
package api

import (
	"embed"
	"fmt"
	"path"
	"strings"
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

// FixtureNames lists the response fixtures, sorted. Each is a complete 200
// body, {"payload": [...]}, written from what the server's views render:
//
//   - most show Chatwoot 4.15 (example_response.json is the server's own
//     example), v4_0_2.json the oldest release the spec describes, and
//     v4_18.json the keys and values of 4.16 to 4.18;
//   - legacy_v3.json is a server before 4.0.2 (no updated_at, no contact
//     blocked, no sla_policy_id): it decodes, but lacks keys the spec
//     requires;
//   - future_keys.json is a made-up newer server (keys and enum values no
//     release sends yet, integers beyond 2^53): it decodes and loses nothing.
//
// FixtureConforms tells which of them satisfy the spec.
func FixtureNames() []string {
	entries, _ := fixtures.ReadDir(fixtureDir) // cannot fail: the directory is embedded
	names := make([]string, 0, len(entries))
	for _, e := range entries {
		names = append(names, e.Name())
	}
	return names
}

// FixtureConforms reports whether the named fixture satisfies the spec:
// all but the servers older (legacy_*) or newer (future_*) than it describes.
func FixtureConforms(name string) bool {
	return !strings.HasPrefix(name, "legacy_") && !strings.HasPrefix(name, "future_")
}

// Fixture returns the bytes of the named fixture (a name from FixtureNames).
func Fixture(name string) ([]byte, error) {
	b, err := fixtures.ReadFile(path.Join(fixtureDir, name))
	if err != nil {
		return nil, fmt.Errorf("api: no fixture %q (see FixtureNames): %w", name, err)
	}
	return b, nil
}
