package gate

import (
	"context"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/harness/results"
)

// Measurer takes samples of one benchmark for calibration.
type Measurer interface {
	// Mode names the measurement: "time" or "instructions".
	Mode() string
	// Unit is the gated unit whose regressions count as detections.
	Unit() string
	// Header is written once before a side's samples (unit metadata).
	Header() string
	// Measure takes one sample of the engine slowed down by the fraction
	// slowdown (0: the unmodified engine) and returns it as result lines
	// in the Go benchmark format. Both sides use the same benchmark name.
	Measure(ctx context.Context, slowdown float64) (string, error)
}

// CalibrationConfig configures Calibrate.
type CalibrationConfig struct {
	// Trials is the number of A/A comparisons (same build on both sides).
	Trials int
	// DetectTrials is the number of comparisons per injected slowdown.
	DetectTrials int
	// Slowdowns are the injected slowdowns as fractions (0.1 = 10%).
	Slowdowns []float64
	// Count is the number of samples per side in each comparison.
	Count int
	// Thresholds are the gate settings being calibrated.
	Thresholds Thresholds
	// Log receives progress lines; nil discards.
	Log io.Writer
}

// Trial is one calibration comparison.
type Trial struct {
	// Verdict is the whole gate's verdict on the comparison.
	Verdict Verdict
	// UnitVerdict is the worst verdict among the rows of the gated unit.
	UnitVerdict Verdict
	// Change and P are those of the first row of the gated unit.
	Change, P float64
	// Regressed lists "name unit" of the rows that regressed.
	Regressed []string
}

// Detection holds the trials of one injected slowdown.
type Detection struct {
	Slowdown float64
	Trials   []Trial
}

// Detected returns how many trials flagged the gated unit as a regression.
func (d Detection) Detected() int {
	n := 0
	for _, t := range d.Trials {
		if t.UnitVerdict == Regression {
			n++
		}
	}
	return n
}

// Calibration is the measured behaviour of the gate in one mode.
type Calibration struct {
	Mode, Unit string
	Config     CalibrationConfig
	// AA are the A/A trials; Detections the injected-slowdown trials.
	AA         []Trial
	Detections []Detection
	Elapsed    time.Duration
}

// FalsePositives returns how many A/A trials failed the gate (any unit).
func (c *Calibration) FalsePositives() int {
	n := 0
	for _, t := range c.AA {
		if t.Verdict == Regression {
			n++
		}
	}
	return n
}

// SmallestDetected returns the smallest injected slowdown flagged in at
// least minRate of its trials.
func (c *Calibration) SmallestDetected(minRate float64) (float64, bool) {
	best, ok := math.Inf(1), false
	for _, d := range c.Detections {
		if len(d.Trials) > 0 && float64(d.Detected()) >= minRate*float64(len(d.Trials)) && d.Slowdown < best {
			best, ok = d.Slowdown, true
		}
	}
	return best, ok
}

// Calibrate runs A/A comparisons and injected-slowdown comparisons through
// the gate with m's samples. Samples of the two sides interleave (base,
// head, base, head, ...), as the gate's own runs do.
func Calibrate(ctx context.Context, m Measurer, cfg CalibrationConfig) (*Calibration, error) {
	if cfg.Trials < 1 || cfg.Count < 1 || cfg.DetectTrials < 0 {
		return nil, fmt.Errorf("gate: calibration needs trials >= 1 and count >= 1 (got %d, %d)", cfg.Trials, cfg.Count)
	}
	if err := cfg.Thresholds.Validate(); err != nil {
		return nil, fmt.Errorf("gate: %w", err)
	}
	start := time.Now()
	cal := &Calibration{Mode: m.Mode(), Unit: m.Unit(), Config: cfg}
	logf := func(format string, args ...any) {
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, "calibrate %s: "+format+"\n", append([]any{m.Mode()}, args...)...)
		}
	}
	for i := 0; i < cfg.Trials; i++ {
		t, err := calibrationTrial(ctx, m, cfg, 0)
		if err != nil {
			return nil, err
		}
		logf("A/A %d/%d: %s (change %s)", i+1, cfg.Trials, t.Verdict, changeString(t.Change))
		cal.AA = append(cal.AA, t)
	}
	for _, s := range cfg.Slowdowns {
		d := Detection{Slowdown: s}
		for i := 0; i < cfg.DetectTrials; i++ {
			t, err := calibrationTrial(ctx, m, cfg, s)
			if err != nil {
				return nil, err
			}
			logf("slowdown %s %d/%d: %s %s (change %s)", pct(s), i+1, cfg.DetectTrials, m.Unit(), t.UnitVerdict, changeString(t.Change))
			d.Trials = append(d.Trials, t)
		}
		cal.Detections = append(cal.Detections, d)
	}
	cal.Elapsed = time.Since(start)
	return cal, nil
}

