package messagetype_test

import (
	"encoding/json"
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/messagetype"
)

func TestType_PrintsItsName(t *testing.T) {
	assert.Equal(t, "incoming outgoing activity template type 7", fmt.Sprint(
		messagetype.Incoming, messagetype.Outgoing, messagetype.Activity, messagetype.Template, messagetype.Type(7)))
	assert.False(t, messagetype.Type(-1).Valid())
	assert.Equal(t, "type -1", messagetype.Type(-1).String())
}

// On the wire it stays the number the server sent.
func TestType_IsANumberInJSON(t *testing.T) {
	var v struct{ T messagetype.Type }
	require.NoError(t, json.Unmarshal([]byte(`{"T":3}`), &v))
	assert.Equal(t, messagetype.Template, v.T)
	out, err := json.Marshal(v)
	require.NoError(t, err)
	assert.JSONEq(t, `{"T":3}`, string(out))
}
