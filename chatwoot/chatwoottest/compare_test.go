package chatwoottest_test

import (
	"bytes"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/api"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// Compare closes every described object to keys it does not list (real
// servers may add keys: that is what it finds). The conforming fixtures
// show no difference, so they carry no key the spec does not describe.
func TestCompare_ConformingFixturesHaveNoDifference(t *testing.T) {
	for _, name := range api.FixtureNames() {
		if !api.FixtureConforms(name) {
			continue
		}
		body, err := api.Fixture(name)
		require.NoError(t, err)
		diffs, err := chatwoottest.Compare(body)
		require.NoError(t, err)
		assert.Empty(t, diffs, name)
	}

	body, err := api.Fixture("example_response.json")
	require.NoError(t, err)
	extra := bytes.Replace(body, []byte(`"muted": false,`), []byte(`"muted": false, "undescribed": 1,`), 1)
	require.NotEqual(t, body, extra)
	diffs, err := chatwoottest.Compare(extra)
	require.NoError(t, err)
	assert.Equal(t, []chatwoottest.Difference{{Path: "/payload/0/undescribed", Kind: chatwoottest.UnknownKey}}, diffs)
}

// A newer server's reply: every unknown key and value, by path, including
// inside the assignee (anyOf: the closest shape) and the sender (oneOf).
func TestCompare_FindsEveryDifferenceOfANewerServer(t *testing.T) {
	body, err := api.Fixture("future_keys.json")
	require.NoError(t, err)
	diffs, err := chatwoottest.Compare(body)
	require.NoError(t, err)
	var got []string
	for _, d := range diffs {
		got = append(got, d.String())
	}
	assert.Equal(t, []string{
		"unknown key /payload/0/brand_new_key",
		"unknown key /payload/0/messages/0/attachments/0/duration",
		`unknown value /payload/0/messages/0/attachments/0/file_type: "hologram"`,
		`unknown value /payload/0/messages/0/content_type: "hologram"`,
		"unknown key /payload/0/messages/0/conversation/priority",
		"unknown value /payload/0/messages/0/message_type: 4",
		"unknown key /payload/0/messages/0/reactions",
		`unknown value /payload/0/messages/0/sender/type: "robot", a kind of sender the spec does not list: only its id and name are checked`,
		"unknown key /payload/0/meta/assignee/pronouns",
		"unknown key /payload/0/meta/captain_waiting",
		`unknown value /payload/0/meta/channel: "Channel::Voice"`,
		`unknown value /payload/0/meta/sender/availability_status: "away"`,
		"unknown key /payload/0/meta/sender/pronouns",
		"unknown key /payload/0/meta/team/parent_id",
		`unknown value /payload/0/priority: "critical"`,
		`unknown value /payload/0/sla_events/0/event_type: "xrt"`,
		"unknown key /payload/0/sla_events/0/severity",
		`unknown value /payload/0/status: "archived"`,
	}, got)

	legacy, err := api.Fixture("legacy_v3.json")
	require.NoError(t, err)
	diffs, err = chatwoottest.Compare(legacy)
	require.NoError(t, err)
	require.NotEmpty(t, diffs)
	for _, d := range diffs {
		assert.Equal(t, chatwoottest.Violation, d.Kind, d.String())
		assert.Regexp(t, `property "(updated_at|blocked|sla_policy_id)" is missing`, d.Detail)
	}
}

// An assignee or a sender of a kind the spec does not list is that kind, an
// unknown value, not a violation of the shapes of the kinds it is not; what
// every kind has (the id and name the client reads) is still checked.
func TestCompare_AnUnknownKindIsAnUnknownValue(t *testing.T) {
	body := func(raw []byte) []byte { return append(append([]byte(`{"payload":[`), raw...), "]}"...) }
	diffs, err := chatwoottest.Compare(body(withUnknownKinds(t, 2, 5)))
	require.NoError(t, err)
	assert.Equal(t, []chatwoottest.Difference{
		{Path: "/payload/0/messages/0/sender/type", Kind: chatwoottest.UnknownValue,
			Detail: `"copilot", a kind of sender the spec does not list: only its id and name are checked`},
		{Path: "/payload/0/messages/0/sender_type", Kind: chatwoottest.UnknownValue, Detail: `"Captain::Copilot"`},
		{Path: "/payload/0/meta/assignee_type", Kind: chatwoottest.UnknownValue,
			Detail: `"Captain::Copilot", a kind of assignee the spec does not list: only its id and name are checked`},
	}, diffs)

	nameless := bytes.ReplaceAll(withUnknownKinds(t, 2, 5), []byte(`"name": "Copilot"`), []byte(`"title": "Copilot"`))
	diffs, err = chatwoottest.Compare(body(nameless))
	require.NoError(t, err)
	var got []string
	for _, d := range diffs {
		got = append(got, string(d.Kind)+" "+d.Path)
	}
	assert.Equal(t, []string{
		"violation /payload/0/messages/0/sender/name",
		"unknown value /payload/0/messages/0/sender/type",
		"unknown value /payload/0/messages/0/sender_type",
		"violation /payload/0/meta/assignee/name",
		"unknown value /payload/0/meta/assignee_type",
	}, got, "a kind without a name is one no program can show")
}
