package chatwoottest_test

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/go-chatwoot/chatwoot-go/gen"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
	"github.com/go-chatwoot/chatwoot-go/chatwoot/chatwoottest"
)

// newestIDs is what the server sends of convs: the ids of the 20 with the
// newest activity, newest first.
func newestIDs(convs []chatwoot.Conversation) []int64 {
	convs = slices.Clone(convs)
	slices.SortStableFunc(convs, func(a, b chatwoot.Conversation) int { return cmp.Compare(b.LastActivityAt, a.LastActivityAt) })
	var ids []int64
	for _, c := range convs[:min(len(convs), chatwoot.MaxConversations)] {
		ids = append(ids, c.ID)
	}
	return ids
}

func listIDs(t *testing.T, c *chatwoot.Client, contactID int64) ([]int64, error) {
	t.Helper()
	convs, err := c.ListContactConversations(context.Background(), chatwoottest.DemoAccountID, contactID)
	var ids []int64
	for _, conv := range convs {
		ids = append(ids, conv.ID)
	}
	return ids, err
}

// WithDemoContacts(n): the demo account holds DemoContactID to
// DemoContactID+n-1, the seeded ones with their own conversations and the
// others with DemoConversations'; one past the range is a 404.
func TestWithDemoContacts_ServesTheRangeAndNoMore(t *testing.T) {
	const n = 40
	srv := chatwoottest.NewServer(t, chatwoottest.WithDemoContacts(n))
	c := client(t, srv)
	last := chatwoottest.DemoContactID + n - 1
	want := chatwoottest.DemoConversations(last)
	require.NotEmpty(t, want, "the test needs a last contact with conversations")

	ids, err := listIDs(t, c, last)
	require.NoError(t, err)
	assert.Equal(t, newestIDs(want), ids)
	demo, err := listIDs(t, c, chatwoottest.DemoContactID)
	require.NoError(t, err)
	assert.Len(t, demo, chatwoottest.DemoConversationCount, "the seeded contacts keep theirs")
	_, err = listIDs(t, c, last+1)
	assert.ErrorIs(t, err, chatwoot.ErrNotFound)
	other, err := c.ListContactConversations(context.Background(), chatwoottest.OtherAccountID, chatwoottest.OtherAccountContactID)
	require.NoError(t, err)
	assert.Len(t, other, 2, "the other accounts are as seeded")
	assert.Empty(t, srv.Violations())
}

// Fewer contacts than the seed has: the seeded ones past the range are
// left out.
func TestWithDemoContacts_FewerThanTheSeed(t *testing.T) {
	srv := chatwoottest.NewServer(t, chatwoottest.WithDemoContacts(2))
	c := client(t, srv)
	ids, err := listIDs(t, c, chatwoottest.NoConversationsContactID)
	require.NoError(t, err)
	assert.Empty(t, ids)
	for _, id := range []int64{chatwoottest.OneConversationContactID, chatwoottest.ManyConversationsContactID} {
		_, err := listIDs(t, c, id)
		assert.ErrorIs(t, err, chatwoot.ErrNotFound, "contact %d", id)
	}
}

// A generated contact's conversations are made when it is first used: a
// million contacts cost nothing until asked for, without a seed too.
func TestWithDemoContacts_AMillionContacts(t *testing.T) {
	srv := chatwoottest.NewServer(t, chatwoottest.WithoutSeedData(), chatwoottest.WithDemoContacts(chatwoottest.MaxDemoContacts))
	c := client(t, srv)
	for _, id := range []int64{chatwoottest.DemoContactID, chatwoottest.DemoContactID + chatwoottest.MaxDemoContacts - 1} {
		ids, err := listIDs(t, c, id)
		require.NoError(t, err)
		assert.Equal(t, newestIDs(chatwoottest.DemoConversations(id)), ids, "contact %d", id)
	}
	_, err := listIDs(t, c, chatwoottest.DemoContactID+chatwoottest.MaxDemoContacts)
	assert.ErrorIs(t, err, chatwoot.ErrNotFound)
}