func calibrationTrial(ctx context.Context, m Measurer, cfg CalibrationConfig, slowdown float64) (Trial, error) {
	var base, head strings.Builder
	base.WriteString(m.Header())
	head.WriteString(m.Header())
	for i := 0; i < cfg.Count; i++ {
		if err := ctx.Err(); err != nil {
			return Trial{}, err
		}
		b, err := m.Measure(ctx, 0)
		if err != nil {
			return Trial{}, err
		}
		h, err := m.Measure(ctx, slowdown)
		if err != nil {
			return Trial{}, err
		}
		base.WriteString(b)
		head.WriteString(h)
	}
	br, err := results.Read(strings.NewReader(base.String()), "base")
	if err != nil {
		return Trial{}, err
	}
	hr, err := results.Read(strings.NewReader(head.String()), "head")
	if err != nil {
		return Trial{}, err
	}
	rep := Judge(br, hr, cfg.Thresholds)
	t := Trial{Verdict: rep.Verdict, Change: math.NaN(), P: math.NaN()}
	first := true
	for _, row := range rep.Rows {
		if row.Verdict == Regression {
			t.Regressed = append(t.Regressed, row.Name+" "+row.Unit)
		}
		if row.Unit != m.Unit() {
			continue
		}
		t.UnitVerdict = max(t.UnitVerdict, row.Verdict)
		if first {
			t.Change, t.P, first = row.Change, row.P, false
		}
	}
	if first {
		return t, fmt.Errorf("gate: calibration samples have no %s results", m.Unit())
	}
	return t, nil
}

// PipelineMeasurer samples an engine's whole pipeline (JSON in, paths,
// JSON out) in this process, like a Go benchmark: each sample runs the
// engine for about Benchtime and reports sec/op, B/op and allocs/op.
// Slowdowns use the calibration engine "slow:FRACTION:ENGINE".
type PipelineMeasurer struct {
	Engine    string
	N         int
	Input     []byte
	Options   engines.Options
	Benchtime time.Duration
	opened    map[string]engines.Engine
}

// Mode returns "time".
func (m *PipelineMeasurer) Mode() string { return "time" }

// Unit returns "sec/op".
func (m *PipelineMeasurer) Unit() string { return "sec/op" }

// Header declares B/op and allocs/op exact.
func (m *PipelineMeasurer) Header() string {
	return "Unit allocs/op assume=exact\nUnit B/op assume=exact\n"
}

