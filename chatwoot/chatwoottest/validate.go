package chatwoottest

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"

	"github.com/go-chatwoot/chatwoot-go/api"
	"github.com/go-chatwoot/chatwoot-go/internal/openapispec"
)

// loadSpec loads api/openapi.yaml and builds its router once per process.
var loadSpec = sync.OnceValues(func() (routers.Router, error) {
	doc, err := openapispec.Load(api.Spec())
	if err != nil {
		return nil, fmt.Errorf("chatwoottest: %w", err)
	}
	// The fake serves whatever host it listens on; route by path alone.
	doc.Servers = nil
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, fmt.Errorf("chatwoottest: route api/openapi.yaml: %w", err)
	}
	return router, nil
})

// validationOptions check formats (date-time, int64, double) too. The token
// is checked by the fake itself, so that a missing or wrong one gets
// Chatwoot's own 401 rather than a violation.
var validationOptions = &openapi3filter.Options{
	AuthenticationFunc:      openapi3filter.NoopAuthenticationFunc,
	IncludeResponseStatus:   true,
	MultiError:              true,
	SchemaValidationOptions: []openapi3.SchemaValidationOption{openapi3.EnableFormatValidation()},
}

// validateRequest checks r against the spec and returns its route and path
// parameters.
func validateRequest(r *http.Request) (*routers.Route, map[string]string, error) {
	router, err := loadSpec()
	if err != nil {
		return nil, nil, err
	}
	route, params, err := router.FindRoute(r)
	if err != nil {
		return nil, nil, fmt.Errorf("chatwoottest: request %s %s is not in api/openapi.yaml: %w", r.Method, r.URL.Path, err)
	}
	in := &openapi3filter.RequestValidationInput{Request: r, PathParams: params, Route: route, Options: validationOptions}
	if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
		return nil, nil, fmt.Errorf("chatwoottest: request %s %s violates api/openapi.yaml: %w", r.Method, r.URL.Path, err)
	}
	return route, params, nil
}

// validateResponse checks a reply the fake is about to send.
func validateResponse(r *http.Request, route *routers.Route, status int, contentType string, body []byte) error {
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{Request: r, Route: route, Options: validationOptions},
		Status:                 status,
		Header:                 http.Header{"Content-Type": {contentType}},
		Body:                   io.NopCloser(bytes.NewReader(body)),
		Options:                validationOptions,
	}
	if err := openapi3filter.ValidateResponse(context.Background(), in); err != nil {
		return fmt.Errorf("chatwoottest: the %d reply to %s %s violates api/openapi.yaml (fix the data given to AddConversations): %w", status, r.Method, r.URL.Path, err)
	}
	return nil
}
