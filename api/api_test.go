package api_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/api"
	"github.com/go-chatwoot/chatwoot-go/internal/openapispec"
)

func load(t *testing.T) *openapi3.T {
	t.Helper()
	doc, err := openapispec.Load(api.Spec())
	require.NoError(t, err)
	return doc
}

func TestSpec_IsValidAndDescribesTheEndpoint(t *testing.T) {
	doc := load(t)
	assert.Equal(t, "3.0.3", doc.OpenAPI)
	path := doc.Paths.Find("/api/v1/accounts/{account_id}/contacts/{contact_id}/conversations")
	require.NotNil(t, path)
	require.NotNil(t, path.Get)
	assert.Equal(t, "listContactConversations", path.Get.OperationID)
	for _, status := range []int{200, 401, 403, 404, 422, 429, 500} {
		assert.NotNil(t, path.Get.Responses.Status(status), "status %d", status)
	}
	assert.NotNil(t, path.Get.Responses.Status(429).Value.Content.Get("text/plain"), "429 is text/plain")
	scheme := doc.Components.SecuritySchemes["apiAccessToken"].Value
	assert.Equal(t, "header", scheme.In)
	assert.Equal(t, "Api-Access-Token", scheme.Name)

	// Floats are doubles: a bare number would become float32 in Go.
	assert.Equal(t, "double", doc.Components.Schemas["UnixFloatTime"].Value.Format)
}