// Measure takes one sample.
func (m *PipelineMeasurer) Measure(ctx context.Context, slowdown float64) (string, error) {
	name := m.Engine
	if slowdown > 0 {
		name = "slow:" + strconv.FormatFloat(slowdown, 'g', -1, 64) + ":" + m.Engine
	}
	if m.opened == nil {
		m.opened = map[string]engines.Engine{}
	}
	e, ok := m.opened[name]
	if !ok {
		var err error
		if e, err = OpenCalibrationEngine(name); err != nil {
			return "", err
		}
		m.opened[name] = e
	}
	// Grow the iteration count until one run lasts Benchtime, as
	// testing.B does; the last run is the sample.
	iters := 1
	for {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		start := time.Now()
		for i := 0; i < iters; i++ {
			if _, err := e.AttackPaths(ctx, m.Input, m.Options); err != nil {
				return "", fmt.Errorf("gate: engine %s: %w", name, err)
			}
		}
		elapsed := time.Since(start)
		runtime.ReadMemStats(&after)
		if elapsed >= m.Benchtime || iters >= 1_000_000 {
			return fmt.Sprintf("BenchmarkPipeline/engine=%s/n=%d %d %.0f ns/op %d B/op %d allocs/op\n",
				m.Engine, m.N, iters, float64(elapsed.Nanoseconds())/float64(iters),
				(after.TotalAlloc-before.TotalAlloc)/uint64(iters), (after.Mallocs-before.Mallocs)/uint64(iters)), nil
		}
		perOp := max(elapsed/time.Duration(iters), time.Nanosecond)
		next := int(1.2 * float64(m.Benchtime) / float64(perOp))
		iters = min(max(next, iters+1), 100*iters, 1_000_000)
	}
}

// InstructionMeasurer counts the instructions of one engine run as a
// process (`aegisbench gate --exec-engine ENGINE --in FILE`). Slowdowns
// use the calibration engine "spin:ITERATIONS:ENGINE", with ITERATIONS
// chosen by Setup so that the extra instructions are the requested
// fraction of the engine's count.
type InstructionMeasurer struct {
	Counter Counter
	Runner  Runner
	// Self is the aegisbench executable that serves --exec-engine.
	Self    string
	Engine  string
	N       int
	Input   string
	Options engines.Options
	Scratch string
	// IterationsPerUnit is the spin iterations that add 100% of the
	// engine's instructions; Setup measures it.
	IterationsPerUnit float64
}

// Mode returns "instructions".
func (m *InstructionMeasurer) Mode() string { return "instructions" }

// Unit returns "instructions/op".
func (m *InstructionMeasurer) Unit() string { return InstructionsUnit }

// Header declares instructions/op exact, lower better.
func (m *InstructionMeasurer) Header() string {
	return "Unit " + InstructionsUnit + " assume=exact better=lower\n"
}

func (m *InstructionMeasurer) count(ctx context.Context, engine string) (uint64, error) {
	c := Command{Path: m.Self, Env: DeterministicEnv, Args: []string{"gate", "--exec-engine", engine, "--in", m.Input,
		"--max-depth", strconv.Itoa(m.Options.MaxDepth), "--top-k", strconv.Itoa(m.Options.TopK)}}
	return m.Counter.Count(ctx, m.Runner, c, m.Scratch)
}

// Setup measures the cost of one spin iteration against the engine's own
// count, so that Measure can inject a given fraction of extra
// instructions.
func (m *InstructionMeasurer) Setup(ctx context.Context) error {
	base, err := m.count(ctx, m.Engine)
	if err != nil {
		return err
	}
	iters := max(uint64(1_000_000), base/10)
	spun, err := m.count(ctx, fmt.Sprintf("spin:%d:%s", iters, m.Engine))
	if err != nil {
		return err
	}
	if spun <= base {
		return fmt.Errorf("gate: calibration: %d spin iterations added no instructions (%d -> %d)", iters, base, spun)
	}
	perIter := float64(spun-base) / float64(iters)
	m.IterationsPerUnit = float64(base) / perIter
	return nil
}

