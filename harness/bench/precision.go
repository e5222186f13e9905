package bench

import (
	"fmt"
	"math"
	"strings"

	"golang.org/x/perf/benchmath"

	"github.com/aegisbench/aegisbench/harness/stats"
)

// Precision is the stopping rule of `bench --ci-width`: an arm stops being
// sampled once the 95% confidence interval of the median of every one of
// its series lies within ±Width of that median, after at least MinRounds
// samples; the plan's Count is the most it gets.
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

// armPrecision computes the widest relative half-width of the 95% CI of
// the median (benchmath, no distributional assumption) over the series of
// an arm's measurements.
func armPrecision(arm string, samples int, ms []Measurement, width float64) ArmPrecision {
	values := map[string][]float64{}
	var order []string
	for _, m := range ms {
		for _, v := range m.Result.Values {
			k := m.Result.Name.String() + " " + v.Unit
			if _, ok := values[k]; !ok {
				order = append(order, k)
			}
			values[k] = append(values[k], v.Value)
		}
	}
	ap := ArmPrecision{Arm: arm, Samples: samples}
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
	p     *Precision
	order []string // arms, in plan order
	ms    map[string][]Measurement
	n     map[string]int
	done  map[string]bool
}

func newTracker(p *Precision, steps []Step) *tracker {
	t := &tracker{p: p, ms: map[string][]Measurement{}, n: map[string]int{}, done: map[string]bool{}}
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
	t.ms[arm] = append(t.ms[arm], ms...)
	t.n[arm]++
}

// roundEnded stops the arms that reached the precision; called between
// rounds.
func (t *tracker) roundEnded() {
	if t == nil {
		return
	}
	for _, a := range t.order {
		if !t.done[a] && t.n[a] >= t.p.MinRounds && armPrecision(a, t.n[a], t.ms[a], t.p.Width).Reached {
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
		out = append(out, armPrecision(a, t.n[a], t.ms[a], t.p.Width))
	}
	return out
}

// PrecisionNote is the results file's "note-ci-width" value for this run's arms.
func (r *Results) PrecisionNote(p Precision) string { return precisionNote(p, r.Precision) }