// AddConversations adds to a generated contact's conversations.
func TestWithDemoContacts_AddConversationsToAGeneratedContact(t *testing.T) {
	srv := chatwoottest.NewServer(t, chatwoottest.WithDemoContacts(100))
	id := chatwoottest.DemoContactID + 4
	for len(chatwoottest.DemoConversations(id)) == 0 || len(chatwoottest.DemoConversations(id)) >= chatwoot.MaxConversations {
		id++
	}
	added := chatwoottest.NewConversation(1, id)
	added.LastActivityAt = chatwoottest.DemoConversations(id)[0].LastActivityAt + 1
	srv.AddConversations(chatwoottest.DemoAccountID, id, added)
	ids, err := listIDs(t, client(t, srv), id)
	require.NoError(t, err)
	assert.Equal(t, append([]int64{1}, newestIDs(chatwoottest.DemoConversations(id))...), ids)
}

func TestWithDemoContacts_RefusesWhatItCannotServe(t *testing.T) {
	for _, n := range []int{0, -1, chatwoottest.MaxDemoContacts + 1} {
		tb := &fatalTB{TB: t}
		assert.False(t, inGoroutine(func() { chatwoottest.NewServer(tb, chatwoottest.WithDemoContacts(n)) }))
		require.Len(t, tb.Fatals(), 1)
		assert.Contains(t, tb.Fatals()[0], "WithDemoContacts(")
		assert.Contains(t, tb.Fatals()[0], "give between 1 and 1000000 contacts")
	}
}

// The generated conversations are the same for the same contact, exactly
// what the spec describes, and varied: in number, status, assignee and
// latest message.
func TestDemoConversations_VariedValidAndDeterministic(t *testing.T) {
	var all []chatwoot.Conversation
	counts := map[int]int{}
	seen := map[string]bool{}
	for id := chatwoottest.DemoContactID + 4; id < chatwoottest.DemoContactID+104; id++ {
		convs := chatwoottest.DemoConversations(id)
		if id%10 == 0 {
			again, err := json.Marshal(chatwoottest.DemoConversations(id))
			require.NoError(t, err)
			first, err := json.Marshal(convs)
			require.NoError(t, err)
			require.JSONEq(t, string(first), string(again), "contact %d", id)
		}
		counts[len(convs)]++
		for _, c := range convs {
			assert.Equal(t, id, c.Meta.Sender.ID)
			assert.Equal(t, chatwoottest.DemoAccountID, c.AccountID)
			seen["status "+string(c.Status)] = true
			assert.Equal(t, c.Status == gen.ConversationStatusSnoozed, c.SnoozedUntil != nil, "snoozed_until with snoozed")
			if a, ok := c.Assignee(); ok {
				seen["assignee "+string(a.Kind)] = true
			} else {
				seen["no assignee"] = true
			}
			m, ok := c.LatestMessage()
			if !ok {
				seen["no message"] = true
				continue
			}
			sender, ok := chatwoot.SenderOf(&m)
			seen["message "+m.MessageType.String()+" "+string(sender.Kind)] = true
			if ok && sender.Kind == chatwoot.SenderContact {
				assert.Equal(t, id, sender.ID)
			}
			seen["private"] = seen["private"] || m.Private
		}
		all = append(all, convs...)
	}
	assert.Positive(t, counts[0], "contacts without conversations")
	assert.Positive(t, counts[1]+counts[2]+counts[3], "contacts with a few")
	assert.Positive(t, counts[20]+counts[21]+counts[25], "contacts with 20 or more")
	for _, want := range []string{"status open", "status resolved", "status pending", "status snoozed",
		"no assignee", "assignee User", "assignee AgentBot", "assignee Captain::Assistant",
		"no message", "message incoming contact", "message outgoing user", "message outgoing agent_bot",
		"message outgoing captain_assistant", "message activity ", "private"} {
		assert.True(t, seen[want], want)
	}
	ids := map[int64]bool{}
	for _, c := range all {
		assert.False(t, ids[c.ID], "display id %d is unique in the account", c.ID)
		ids[c.ID] = true
	}

	for reply := range slices.Chunk(all[:min(len(all), 200)], chatwoot.MaxConversations) { // Compare is slow under -race
		body, err := json.Marshal(map[string]any{"payload": reply})
		require.NoError(t, err)
		diffs, err := chatwoottest.Compare(body)
		require.NoError(t, err)
		assert.Empty(t, diffs, "every key and value as the spec describes")
	}
}
