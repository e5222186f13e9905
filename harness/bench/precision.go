package bench

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"golang.org/x/perf/benchmath"

	"github.com/aegisbench/aegisbench/harness/stats"
)

// Precision is the stopping rule of `bench --ci-width`: an arm stops being
// sampled once the 95% confidence interval of the median of every one of
// its judged series lies within ±Width of that median, after at least
// MinRounds samples; the plan's Count is the most it gets.
//
// The judged series are the times of the arm (units sec/op and ns/op): a
// throughput (B/s) is the same measurement inverted, and memory counts are
// not what the width is asked of. The stages of a whole process (`--timings`,
// ProcessStage/...) are judged by their sum per sample, the process's own
// time: a microsecond write stage of a 100 ms process is reported but
// does not keep the arm sampling.
type Precision struct {
	Width     float64 // relative half-width, e.g. 0.05 for ±5%
	MinRounds int
}

// ArmPrecision says whether an arm reached the precision asked, after how
// many samples, and its widest series.
type ArmPrecision struct {
	Arm     string
	Samples int
	Reached bool
	Worst   string  // the series with the widest interval ("name unit")
	Width   float64 // its relative half-width (Inf when too few samples for a CI)
}

func (a ArmPrecision) String() string {
	w := "no CI yet"
	if !math.IsInf(a.Width, 0) {
		w = fmt.Sprintf("±%.1f%%", 100*a.Width)
	}
	return fmt.Sprintf("%s (%s %s after %d samples)", a.Arm, a.Worst, w, a.Samples)
}

// judgedUnits are the units whose precision is judged.
var judgedUnits = []string{"sec/op", "ns/op"}

// stagePrefix starts the names of whole-process stage timings.
const stagePrefix = "ProcessStage/"

// judgedSeries returns an arm's judged series ("name unit"), in order of
// first appearance, from its samples (one slice of measurements each):
// every time series of its own, and the sum of its process stages.
func judgedSeries(samples [][]Measurement) (order []string, values map[string][]float64) {
	values = map[string][]float64{}
	add := func(k string, v float64) {
		if _, ok := values[k]; !ok {
			order = append(order, k)
		}
		values[k] = append(values[k], v)
	}
	for _, sample := range samples {
		stages, total, unit := 0, 0.0, ""
		for _, m := range sample {
			name := m.Result.Name.String()
			for _, v := range m.Result.Values {
				if !slices.Contains(judgedUnits, v.Unit) {
					continue
				}
				if strings.HasPrefix(name, stagePrefix) {
					stages, total, unit = stages+1, total+v.Value, v.Unit
					continue
				}
				add(name+" "+v.Unit, v.Value)
			}
		}
		if stages > 0 {
			add("process stages (sum) "+unit, total)
		}
	}
	return order, values
}

// armPrecision computes the widest relative half-width of the 95% CI of
// the median (benchmath, no distributional assumption) over the judged
// series of an arm's samples.
func armPrecision(arm string, samples [][]Measurement, width float64) ArmPrecision {
	order, values := judgedSeries(samples)
	ap := ArmPrecision{Arm: arm, Samples: len(samples)}
	for _, k := range order {
		s := stats.Summarize(values[k], benchmath.AssumeNothing, stats.Confidence)
		w := math.Inf(1)
		switch {
		case s.Center == 0 && s.Lo == 0 && s.Hi == 0:
			w = 0
		case s.HasCI() && s.Center != 0:
			w = math.Max(s.Center-s.Lo, s.Hi-s.Center) / math.Abs(s.Center)
		}
		if ap.Worst == "" || w > ap.Width {
			ap.Worst, ap.Width = strings.TrimSpace(k), w
		}
	}
	ap.Reached = ap.Worst != "" && ap.Width <= width
	return ap
}

// precisionNote is the results file's "note-ci-width" config value.
func precisionNote(p Precision, arms []ArmPrecision) string {
	var missed []string
	for _, a := range arms {
		if !a.Reached {
			missed = append(missed, a.String())
		}
	}
	s := fmt.Sprintf("sampled until the 95%% CI of each median was within ±%g%%: %d of %d arms reached it",
		100*p.Width, len(arms)-len(missed), len(arms))
	if len(missed) > 0 {
		s += "; not reached: " + strings.Join(missed, "; ")
	}
	return s
}

// tracker applies a Precision to a run: it keeps each arm's measurements
// and, at the end of every round, stops the arms that reached it.
type tracker struct {
	p       *Precision
	order   []string                   // arms, in plan order
	samples map[string][][]Measurement // each arm's samples, one slice each
	done    map[string]bool
}

func newTracker(p *Precision, steps []Step) *tracker {
	t := &tracker{p: p, samples: map[string][][]Measurement{}, done: map[string]bool{}}
	for _, s := range steps {
		if s.Phase == PhaseSample && s.Round == 1 {
			t.order = append(t.order, s.Arm)
		}
	}
	return t
}

// add records one sample of arm.
func (t *tracker) add(arm string, ms []Measurement) {
	if t == nil {
		return
	}
	t.samples[arm] = append(t.samples[arm], ms)
}

// roundEnded stops the arms that reached the precision; called between
// rounds.
func (t *tracker) roundEnded() {
	if t == nil {
		return
	}
	for _, a := range t.order {
		if !t.done[a] && len(t.samples[a]) >= t.p.MinRounds && armPrecision(a, t.samples[a], t.p.Width).Reached {
			t.done[a] = true
		}
	}
}

// stopped reports whether arm reached the precision (no more samples).
func (t *tracker) stopped(arm string) bool { return t != nil && t.done[arm] }

// report is every arm's precision at the end of the run.
func (t *tracker) report() []ArmPrecision {
	if t == nil {
		return nil
	}
	out := make([]ArmPrecision, 0, len(t.order))
	for _, a := range t.order {
		out = append(out, armPrecision(a, t.samples[a], t.p.Width))
	}
	return out
}

// PrecisionNote is the results file's "note-ci-width" value for this run's arms.
func (r *Results) PrecisionNote(p Precision) string { return precisionNote(p, r.Precision) }
