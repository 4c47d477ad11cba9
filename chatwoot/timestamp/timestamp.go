// Package timestamp holds the two numeric time encodings Chatwoot uses in its
// JSON, as Go types that keep the server's exact value (so a decoded reply
// encodes back to the same JSON) and convert to [time.Time] on request.
//
// The generated models in gen/ refer to these types by way of x-go-type in
// api/openapi.yaml; package chatwoot re-exports them as chatwoot.UnixTime and
// chatwoot.UnixFloatTime.
package timestamp

import (
	"math"
	"time"
)

// Unix is a time that Chatwoot renders as whole seconds since the Unix epoch
// (Ruby's .to_i), such as created_at or last_activity_at.
//
// Chatwoot renders a time that was never set (first_reply_created_at before
// any reply, waiting_since once resolved, *_last_seen_at) as 0, not null. So
// the zero Unix means "never": Time returns the zero time.Time, not 1970.
type Unix int64

// Time returns the time in UTC, or the zero time.Time if u is 0 ("never").
func (u Unix) Time() time.Time {
	if u == 0 {
		return time.Time{}
	}
	return time.Unix(int64(u), 0).UTC()
}

// IsSet reports whether the server set the time (it sends 0 for "never").
func (u Unix) IsSet() bool { return u != 0 }

// Get returns the time in UTC and true, or the zero time and false for 0
// ("never"), so that the never case is one a program handles, not one it
// prints as 1970.
func (u Unix) Get() (time.Time, bool) { return u.Time(), u != 0 }

// Format formats the time with layout in UTC, or returns "" for 0
// ("never"): for a data column, where "never" would be a value.
func (u Unix) Format(layout string) string { return format(u.Time(), layout, "") }

// String formats the time as RFC 3339 in UTC, or "never" for 0.
func (u Unix) String() string { return format(u.Time(), time.RFC3339, "never") }

// UnixFloat is a time that Chatwoot renders as seconds since the Unix epoch
// with a microsecond fraction (Ruby's .to_f), such as a conversation's
// updated_at: 1781691725.498213.
type UnixFloat float64

// Time returns the time in UTC, rounded to the microsecond (the server's
// precision; a float64 of this size carries about 0.1 µs of error), or the
// zero time.Time if f is 0.
func (f UnixFloat) Time() time.Time {
	if f == 0 || math.IsNaN(float64(f)) || math.IsInf(float64(f), 0) {
		return time.Time{}
	}
	sec, frac := math.Modf(float64(f))
	return time.Unix(int64(sec), int64(math.Round(frac*1e6))*int64(time.Microsecond)).UTC()
}

// IsSet reports whether the time is set (non-zero).
func (f UnixFloat) IsSet() bool { return f != 0 }

// Get returns the time in UTC and true, or the zero time and false when
// it is not set (0, or absent on servers before 4.0.2).
func (f UnixFloat) Get() (time.Time, bool) { t := f.Time(); return t, !t.IsZero() }

// Format formats the time with layout in UTC, or returns "" when it is not set.
func (f UnixFloat) Format(layout string) string { return format(f.Time(), layout, "") }

// String formats the time as RFC 3339 with microseconds in UTC, or "never"
// for 0.
func (f UnixFloat) String() string {
	return format(f.Time(), "2006-01-02T15:04:05.000000Z07:00", "never")
}

// format formats t with layout, or returns never for the zero time.
func format(t time.Time, layout, never string) string {
	if t.IsZero() {
		return never
	}
	return t.Format(layout)
}