// Package api's exported API has only its own and the standard library's
// types (and this module's public packages'), so that an upgrade of the
// OpenAPI library is no breaking change of ours.
func TestAPI_ExportsNoTypeOfAnotherModule(t *testing.T) {
	const module = "github.com/go-chatwoot/chatwoot-go/"
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	exported, foreign := 0, []string{}
	for _, e := range entries {
		if !strings.HasSuffix(e.Name(), ".go") || strings.HasSuffix(e.Name(), "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), e.Name(), nil, parser.SkipObjectResolution)
		require.NoError(t, err)
		imports := map[string]string{}
		for _, imp := range f.Imports {
			path := strings.Trim(imp.Path.Value, `"`)
			name := path[strings.LastIndex(path, "/")+1:]
			if imp.Name != nil {
				name = imp.Name.Name
			}
			imports[name] = path
		}
		// check reports every type of a package outside the standard
		// library and this module's public packages named in n.
		check := func(what string, n ast.Node) {
			exported++
			ast.Inspect(n, func(n ast.Node) bool {
				if field, ok := n.(*ast.Field); ok && len(field.Names) > 0 && !field.Names[0].IsExported() {
					return false // an unexported struct field
				}
				sel, ok := n.(*ast.SelectorExpr)
				if !ok {
					return true
				}
				if pkg, ok := sel.X.(*ast.Ident); ok {
					path := imports[pkg.Name]
					stdlib := !strings.Contains(strings.Split(path, "/")[0], ".")
					public := strings.HasPrefix(path, module) && !strings.Contains(path, "/internal/")
					if !stdlib && !public {
						foreign = append(foreign, fmt.Sprintf("%s: %s names %s.%s, of %s", e.Name(), what, pkg.Name, sel.Sel.Name, path))
					}
				}
				return false
			})
		}
		for _, d := range f.Decls {
			switch d := d.(type) {
			case *ast.FuncDecl:
				if d.Name.IsExported() && (d.Recv == nil || ast.IsExported(receiver(d))) {
					check(d.Name.Name, d.Type)
				}
			case *ast.GenDecl:
				for _, spec := range d.Specs {
					switch s := spec.(type) {
					case *ast.TypeSpec:
						if s.Name.IsExported() {
							check(s.Name.Name, s.Type)
						}
					case *ast.ValueSpec:
						if s.Names[0].IsExported() && s.Type != nil {
							check(s.Names[0].Name, s.Type)
						}
					}
				}
			}
		}
	}
	assert.GreaterOrEqual(t, exported, 4, "the test saw package api's API")
	assert.Empty(t, foreign, "package api's API names types of other modules (or of internal packages)")
}

// receiver names a method's receiver type; "" for a function.
func receiver(d *ast.FuncDecl) string {
	if d.Recv == nil {
		return ""
	}
	t := d.Recv.List[0].Type
	if star, ok := t.(*ast.StarExpr); ok {
		t = star.X
	}
	if id, ok := t.(*ast.Ident); ok {
		return id.Name
	}
	return ""
}

func TestSpec_ReturnsACopy(t *testing.T) {
	b := api.Spec()
	require.True(t, bytes.HasPrefix(b, []byte("# Chatwoot")))
	b[0] = 'X'
	assert.Equal(t, byte('#'), api.Spec()[0])
}

func TestFixture_UnknownNameSaysWhereToLook(t *testing.T) {
	_, err := api.Fixture("nope.json")
	assert.ErrorContains(t, err, "see FixtureNames")
}

// validateFixture checks a 200 body against the response schema, formats
// (date-time, int64, double) included, reporting every violation.
func validateFixture(doc *openapi3.T, body []byte) error {
	var v any
	if err := json.Unmarshal(body, &v); err != nil {
		return err
	}
	schema := doc.Components.Schemas["ContactConversationsResponse"].Value
	return schema.VisitJSON(v, openapi3.EnableFormatValidation(), openapi3.MultiErrors())
}

func TestFixtures_SatisfyTheSpec(t *testing.T) {
	doc := load(t)
	names := api.FixtureNames()
	require.Contains(t, names, "example_response.json")
	require.Contains(t, names, "v4_18.json")
	for _, name := range names {
		body, err := api.Fixture(name)
		require.NoError(t, err)
		if api.FixtureConforms(name) {
			assert.NoError(t, validateFixture(doc, body), name)
		}
	}
}

// The fixtures of other versions do not conform, and for the reasons they
// exist: an old server lacks exactly the keys added in 4.0.2.
func TestFixtures_OtherVersionsDifferWhereExpected(t *testing.T) {
	doc := load(t)
	legacy, err := api.Fixture("legacy_v3.json")
	require.NoError(t, err)
	err = validateFixture(doc, legacy)
	require.Error(t, err)
	for _, line := range strings.Split(err.Error(), " | ") {
		assert.Regexp(t, `property "(updated_at|blocked|sla_policy_id)" is missing`, line)
	}

	future, err := api.Fixture("future_keys.json")
	require.NoError(t, err)
	err = validateFixture(doc, future)
	require.Error(t, err)
	assert.ErrorContains(t, err, `"/payload/0/status": value is not one of the allowed values`)
	assert.False(t, api.FixtureConforms("future_keys.json"))
	assert.True(t, api.FixtureConforms("v4_18.json"))
}

// The check above can fail: what the published docs describe is rejected.
func TestFixtures_TheSpecRejectsWhatTheDocsDescribe(t *testing.T) {
	doc := load(t)
	body, err := api.Fixture("example_response.json")
	require.NoError(t, err)
	for name, mutate := range map[string]func(conv map[string]any){
		"snoozed_until as a number":      func(c map[string]any) { c["snoozed_until"] = 123 },
		"timestamp as a string":          func(c map[string]any) { c["timestamp"] = "2026-06-17" },
		"a required key left out":        func(c map[string]any) { delete(c, "updated_at") },
		"message updated_at as a number": func(c map[string]any) { c["messages"].([]any)[0].(map[string]any)["updated_at"] = 123 },
		"a float id":                     func(c map[string]any) { c["id"] = 1542.5 },
		"an unknown sender type": func(c map[string]any) {
			c["messages"].([]any)[0].(map[string]any)["sender"].(map[string]any)["type"] = "robot"
		},
	} {
		var v map[string]any
		require.NoError(t, json.Unmarshal(body, &v))
		mutate(v["payload"].([]any)[0].(map[string]any))
		mutated, err := json.Marshal(v)
		require.NoError(t, err)
		assert.Error(t, validateFixture(doc, mutated), name)
	}
}

// gen/ must be exactly what oapi-codegen makes of the spec: nobody edits it.
func TestGeneratedCode_IsUpToDate(t *testing.T) {
	if testing.Short() {
		t.Skip("builds oapi-codegen; run without -short")
	}
	root, err := filepath.Abs("..")
	require.NoError(t, err)
	config, err := os.ReadFile(filepath.Join(root, "gen", "config.yaml"))
	require.NoError(t, err)
	out := filepath.Join(t.TempDir(), "chatwoot.gen.go")
	tmpConfig := filepath.Join(t.TempDir(), "config.yaml")
	require.NoError(t, os.WriteFile(tmpConfig,
		[]byte(strings.Replace(string(config), "output: gen/chatwoot.gen.go", "output: "+out, 1)), 0o600))

	cmd := exec.Command("go", "run", "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen",
		"-config", tmpConfig, filepath.Join(root, "api", "openapi.yaml"))
	cmd.Dir = root
	output, err := cmd.CombinedOutput()
	require.NoError(t, err, string(output))

	want, err := os.ReadFile(out)
	require.NoError(t, err)
	got, err := os.ReadFile(filepath.Join(root, "gen", "chatwoot.gen.go"))
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "gen/chatwoot.gen.go differs from what `make generate` makes of api/openapi.yaml: run `make generate` and commit the result; never edit gen/ by hand")
}