// Measure takes one count.
func (m *InstructionMeasurer) Measure(ctx context.Context, slowdown float64) (string, error) {
	name := m.Engine
	if slowdown > 0 {
		if m.IterationsPerUnit <= 0 {
			return "", errors.New("gate: InstructionMeasurer.Setup was not run")
		}
		name = fmt.Sprintf("spin:%d:%s", uint64(math.Round(slowdown*m.IterationsPerUnit)), m.Engine)
	}
	n, err := m.count(ctx, name)
	if err != nil {
		return "", err
	}
	return fmt.Sprintf("%s 1 %d %s\n", InstructionsName(m.Engine, m.N), n, InstructionsUnit), nil
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

// Machine describes this machine for a calibration report: OS and
// architecture, CPU model, cores and the load average.
func Machine() string {
	cpu := "unknown CPU"
	if data, err := os.ReadFile("/proc/cpuinfo"); err == nil {
		for _, line := range strings.Split(string(data), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok && strings.TrimSpace(k) == "model name" {
				cpu = strings.TrimSpace(v)
				break
			}
		}
	}
	return fmt.Sprintf("%s/%s, %s, %d cores, load average %s", runtime.GOOS, runtime.GOARCH, cpu, runtime.NumCPU(), LoadAverage())
}

// LoadAverage returns the 1, 5 and 15 minute load averages, or "unknown".
func LoadAverage() string {
	data, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(data))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// WriteCalibrationMarkdown writes the calibration section: per mode, the
// A/A false-positive rate with its 95% interval, the detection rate per
// injected slowdown and the smallest slowdown detected in at least 9 of 10
// trials. machine describes where it ran (before and after).
func WriteCalibrationMarkdown(w io.Writer, machine string, cals []*Calibration) error {
	var b strings.Builder
	b.WriteString("## Gate calibration\n\n")
	fmt.Fprintf(&b, "Measured on %s.\n\n", machine)
	for _, c := range cals {
		cfg := c.Config
		fmt.Fprintf(&b, "### %s mode (%s)\n\n", c.Mode, c.Unit)
		fmt.Fprintf(&b, "Samples per side per comparison: %d, interleaved base/head; alpha %v, threshold %s (instructions %s, allocs/op %+g); took %s.\n\n",
			cfg.Count, cfg.Thresholds.Alpha, pct(cfg.Thresholds.Change), pct(cfg.Thresholds.Instructions), cfg.Thresholds.Allocs, c.Elapsed.Round(time.Second))
		fp := c.FalsePositives()
		lo, hi := Wilson(fp, len(c.AA))
		fmt.Fprintf(&b, "- False-positive rate (A/A, same build both sides): **%d/%d = %.1f%%** (95%% CI %.1f%%-%.1f%%)", fp, len(c.AA), 100*float64(fp)/float64(max(1, len(c.AA))), 100*lo, 100*hi)
		var culprits []string
		for _, t := range c.AA {
			culprits = append(culprits, t.Regressed...)
		}
		if len(culprits) > 0 {
			slices.Sort(culprits)
			fmt.Fprintf(&b, "; flagged: %s", strings.Join(slices.Compact(culprits), ", "))
		}
		b.WriteString("\n")
		var changes []float64
		for _, t := range c.AA {
			if !math.IsNaN(t.Change) {
				changes = append(changes, math.Abs(t.Change))
			}
		}
		if len(changes) > 0 {
			slices.Sort(changes)
			fmt.Fprintf(&b, "- A/A median |change| of %s: median %.2f%%, max %.2f%%\n", c.Unit, 100*changes[len(changes)/2], 100*changes[len(changes)-1])
		}
		if s, ok := c.SmallestDetected(0.9); ok {
			fmt.Fprintf(&b, "- Smallest injected slowdown detected in >= 90%% of trials: **%s**\n", pct(s))
		} else if len(c.Detections) > 0 {
			b.WriteString("- No injected slowdown was detected in >= 90% of trials\n")
		}
		if len(c.Detections) > 0 {
			b.WriteString("\n| injected slowdown | detected | rate | median measured change |\n|---:|---:|---:|---:|\n")
			for _, d := range c.Detections {
				var ch []float64
				for _, t := range d.Trials {
					if !math.IsNaN(t.Change) {
						ch = append(ch, t.Change)
					}
				}
				med := math.NaN()
				if len(ch) > 0 {
					slices.Sort(ch)
					med = ch[len(ch)/2]
				}
				fmt.Fprintf(&b, "| %s | %d/%d | %.0f%% | %s |\n", pct(d.Slowdown), d.Detected(), len(d.Trials),
					100*float64(d.Detected())/float64(max(1, len(d.Trials))), changeString(med))
			}
		}
		b.WriteString("\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}
