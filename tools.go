//go:build tools

// Package tools pins the code generator used by `make generate`, so that
// `go run` builds the exact version recorded in go.mod and go.sum.
package tools

import (
	_ "github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen"
)
