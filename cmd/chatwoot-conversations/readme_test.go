package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readme returns README.md and the path of the module's root.
func readme(t *testing.T) (string, string) {
	t.Helper()
	root, err := filepath.Abs(filepath.Join("..", ".."))
	require.NoError(t, err)
	b, err := os.ReadFile(filepath.Join(root, "README.md"))
	require.NoError(t, err)
	return string(b), root
}

var fence = regexp.MustCompile("(?s)(<!-- readme:output[^\n]*-->\n)?```(go|text)\n(.*?)```")

// Every Go block of the README is a complete program that compiles, and
// the output shown after one is what it prints.
func TestReadme_GoBlocksAreProgramsThatWork(t *testing.T) {
	if testing.Short() {
		t.Skip("builds each program; run without -short")
	}
	text, root := readme(t)
	blocks := fence.FindAllStringSubmatch(text, -1)
	var programs int
	for i, b := range blocks {
		if b[2] != "go" {
			continue
		}
		programs++
		require.True(t, strings.HasPrefix(b[3], "package main\n"), "block %d is a complete program", programs)
		dir, err := os.MkdirTemp(root, "_readme") // inside the module, ignored by ./...
		require.NoError(t, err)
		t.Cleanup(func() { _ = os.RemoveAll(dir) })
		require.NoError(t, os.WriteFile(filepath.Join(dir, "main.go"), []byte(b[3]), 0o600))
		pkg := "./" + filepath.Base(dir)

		vet := exec.Command("go", "vet", pkg)
		vet.Dir = root
		out, err := vet.CombinedOutput()
		require.NoError(t, err, "README program %d: %s", programs, out)

		if i+1 < len(blocks) && blocks[i+1][1] != "" {
			run := exec.Command("go", "run", pkg)
			run.Dir = root
			out, err := run.Output()
			require.NoError(t, err, "README program %d runs", programs)
			assert.Equal(t, blocks[i+1][3], string(out), "README program %d prints what the README shows", programs)
		}
	}
	assert.Equal(t, 2, programs)
}

// The demo output in the README is the command's.
func TestReadme_ShowsTheRealDemo(t *testing.T) {
	text, _ := readme(t)
	m := regexp.MustCompile("(?s)<!-- readme:demo-output[^\n]*-->\n```text\n(.*?)```").FindStringSubmatch(text)
	require.NotNil(t, m)
	code, stdout, _ := runCommand(t, nil, "-demo")
	require.Equal(t, 0, code)
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	want := strings.Join(lines[:7], "\n") + "\n...\n" + lines[len(lines)-1] + "\n"
	assert.Equal(t, want, m[1])
}
