package chatwoot_test

import (
	"go/ast"
	"go/doc"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/jsonvalue"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/messagetype"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/api"
	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/internal/openapispec"
)

const (
	genPath      = "github.com/go-chatwoot/chatwoot-go/gen"
	chatwootPath = "github.com/go-chatwoot/chatwoot-go/chatwoot"
)

// generatedCode is what gen/chatwoot.gen.go declares: its exported struct
// types with their fields, its constants, and its aliases (FreeForm =
// jsonvalue.Value) as written.
type generatedCode struct {
	structs map[string][]string
	consts  []string
	aliases map[string]string
}

func generated(t *testing.T) generatedCode {
	t.Helper()
	f, err := parser.ParseFile(token.NewFileSet(), filepath.Join("..", "gen", "chatwoot.gen.go"), nil, 0)
	require.NoError(t, err)
	g := generatedCode{structs: map[string][]string{}, aliases: map[string]string{}}
	for _, d := range f.Decls {
		decl, ok := d.(*ast.GenDecl)
		if !ok {
			continue
		}
		for _, spec := range decl.Specs {
			switch s := spec.(type) {
			case *ast.ValueSpec:
				if decl.Tok == token.CONST {
					for _, n := range s.Names {
						g.consts = append(g.consts, n.Name)
					}
				}
			case *ast.TypeSpec:
				if s.Assign != 0 {
					g.aliases[s.Name.Name] = spellExpr(s.Type, nil)
				}
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
				g.structs[s.Name.Name] = fields
			}
		}
	}
	return g
}

// chatwootFiles parses package chatwoot's own files (not its tests).
func chatwootFiles(t *testing.T) (*token.FileSet, []*ast.File) {
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
	return fset, files
}

// chatwootDocs reads package chatwoot's declarations and their comments.
func chatwootDocs(t *testing.T) *doc.Package {
	t.Helper()
	fset, files := chatwootFiles(t)
	p, err := doc.NewFromFiles(fset, files, chatwootPath)
	require.NoError(t, err)
	return p
}

// chatwootNames maps each generated type that package chatwoot re-exports
// (Agent = gen.Agent) to the name chatwoot gives it.
func chatwootNames(t *testing.T) map[string]string {
	t.Helper()
	_, files := chatwootFiles(t)
	names := map[string]string{}
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			s, ok := n.(*ast.TypeSpec)
			if !ok || s.Assign == 0 {
				return true
			}
			if sel, ok := s.Type.(*ast.SelectorExpr); ok && spellExpr(sel.X, nil) == "gen" {
				names[sel.Sel.Name] = s.Name.Name
			}
			return false
		})
	}
	return names
}

// spellExpr spells a type expression in one canonical form. expand gives
// the alias's target for a name that is spelled through an alias
// (FreeForm: jsonvalue.Value), so that the doc's spelling and the
// generated code's compare equal when they name the same type.
func spellExpr(e ast.Expr, expand map[string]string) string {
	switch e := e.(type) {
	case *ast.Ident:
		if to, ok := expand[e.Name]; ok {
			return to
		}
		return e.Name
	case *ast.StarExpr:
		return "*" + spellExpr(e.X, expand)
	case *ast.ArrayType:
		if e.Len == nil {
			return "[]" + spellExpr(e.Elt, expand)
		}
	case *ast.MapType:
		return "map[" + spellExpr(e.Key, expand) + "]" + spellExpr(e.Value, expand)
	case *ast.SelectorExpr:
		return spellExpr(e.X, nil) + "." + e.Sel.Name
	case *ast.IndexExpr:
		return spellExpr(e.X, expand) + "[" + spellExpr(e.Index, expand) + "]"
	case *ast.StructType:
		var fields []string
		for _, f := range e.Fields.List {
			for _, n := range f.Names {
				fields = append(fields, n.Name+" "+spellExpr(f.Type, expand))
			}
		}
		return "struct{ " + strings.Join(fields, "; ") + " }"
	}
	return "?" // a form no field has: it matches nothing
}

