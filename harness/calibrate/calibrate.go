// Package calibrate measures the regression gate as a team lives with it:
// the whole gate on a whole benchmark set, not one benchmark at a time.
//
// A Source takes one side's samples of every benchmark (the real ones run
// aegisbench bench or count instructions; tests use synthetic samples).
// Run takes Pairs independent pairs of sides from the same build and
//
//   - judges each pair with the gate (A/A): any regression is a false
//     alarm of the whole run; counted with Holm's correction and without;
//   - injects each slowdown of a ladder into a single benchmark (the
//     Target) of the head side of the first Detect pairs, all other
//     benchmarks unchanged, and counts how often the gate flags it;
//   - for every series of the gated unit, finds the smallest slowdown of
//     PowerLadder that the gate flags in at least 90% of the pairs at this
//     sample count.
//
// A slowdown is injected by scaling the measured samples (time by 1+s,
// its throughput by 1/(1+s)), so every figure is computed on real noise
// and only the shift is synthetic.
package calibrate

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math"
	"time"

	"github.com/aegisbench/aegisbench/harness/gate"
	"github.com/aegisbench/aegisbench/harness/results"
)

// Source takes samples of a whole benchmark set for one side of a
// comparison.
type Source interface {
	// Mode names the measurement: "time" or "instructions".
	Mode() string
	// Unit is the gated unit slowdowns are injected into ("sec/op",
	// "instructions/op").
	Unit() string
	// Sample returns one round of one side as a results file's text:
	// every benchmark's samples (one each, for the real sources).
	Sample(ctx context.Context) ([]byte, error)
}

// Config configures Run.
type Config struct {
	// Pairs is the number of A/A comparisons.
	Pairs int
	// Rounds is the number of Sample calls per side of a pair, taken
	// base, head, base, head, ... as the gate's --base-ref runs take
	// them, so that drift of the machine hits both sides alike (0: 1).
	Rounds int
	// Detect is how many of those pairs carry each injected slowdown.
	Detect int
	// Slowdowns are the injected slowdowns, as fractions (0.1 = 10%).
	Slowdowns []float64
	// Target is the series name slowed down ("": the first series of the
	// gated unit).
	Target string
	// Thresholds are the gate's settings. A/A pairs are judged with
	// Holm's correction and without; detections and power with
	// Thresholds.Correction.
	Thresholds gate.Thresholds
	// Log receives one line per pair; nil discards.
	Log io.Writer
	// Store, when its Dir is set, keeps every sampled pair and gives
	// back the pairs of earlier runs with the same settings: Run samples
	// only what Pairs still lacks, at most Add pairs (0: no limit), and
	// judges every stored pair.
	Store Store
	Add   int
}

// PowerLadder are the slowdowns tried per series for the smallest
// detectable change.
var PowerLadder = []float64{0.01, 0.02, 0.03, 0.05, 0.07, 0.1, 0.15, 0.2, 0.3, 0.5, 1}

// Trial is the gate's verdict on one A/A pair.
type Trial struct {
	// Holm and None are the whole run's verdicts with and without the
	// correction.
	Holm, None gate.Verdict
	// RegressedHolm and RegressedNone name the rows flagged ("name
	// unit") with and without the correction.
	RegressedHolm, RegressedNone []string
}

// Detection is the outcome of one injected slowdown.
type Detection struct {
	Slowdown float64
	// Caught counts the pairs in which the target row regressed; Trials
	// is the number of pairs.
	Caught, Trials int
	// Changes are the target row's measured changes.
	Changes []float64
}

// Power is the smallest change of one series the gate flags in at least
// 90% of the pairs; Smallest is +Inf when no step of PowerLadder is.
type Power struct {
	Name, Unit string
	// N is the sample count per side.
	N        int
	Exact    bool
	Smallest float64
}

// Calibration is the measured behaviour of the whole gate in one mode.
type Calibration struct {
	Mode, Unit, Target string
	Config             Config
	// Comparisons and Tests are the rows and the U tests of one run.
	Comparisons, Tests int
	AA                 []Trial
	Detections         []Detection
	Power              []Power
	Elapsed            time.Duration
	// Stored counts the pairs read from Config.Store, Sampled those this
	// run took, Other the store's pair files of other settings.
	Stored, Sampled, Other int
}

// FalseAlarms returns how many A/A runs failed the gate, with Holm's
// correction (holm true) or without.
func (c *Calibration) FalseAlarms(holm bool) int {
	n := 0
	for _, t := range c.AA {
		v := t.None
		if holm {
			v = t.Holm
		}
		if v == gate.Regression {
			n++
		}
	}
	return n
}

