package timestamp_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot/timestamp"
)

func TestUnix_ZeroMeansNever(t *testing.T) {
	var never timestamp.Unix
	assert.False(t, never.IsSet())
	assert.True(t, never.Time().IsZero(), "not 1970-01-01")
	assert.Equal(t, "never", never.String())

	u := timestamp.Unix(1781691725)
	assert.True(t, u.IsSet())
	assert.Equal(t, time.Date(2026, 6, 17, 10, 22, 5, 0, time.UTC), u.Time())
	assert.Equal(t, "2026-06-17T10:22:05Z", u.String())
	assert.Equal(t, "1781691725", fmt.Sprintf("%d", u), "%d still prints the number")
}

func TestUnixFloat_ToTheMicrosecond(t *testing.T) {
	tests := map[float64]time.Time{
		1781691725.498213: time.Date(2026, 6, 17, 10, 22, 5, 498213000, time.UTC),
		1781691725.000001: time.Date(2026, 6, 17, 10, 22, 5, 1000, time.UTC),
		1781691725.999999: time.Date(2026, 6, 17, 10, 22, 5, 999999000, time.UTC),
		1777901472.004871: time.Date(2026, 5, 4, 13, 31, 12, 4871000, time.UTC),
		1612137600.0:      time.Date(2021, 2, 1, 0, 0, 0, 0, time.UTC),
	}
	for f, want := range tests {
		assert.Equal(t, want, timestamp.UnixFloat(f).Time(), "%f", f)
	}
	assert.True(t, timestamp.UnixFloat(0).Time().IsZero())
	assert.False(t, timestamp.UnixFloat(0).IsSet())
	assert.Equal(t, "2026-06-17T10:22:05.498213Z", timestamp.UnixFloat(1781691725.498213).String())
}

// What float32 (a bare `number` in the published spec) would do: move the
// time by about a minute. float64 keeps it.
func TestUnixFloat_KeepsWhatFloat32Loses(t *testing.T) {
	var f32 float32 = 1781691725.498213
	assert.Greater(t, float64(f32)-1781691725.498213, 40.0)
	var v struct{ UpdatedAt timestamp.UnixFloat }
	require.NoError(t, json.Unmarshal([]byte(`{"UpdatedAt":1781691725.498213}`), &v))
	b, err := json.Marshal(v)
	require.NoError(t, err)
	assert.JSONEq(t, `{"UpdatedAt":1781691725.498213}`, string(b), "encodes back to the same number")
}

func TestGetAndFormat_MakeNeverExplicit(t *testing.T) {
	var never timestamp.Unix
	_, ok := never.Get()
	assert.False(t, ok)
	assert.Equal(t, "", never.Format(time.RFC3339), "an empty cell, not \"never\" or 1970")
	at, ok := timestamp.Unix(1781683540).Get()
	assert.True(t, ok)
	assert.Equal(t, "2026-06-17T08:05:40Z", at.Format(time.RFC3339))
	assert.Equal(t, "2026-06-17", timestamp.Unix(1781683540).Format(time.DateOnly))

	var unset timestamp.UnixFloat
	_, ok = unset.Get()
	assert.False(t, ok)
	assert.Equal(t, "", unset.Format(time.RFC3339))
	assert.Equal(t, "2026-06-17T10:22:05.498213Z", timestamp.UnixFloat(1781691725.498213).Format(time.RFC3339Nano))
}
