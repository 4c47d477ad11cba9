package chatwoot_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/api"
	"github.com/go-chatwoot/chatwoot-go/chatwoot"
)

// generated reads gen/chatwoot.gen.go: its struct types with their fields,
// and its constants.
func generated(t *testing.T) (map[string][]string, []string) {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "gen", "chatwoot.gen.go"), nil, 0)
	require.NoError(t, err)
	structs := map[string][]string{}
	var consts []string
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range g.Specs {
			switch s := spec.(type) {
			case *ast.ValueSpec:
				if g.Tok == token.CONST {
					for _, n := range s.Names {
						consts = append(consts, n.Name)
					}
				}
			case *ast.TypeSpec:
				st, ok := s.Type.(*ast.StructType)
				if !ok || !s.Name.IsExported() {
					continue
				}
				fields := []string{}
				for _, fl := range st.Fields.List {
					for _, n := range fl.Names {
						if n.IsExported() {
							fields = append(fields, n.Name)
						}
					}
				}
				structs[s.Name.Name] = fields
			}
		}
	}
	return structs, consts
}

// chatwootDocs reads package chatwoot's declarations and their comments.
func chatwootDocs(t *testing.T) *doc.Package {
	t.Helper()
	fset := token.NewFileSet()
	entries, err := os.ReadDir(".")
	require.NoError(t, err)
	var files []*ast.File
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".go") && !strings.HasSuffix(e.Name(), "_test.go") {
			f, err := parser.ParseFile(fset, e.Name(), nil, parser.ParseComments)
			require.NoError(t, err)
			files = append(files, f)
		}
	}
	p, err := doc.NewFromFiles(fset, files, "github.com/go-chatwoot/chatwoot-go/chatwoot")
	require.NoError(t, err)
	return p
}

// Package chatwoot names every generated model and enum value, and each
// model's documentation lists every one of its fields, so that go doc and
// pkg.go.dev answer "what is in a Message" without a trip to gen.
func TestTypes_ReexportEverything(t *testing.T) {
	structs, consts := generated(t)
	p := chatwootDocs(t)
	typeDoc := map[string]string{}
	for _, ty := range p.Types {
		typeDoc[ty.Name] = ty.Doc
	}
	names := map[string]bool{}
	for _, c := range p.Consts {
		for _, n := range c.Names {
			names[n] = true
		}
	}
	for _, ty := range p.Types {
		for _, c := range ty.Consts {
			for _, n := range c.Names {
				names[n] = true
			}
		}
	}
	notModels := map[string]bool{ // the client, the unions (Conversation.Assignee, SenderOf read them), the bodies
		"Client": true, "ClientWithResponses": true, "ListContactConversationsResponse": true,
		"Assignee": true, "MessageSender": true, "ContactConversationsResponse": true, "ErrorBody": true,
	}
	for name, fields := range structs {
		if notModels[name] {
			continue
		}
		doc, ok := typeDoc[name]

		if !assert.True(t, ok, "chatwoot re-exports gen.%s", name) {
			continue
		}
		for _, f := range fields {
			assert.Regexp(t, regexp.MustCompile(`(?m)^\s*- `+f+` \(`), doc, "the doc of %s lists its field %s", name, f)
		}
	}
	for _, c := range consts {
		assert.True(t, names[c], "chatwoot re-exports gen.%s", c)
	}
	assert.Greater(t, len(consts), 80)
}

// MessageType's constants are the spec's enum, and print their names.
func TestMessageType_MatchesTheSpec(t *testing.T) {
	doc, err := api.Load()
	require.NoError(t, err)
	schema := doc.Components.Schemas["MessageType"].Value
	require.Equal(t, []any{0.0, 1.0, 2.0, 3.0}, schema.Enum)
	assert.Equal(t, []any{"Incoming", "Outgoing", "Activity", "Template"}, schema.Extensions["x-enum-varnames"])
	for i, mt := range []chatwoot.MessageType{chatwoot.MessageTypeIncoming, chatwoot.MessageTypeOutgoing, chatwoot.MessageTypeActivity, chatwoot.MessageTypeTemplate} {
		assert.Equal(t, chatwoot.MessageType(i), mt)
		assert.True(t, mt.Valid())
		assert.Equal(t, strings.ToLower(schema.Extensions["x-enum-varnames"].([]any)[i].(string)), mt.String())
	}
	assert.Equal(t, "type 4", chatwoot.MessageType(4).String())
	assert.False(t, chatwoot.MessageType(4).Valid())
	_ = openapi3.Schema{}
}