// SmallestCaught returns the smallest injected slowdown caught in at
// least 90% of its pairs (9 of 10).
func (c *Calibration) SmallestCaught() (float64, bool) {
	best, ok := math.Inf(1), false
	for _, d := range c.Detections {
		if d.Trials > 0 && caught90(d.Caught, d.Trials) && d.Slowdown < best {
			best, ok = d.Slowdown, true
		}
	}
	return best, ok
}

func caught90(k, n int) bool { return 10*k >= 9*n }

// Run calibrates the gate with src's samples: it takes all pairs first
// (each side Rounds samples, interleaved with the other side's), then
// judges them (Analyze). With a Store, the stored pairs count towards
// Pairs and each new pair is stored as soon as it is complete; when the
// store and Add leave fewer than Pairs, the pairs there are are judged.
func Run(ctx context.Context, src Source, cfg Config) (*Calibration, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	start := time.Now()
	stored := &Stored{}
	if cfg.Store.Dir != "" {
		var err error
		if stored, err = cfg.Store.Load(); err != nil {
			return nil, err
		}
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, "calibrate %s: %d pair(s) of these settings in %s (%d of other settings left out)\n", src.Mode(), len(stored.Pairs), cfg.Store.Dir, stored.Other)
		}
	}
	pairs := stored.Pairs
	sampled := 0
	for len(pairs) < cfg.Pairs && (cfg.Add == 0 || sampled < cfg.Add) {
		pair, err := samplePair(ctx, src, cfg, len(pairs)+1)
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, pair)
		sampled++
	}
	judged := cfg
	judged.Pairs = len(pairs)
	judged.Detect = min(cfg.Detect, len(pairs))
	cal, err := Analyze(src.Mode(), src.Unit(), pairs, judged)
	if err != nil {
		return nil, err
	}
	cal.Config.Pairs = cfg.Pairs
	cal.Stored, cal.Sampled, cal.Other = len(stored.Pairs), sampled, stored.Other
	cal.Elapsed = time.Since(start)
	return cal, nil
}

// samplePair takes pair number i: Rounds samples per side, interleaved,
// stored when cfg has a store.
func samplePair(ctx context.Context, src Source, cfg Config, i int) ([2]*results.Set, error) {
	var rounds [2][][]byte
	var sets [2][]*results.Set
	for r := 0; r < max(1, cfg.Rounds); r++ {
		for j := range rounds {
			text, err := src.Sample(ctx)
			if err != nil {
				return [2]*results.Set{}, fmt.Errorf("calibrate: pair %d: %w", i, err)
			}
			set, err := results.Read(bytes.NewReader(text), fmt.Sprintf("pair %d, %s side, round %d", i, []string{"base", "head"}[j], r+1))
			if err != nil {
				return [2]*results.Set{}, fmt.Errorf("calibrate: pair %d: %w", i, err)
			}
			rounds[j] = append(rounds[j], text)
			sets[j] = append(sets[j], set)
		}
	}
	where := ""
	if cfg.Store.Dir != "" {
		path, err := cfg.Store.Add(rounds[0], rounds[1])
		if err != nil {
			return [2]*results.Set{}, err
		}
		where = ", stored in " + path
	}
	if cfg.Log != nil {
		fmt.Fprintf(cfg.Log, "calibrate %s: pair %d/%d sampled%s\n", src.Mode(), i, cfg.Pairs, where)
	}
	return [2]*results.Set{results.Merge(sets[0]...), results.Merge(sets[1]...)}, nil
}

func (cfg Config) validate() error {
	if cfg.Pairs < 1 || cfg.Detect < 0 || cfg.Detect > cfg.Pairs || cfg.Add < 0 {
		return fmt.Errorf("calibrate: need pairs >= 1, 0 <= detect <= pairs and add >= 0 (got %d, %d, %d)", cfg.Pairs, cfg.Detect, cfg.Add)
	}
	if err := cfg.Thresholds.Validate(); err != nil {
		return fmt.Errorf("calibrate: %w", err)
	}
	return nil
}

