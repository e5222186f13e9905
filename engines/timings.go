package engines

import (
	"context"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"
)

// The stages of one attack-path operation, in order, with the same names in
// every engine and tool (`--timings` of aegisbench paths and aegispath):
// read the document, validate it (the JSON scan and the field checks, which
// are one pass), compute the paths, encode the output document, write it,
// and leave the process. A streaming reader reads and validates together
// (StageReadValidate); an engine that cannot tell its stages apart reports
// StageEngine.
const (
	StageRead         = "read"
	StageValidate     = "validate"
	StageReadValidate = "read+validate"
	StageCompute      = "compute"
	StageEncode       = "encode"
	StageEngine       = "engine"
	StageWrite        = "write"
	StageExit         = "exit"
)

// Stage is one timed stage.
type Stage struct {
	Name string
	D    time.Duration
}

// Timings collects the stage times of one operation. A nil *Timings
// ignores Add, so engines time their stages unconditionally.
type Timings struct {
	Stages []Stage
	// PeakRSS is the process's peak resident set in bytes, 0 when unknown.
	PeakRSS int64
}

// Add appends a stage; it does nothing on a nil receiver.
func (t *Timings) Add(name string, d time.Duration) {
	if t != nil {
		t.Stages = append(t.Stages, Stage{name, d})
	}
}

// Since adds the stage name that started at start and returns the time now
// (the start of the next stage).
func (t *Timings) Since(name string, start time.Time) time.Time {
	now := time.Now()
	t.Add(name, now.Sub(start))
	return now
}

// Total is the sum of the stages.
func (t *Timings) Total() time.Duration {
	var sum time.Duration
	for _, s := range t.Stages {
		sum += s.D
	}
	return sum
}

// Format writes the stages on one line, milliseconds with three decimals,
// then the peak RSS when known: "timings: read=1.234ms validate=...
// total=...ms peak_rss=...kB". ParseTimings reads it back.
func (t *Timings) Format(w io.Writer) error {
	var b strings.Builder
	b.WriteString("timings:")
	for _, s := range t.Stages {
		fmt.Fprintf(&b, " %s=%.3fms", s.Name, ms(s.D))
	}
	fmt.Fprintf(&b, " total=%.3fms", ms(t.Total()))
	if t.PeakRSS > 0 {
		fmt.Fprintf(&b, " peak_rss=%dkB", t.PeakRSS>>10)
	}
	b.WriteByte('\n')
	_, err := io.WriteString(w, b.String())
	return err
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// ParseTimings reads the last "timings:" line of a process's stderr (the
// format of Format, which aegispath --timings writes too).
func ParseTimings(stderr []byte) (*Timings, error) {
	lines := strings.Split(string(stderr), "\n")
	for i := len(lines) - 1; i >= 0; i-- {
		rest, ok := strings.CutPrefix(strings.TrimSpace(lines[i]), "timings:")
		if !ok {
			continue
		}
		t := &Timings{}
		for _, f := range strings.Fields(rest) {
			name, val, ok := strings.Cut(f, "=")
			if kb, isKB := strings.CutSuffix(val, "kB"); ok && isKB && name == "peak_rss" {
				n, err := strconv.ParseInt(kb, 10, 64)
				if err != nil {
					return nil, fmt.Errorf("timings: bad stage %q", f)
				}
				t.PeakRSS = n << 10
				continue
			}
			v, err := time.ParseDuration(val)
			if !ok || err != nil {
				return nil, fmt.Errorf("timings: bad stage %q", f)
			}
			if name != "total" {
				t.Add(name, v)
			}
		}
		return t, nil
	}
	return nil, fmt.Errorf("no timings: line on stderr")
}

type timingsKey struct{}

// WithTimings returns a context that asks engines to record their stages
// in t.
func WithTimings(ctx context.Context, t *Timings) context.Context {
	return context.WithValue(ctx, timingsKey{}, t)
}

// TimingsFrom returns the Timings of ctx, or nil.
func TimingsFrom(ctx context.Context) *Timings {
	t, _ := ctx.Value(timingsKey{}).(*Timings)
	return t
}

// FileEngine is implemented by engines that read a findings file
// themselves, streaming it or handing its path to a process, instead of
// taking its bytes.
type FileEngine interface {
	AttackPathsFile(ctx context.Context, path string, opt Options) ([]byte, error)
}

// AttackPathsFile runs eng on the findings file at path: through
// FileEngine when eng implements it and path is a regular file (no copy of
// the document in memory or on disk), else on the bytes read returns (nil:
// os.ReadFile; a caller guarding its memory passes a bounded reader). The
// read is timed as StageRead when ctx carries Timings.
func AttackPathsFile(ctx context.Context, eng Engine, path string, opt Options, read func(path string) ([]byte, error)) ([]byte, error) {
	if fe, ok := eng.(FileEngine); ok {
		if fi, err := os.Stat(path); err == nil && fi.Mode().IsRegular() {
			return fe.AttackPathsFile(ctx, path, opt)
		}
	}
	if read == nil {
		read = func(path string) ([]byte, error) {
			data, err := os.ReadFile(path)
			if err != nil {
				return nil, fmt.Errorf("reading the findings: %w", err)
			}
			return data, nil
		}
	}
	start := time.Now()
	data, err := read(path)
	if err != nil {
		return nil, err
	}
	TimingsFrom(ctx).Since(StageRead, start)
	return eng.AttackPaths(ctx, data, opt)
}
