package historyrun

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/aegisbench/aegisbench/harness/changepoint"
	"github.com/aegisbench/aegisbench/harness/history"
	"github.com/aegisbench/aegisbench/harness/history/historytest"
)

// TestStopsWhenCancelled: each piece of work stops when its context has
// ended, with ctx's error, keeping what is complete and writing nothing
// partial: an import keeps the files stored before, a rebuild leaves the
// old store, a trend writes no TRENDS.md.
func TestStopsWhenCancelled(t *testing.T) {
	files, err := historytest.WriteAll(t.TempDir(), historytest.History(12, "main", func(int) float64 { return 1e-4 }))
	require.NoError(t, err)
	store := filepath.Join(t.TempDir(), "h.db")
	var out, errOut bytes.Buffer
	require.NoError(t, Import(context.Background(), &out, &errOut, store, files[:4]))
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	trendDir := filepath.Join(t.TempDir(), "trends")
	tests := []struct {
		name string
		run  func() error
	}{
		{"import", func() error { return Import(cancelled, &out, &errOut, store, files[4:]) }},
		{"rebuild", func() error { _, err := history.Rebuild(cancelled, store, filepath.Dir(files[0])); return err }},
		{"trend", func() error {
			return WriteTrend(cancelled, &out, Trend{Store: store, Dir: trendDir, Options: changepoint.DefaultOptions()})
		}},
	}
	for _, tt := range tests {
		assert.ErrorIs(t, tt.run(), context.Canceled, tt.name)
	}
	out.Reset()
	require.NoError(t, List(&out, &errOut, store, history.Filter{}))
	assert.Equal(t, 4, strings.Count(out.String(), "linux-amd64"), "the runs stored before stay, no other")
	assert.NoFileExists(t, filepath.Join(trendDir, "TRENDS.md"))
	left, _ := os.ReadDir(filepath.Dir(store))
	for _, e := range left {
		assert.False(t, strings.Contains(e.Name(), "rebuild"), "rebuild left %s", e.Name())
	}
}