// Analyze judges sampled pairs (base, head of the same build): A/A
// verdicts, detections of the injected slowdowns in the target, and the
// power of every series of unit.
func Analyze(mode, unit string, pairs [][2]*results.Set, cfg Config) (*Calibration, error) {
	if err := cfg.validate(); err != nil {
		return nil, err
	}
	if len(pairs) < cfg.Pairs {
		return nil, fmt.Errorf("calibrate: %d pairs given, %d configured", len(pairs), cfg.Pairs)
	}
	cal := &Calibration{Mode: mode, Unit: unit, Config: cfg, Target: cfg.Target}
	holm, none := cfg.Thresholds, cfg.Thresholds
	holm.Correction, none.Correction = gate.CorrectionHolm, gate.CorrectionNone
	for _, p := range pairs {
		rh, rn := gate.Judge(p[0], p[1], holm), gate.Judge(p[0], p[1], none)
		cal.AA = append(cal.AA, Trial{Holm: rh.Verdict, None: rn.Verdict, RegressedHolm: regressed(rh), RegressedNone: regressed(rn)})
		cal.Comparisons, cal.Tests = len(rh.Rows), rh.Tests
	}
	if cal.Target == "" {
		for _, s := range pairs[0][0].Series {
			if s.Unit == unit {
				cal.Target = s.Name
				break
			}
		}
	}
	if pairs[0][0].Lookup(cal.Target, unit) == nil {
		return nil, fmt.Errorf("calibrate: no %s series %q to slow down", unit, cal.Target)
	}
	for _, s := range cfg.Slowdowns {
		d := Detection{Slowdown: s, Trials: cfg.Detect}
		for _, p := range pairs[:cfg.Detect] {
			row := injectedRow(p, cal.Target, unit, s, cfg.Thresholds)
			d.Changes = append(d.Changes, row.Change)
			if row.Verdict == gate.Regression {
				d.Caught++
			}
		}
		cal.Detections = append(cal.Detections, d)
	}
	for _, s := range pairs[0][0].Series {
		if s.Unit == unit {
			cal.Power = append(cal.Power, power(pairs, s, cfg.Thresholds))
		}
	}
	return cal, nil
}

// power finds the smallest step of PowerLadder flagged in 90% of pairs.
func power(pairs [][2]*results.Set, s *results.Series, t gate.Thresholds) Power {
	p := Power{Name: s.Name, Unit: s.Unit, N: len(s.Values), Exact: pairs[0][0].Exact(s.Unit), Smallest: math.Inf(1)}
	for _, step := range PowerLadder {
		caught := 0
		for _, pair := range pairs {
			if injectedRow(pair, s.Name, s.Unit, step, t).Verdict == gate.Regression {
				caught++
			}
		}
		if caught90(caught, len(pairs)) {
			p.Smallest = step
			break
		}
	}
	return p
}

// injectedRow judges a pair with slowdown s injected into one series of
// the head side and returns that series' row.
func injectedRow(pair [2]*results.Set, name, unit string, s float64, t gate.Thresholds) gate.Row {
	head := Inject(pair[1], name, unit, s)
	for _, row := range gate.Judge(pair[0], head, t).Rows {
		if row.Name == name && row.Unit == unit {
			return row
		}
	}
	return gate.Row{Verdict: gate.CannotDecide}
}

// Inject returns a copy of set in which benchmark name is slower by the
// fraction s: its unit samples are multiplied by 1+s (a cost: time,
// instructions) and, for sec/op, its B/s samples divided by it (the
// throughput of the same runs).
func Inject(set *results.Set, name, unit string, s float64) *results.Set {
	c := set.Clone()
	if sr := c.Lookup(name, unit); sr != nil {
		for i := range sr.Values {
			sr.Values[i] *= 1 + s
		}
	}
	if sr := c.Lookup(name, "B/s"); sr != nil && unit == "sec/op" {
		for i := range sr.Values {
			sr.Values[i] /= 1 + s
		}
	}
	return c
}

func regressed(r *gate.Report) []string {
	var out []string
	for _, row := range r.Rows {
		if row.Verdict == gate.Regression {
			out = append(out, row.Name+" "+row.Unit)
		}
	}
	return out
}

// Wilson returns the 95% Wilson score interval of k successes in n trials.
func Wilson(k, n int) (lo, hi float64) {
	if n == 0 {
		return 0, 1
	}
	const z = 1.959963984540054
	p, nf := float64(k)/float64(n), float64(n)
	den := 1 + z*z/nf
	mid := (p + z*z/(2*nf)) / den
	half := z * math.Sqrt(p*(1-p)/nf+z*z/(4*nf*nf)) / den
	return math.Max(0, mid-half), math.Min(1, mid+half)
}
