package reports

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/changepoint"
	"github.com/aegisbench/aegisbench/harness/history"
)

// TestWriteTrends: change points in the table with the release tag of
// their commit, a plot per series in both formats, tags on the x axis.
func TestWriteTrends(t *testing.T) {
	var points []history.Point
	for i := range 12 {
		v := 1e-4
		if i >= 6 {
			v = 1.2e-4
		}
		points = append(points, history.Point{Commit: string(rune('a'+i)) + "123456789", Runs: 1, Values: []float64{v}})
	}
	tr := &history.Trend{Key: history.Key{Name: "AttackPaths/engine=go/n=200", Unit: "sec/op", Platform: "linux-amd64"}, Points: points}
	for i := range tr.Points {
		tr.Points[i].Summary.Center = tr.Points[i].Values[0]
		tr.Points[i].Summary.N = 1
	}
	history.Analyze([]*history.Trend{tr}, changepoint.DefaultOptions())
	require.Len(t, tr.Changes, 1)
	tags := map[string][]string{points[6].Commit: {"v1.1"}}
	dir := t.TempDir()
	in := TrendsInput{Store: "h.db", Runs: []history.Run{{Commit: points[0].Commit}, {Commit: points[11].Commit}}, Trends: []*history.Trend{tr}, Tags: tags, Options: changepoint.DefaultOptions()}
	require.NoError(t, WriteTrends(context.Background(), dir, in))
	md, err := os.ReadFile(filepath.Join(dir, TrendsFile))
	require.NoError(t, err)
	assert.Contains(t, string(md), "| `AttackPaths/engine=go/n=200` | sec/op | linux-amd64 | `g123456` (v1.1) | 100µs | 120µs | +20.0% |")
	for _, ext := range []string{".png", ".svg"} {
		_, err := os.Stat(filepath.Join(dir, "plots", trendPlotName(tr.Key)+ext))
		assert.NoError(t, err)
	}
	ticks := commitTicks(points, tags)
	assert.Equal(t, "g123456 v1.1", ticks[6].Label)
	assert.Equal(t, "a123456", ticks[0].Label)
}
