package chatwoot_test

import (
	"bufio"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/go-chatwoot/chatwoot-go/chatwoot"
)

// semverRE is a version as this module writes it: MAJOR.MINOR.PATCH with an
// optional pre-release ("0.2.0-dev"), no leading "v".
var semverRE = regexp.MustCompile(`^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(-[0-9A-Za-z.-]+)?$`)

// changelogHeading is the newest release heading of a CHANGELOG.md: its
// version ("0.2.0-dev" of "## 0.2.0-dev (unreleased)", "0.1.0" of
// "## [0.1.0] - 2026-11-23") and whether it says it is unreleased.
type changelogHeading struct {
	line       string
	version    string
	unreleased bool
}

// newestHeading finds the first "## " heading of a changelog.
func newestHeading(changelog string) (changelogHeading, error) {
	sc := bufio.NewScanner(strings.NewReader(changelog))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if !strings.HasPrefix(line, "## ") {
			continue
		}
		fields := strings.Fields(strings.TrimPrefix(line, "## "))
		if len(fields) == 0 {
			return changelogHeading{}, fmt.Errorf("empty heading %q", line)
		}
		return changelogHeading{
			line:       line,
			version:    strings.Trim(fields[0], "[]"),
			unreleased: strings.Contains(strings.ToLower(line), "unreleased"),
		}, nil
	}
	if err := sc.Err(); err != nil {
		return changelogHeading{}, err
	}
	return changelogHeading{}, fmt.Errorf("no \"## \" heading")
}

// checkVersion says what is wrong with a Version against a changelog, or nil:
// the newest heading names Version, and a "-dev" Version is the one of an
// unreleased heading (a released one is not).
func checkVersion(version, changelog string) error {
	if !semverRE.MatchString(version) {
		return fmt.Errorf("version %q is not MAJOR.MINOR.PATCH[-PRERELEASE]", version)
	}
	h, err := newestHeading(changelog)
	if err != nil {
		return fmt.Errorf("CHANGELOG.md: %w", err)
	}
	if h.version != version {
		return fmt.Errorf("the newest CHANGELOG.md heading %q names %q, Version is %q", h.line, h.version, version)
	}
	dev := strings.HasSuffix(version, "-dev")
	if dev && !h.unreleased {
		return fmt.Errorf("version %q is a development version, but the heading %q does not say unreleased", version, h.line)
	}
	if !dev && h.unreleased {
		return fmt.Errorf("version %q is a release, but the heading %q says unreleased", version, h.line)
	}
	return nil
}

func TestVersion_IsTheNewestChangelogHeading(t *testing.T) {
	b, err := os.ReadFile("../CHANGELOG.md")
	require.NoError(t, err, "the test runs in chatwoot/, next to ../CHANGELOG.md")

	assert.NoError(t, checkVersion(chatwoot.Version, string(b)))
}

func TestVersion_CheckFailsWhenChangelogAndVersionDisagree(t *testing.T) {
	const intro = "# Changelog\n\nAll notable changes.\n\n"
	good := intro + "## 0.2.0-dev (unreleased)\n\n- thing\n\n## [0.1.0] - 2026-11-23\n"
	require.NoError(t, checkVersion("0.2.0-dev", good), "the good case must pass, or the bad ones prove nothing")
	require.NoError(t, checkVersion("0.1.0", intro+"## [0.1.0] - 2026-11-23\n"))

	for name, tc := range map[string]struct{ version, changelog string }{
		"version not bumped":          {"0.1.0", good},
		"heading not added":           {"0.2.0-dev", intro + "## [0.1.0] - 2026-11-23\n"},
		"dev version, released":       {"0.2.0-dev", intro + "## 0.2.0-dev - 2026-12-01\n"},
		"release still unreleased":    {"0.2.0", intro + "## 0.2.0 (unreleased)\n"},
		"bare Unreleased heading":     {"0.2.0-dev", intro + "## [Unreleased]\n"},
		"no heading":                  {"0.2.0-dev", intro},
		"version with a leading v":    {"v0.2.0-dev", intro + "## v0.2.0-dev (unreleased)\n"},
		"version that is not semver":  {"0.2", intro + "## 0.2 (unreleased)\n"},
		"older heading first":         {"0.2.0-dev", intro + "## [0.1.0] - 2026-11-23\n\n## 0.2.0-dev (unreleased)\n"},
		"heading of a deeper section": {"0.2.0-dev", intro + "### 0.2.0-dev (unreleased)\n"},
	} {
		t.Run(name, func(t *testing.T) {
			assert.Error(t, checkVersion(tc.version, tc.changelog))
		})
	}
}