// spellType spells a Go type as package chatwoot names it: a generated type
// by its re-exported name (gen.Agent is Agent), another package's type with
// its package (jsonvalue.Value, time.Time). A generated type chatwoot does
// not name stays gen.X: a user would have to import gen to build it.
func spellType(t reflect.Type, names map[string]string) string {
	switch t.Kind() {
	case reflect.Pointer:
		return "*" + spellType(t.Elem(), names)
	case reflect.Slice:
		if t.Name() == "" {
			return "[]" + spellType(t.Elem(), names)
		}
	case reflect.Map:
		if t.Name() == "" {
			return "map[" + spellType(t.Key(), names) + "]" + spellType(t.Elem(), names)
		}
	case reflect.Struct:
		if t.Name() == "" {
			var fields []string
			for i := range t.NumField() {
				fields = append(fields, t.Field(i).Name+" "+spellType(t.Field(i).Type, names))
			}
			return "struct{ " + strings.Join(fields, "; ") + " }"
		}
	case reflect.Interface:
		if t.Name() == "" && t.NumMethod() == 0 {
			return "any"
		}
	}
	if t == reflect.TypeFor[jsonvalue.Value]() { // an alias of jsontext.Value
		return "jsonvalue.Value"
	}
	return spellNamed(t.PkgPath(), t.Name(), names)
}

// typeArgs splits an instantiated generic type's name, as reflect gives it:
// Lenient[github.com/go-chatwoot/chatwoot-go/gen.Call].
var typeArgs = regexp.MustCompile(`^(\w+)\[(.+)\.(\w+)\]$`)

func spellNamed(pkgPath, name string, names map[string]string) string {
	if m := typeArgs.FindStringSubmatch(name); m != nil {
		name = m[1] + "[" + spellNamed(m[2], m[3], names) + "]"
	}
	switch pkgPath {
	case "":
		return name // int64, string, …
	case chatwootPath:
		return name
	case genPath:
		if n, ok := names[name]; ok {
			return n
		}
		return "gen." + name
	}
	return pkgPath[strings.LastIndex(pkgPath, "/")+1:] + "." + name
}

// documented are the generated structs whose doc comments in package
// chatwoot list their fields, by the name of the type that lists them.
var documented = map[string]reflect.Type{
	"Agent":                  reflect.TypeFor[chatwoot.Agent](),
	"AgentBot":               reflect.TypeFor[chatwoot.AgentBot](),
	"AgentBotSender":         reflect.TypeFor[chatwoot.AgentBotSender](),
	"AppliedSLA":             reflect.TypeFor[chatwoot.AppliedSLA](),
	"Attachment":             reflect.TypeFor[chatwoot.Attachment](),
	"Call":                   reflect.TypeFor[chatwoot.Call](),
	"CaptainAssistant":       reflect.TypeFor[chatwoot.CaptainAssistant](),
	"CaptainAssistantSender": reflect.TypeFor[chatwoot.CaptainAssistantSender](),
	"Contact":                reflect.TypeFor[chatwoot.Contact](),
	"ContactSender":          reflect.TypeFor[chatwoot.ContactSender](),
	"Conversation":           reflect.TypeFor[chatwoot.ConversationFields](), // listed in Conversation's doc
	"ConversationMeta":       reflect.TypeFor[chatwoot.ConversationMeta](),
	"Message":                reflect.TypeFor[chatwoot.Message](),
	"MessageConversation":    reflect.TypeFor[chatwoot.MessageConversation](),
	"SLAEvent":               reflect.TypeFor[chatwoot.SLAEvent](),
	"Team":                   reflect.TypeFor[chatwoot.Team](),
	"UserSender":             reflect.TypeFor[chatwoot.UserSender](),
}

// notModels are generated structs that package chatwoot does not re-export:
// the generated client and the bodies, which the client reads itself.
var notModels = map[string]bool{
	"Client": true, "ClientWithResponses": true, "ListContactConversationsResponse": true,
	"ContactConversationsResponse": true, "ErrorBody": true,
}

// Package chatwoot names every generated model and enum type; the enum
// values stay gen's constants.
func TestTypes_ReexportEveryModel(t *testing.T) {
	g := generated(t)
	for name := range g.structs {
		if !notModels[name] {
			typ, ok := documented[name]
			if assert.True(t, ok, "chatwoot re-exports gen.%s and its doc lists its fields (add it to documented)", name) {
				assert.Equal(t, genPath+"."+name, typ.PkgPath()+"."+typ.Name())
			}
		}
	}
	p := chatwootDocs(t)
	for _, c := range g.consts {
		for _, v := range p.Consts {
			assert.NotContains(t, v.Names, c, "gen.%s is gen's: chatwoot names the types only", c)
		}
	}
	assert.Greater(t, len(g.consts), 80)
}

