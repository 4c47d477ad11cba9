package openapispec_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/api"
	"github.com/go-chatwoot/chatwoot-go/internal/openapispec"
)

func TestLoad_ReturnsAnIndependentCopy(t *testing.T) {
	first, err := openapispec.Load(api.Spec())
	require.NoError(t, err)
	first.Components.Schemas["Conversation"].Value.Required = nil
	second, err := openapispec.Load(api.Spec())
	require.NoError(t, err)
	assert.NotEmpty(t, second.Components.Schemas["Conversation"].Value.Required)
}

func TestLoad_RefusesWhatIsNotAValidDocument(t *testing.T) {
	_, err := openapispec.Load([]byte("{"))
	assert.ErrorContains(t, err, "parse openapi.yaml")
	_, err = openapispec.Load([]byte(`{"openapi": "3.0.3", "info": {"title": "no version"}, "paths": {}}`))
	assert.ErrorContains(t, err, "not a valid OpenAPI 3.0 document")
}
