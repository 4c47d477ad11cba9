// Package openapispec loads api/openapi.yaml as a kin-openapi document, for
// the packages of this module that check JSON and HTTP exchanges against
// it: the test kit's Compare and validation (chatwoot/chatwoottest) and
// tests.
//
// It is internal so that no exported API of this module has a kin-openapi
// type: package api gives the spec as bytes (api.Spec) and its differences
// in its own types, and a kin-openapi upgrade changes nothing a user of the
// module builds against. It does not import api (api uses it): callers pass
// the spec.
package openapispec

import (
	"context"
	"fmt"

	"github.com/getkin/kin-openapi/openapi3"
)

// Load parses an OpenAPI 3.0 document, such as api.Spec(), and validates
// it. Each call returns a new document, so a caller may change its copy
// (close or tighten schemas, drop the servers) without affecting anyone
// else.
func Load(spec []byte) (*openapi3.T, error) {
	doc, err := openapi3.NewLoader().LoadFromData(spec)
	if err != nil {
		return nil, fmt.Errorf("parse openapi.yaml: %w", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("openapi.yaml is not a valid OpenAPI 3.0 document: %w", err)
	}
	return doc, nil
}