// A field line of a doc comment: "- Name (json_key, GoType)", then
// optionally ": what it means".
var fieldLine = regexp.MustCompile(`^\s*- (\w+) \((\w+), ([^)]+)\)(?::\s.*)?$`)

// fieldList returns the lines of a doc comment's field list: those after
// the line that ends "(JSON key, Go type):", up to the first that is not an
// item.
func fieldList(comment string) []string {
	_, after, ok := strings.Cut(comment, "(JSON key, Go type):\n")
	if !ok {
		return nil
	}
	var lines []string
	for _, l := range strings.Split(after, "\n") {
		if !strings.HasPrefix(strings.TrimSpace(l), "- ") {
			break
		}
		lines = append(lines, l)
	}
	return lines
}

// The field lists in package chatwoot's docs are what go doc shows of the
// models: each line names a field the generated struct has, with its JSON
// key and its type as package chatwoot spells it, and every field is
// listed. So the docs cannot cite a field or type that does not exist, nor
// a type a user must import gen to build.
func TestTypes_FieldListsMatchTheGeneratedStructs(t *testing.T) {
	g := generated(t)
	names := chatwootNames(t)
	expand := map[string]string{} // FreeForm → jsonvalue.Value: chatwoot's names of gen's aliases
	for genName, to := range g.aliases {
		if n, ok := names[genName]; ok {
			expand[n] = to
		}
	}
	lists := map[string]string{}
	for _, ty := range chatwootDocs(t).Types {
		if fieldList(ty.Doc) != nil {
			lists[ty.Name] = ty.Doc
		}
	}
	for name := range lists {
		assert.Contains(t, documented, name, "the doc of %s lists fields: the test must know its struct", name)
	}
	for name, typ := range documented {
		lines := fieldList(lists[name])
		if !assert.NotEmpty(t, lines, "the doc of %s lists its fields under \"(JSON key, Go type):\"", name) {
			continue
		}
		listed := map[string]bool{}
		for _, line := range lines {
			m := fieldLine.FindStringSubmatch(line)
			if !assert.NotNil(t, m, "%s: a field line reads \"- Name (json_key, GoType)\": %q", name, line) {
				continue
			}
			field, key, docType := m[1], m[2], m[3]
			assert.False(t, listed[field], "%s lists %s twice", name, field)
			listed[field] = true
			f, ok := typ.FieldByName(field)
			if !assert.True(t, ok, "%s's doc lists a field %s that it does not have", name, field) {
				continue
			}
			jsonName, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			assert.Equal(t, jsonName, key, "%s.%s: its JSON key", name, field)
			expr, err := parser.ParseExpr(docType)
			if !assert.NoError(t, err, "%s.%s: the doc's type %q", name, field, docType) {
				continue
			}
			want := spellType(f.Type, names)
			assert.NotContains(t, want, "gen.", "%s.%s has a type that package chatwoot does not name", name, field)
			assert.Equal(t, want, spellExpr(expr, expand), "%s.%s: the doc says %s", name, field, docType)
		}
		for i := range typ.NumField() {
			if f := typ.Field(i); f.IsExported() {
				assert.True(t, listed[f.Name], "the doc of %s lists its field %s", name, f.Name)
			}
		}
	}
}

// MessageType's constants are the spec's enum, and print their names.
func TestMessageType_MatchesTheSpec(t *testing.T) {
	doc, err := openapispec.Load(api.Spec())
	require.NoError(t, err)
	schema := doc.Components.Schemas["MessageType"].Value
	require.Equal(t, []any{0.0, 1.0, 2.0, 3.0}, schema.Enum)
	assert.Equal(t, []any{"Incoming", "Outgoing", "Activity", "Template"}, schema.Extensions["x-enum-varnames"])
	for i, mt := range []chatwoot.MessageType{messagetype.Incoming, messagetype.Outgoing, messagetype.Activity, messagetype.Template} {
		assert.Equal(t, chatwoot.MessageType(i), mt)
		assert.True(t, mt.Valid())
		assert.Equal(t, strings.ToLower(schema.Extensions["x-enum-varnames"].([]any)[i].(string)), mt.String())
	}
	assert.Equal(t, "type 4", chatwoot.MessageType(4).String())
	assert.False(t, chatwoot.MessageType(4).Valid())
}
