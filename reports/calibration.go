package reports

import (
	"fmt"
	"io"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/aegisbench/aegisbench/harness/calibrate"
	"github.com/aegisbench/aegisbench/internal/mdtext"
)

// WriteCalibration writes the gate's calibration: per mode, the whole
// gate's false alarms over the A/A runs with and without Holm's
// correction (with 95% Wilson intervals), the detection of a slowdown
// injected into a single benchmark, and per series the smallest change
// the gate flags in 90% of runs at this sample count. machine and method
// say where and how it was measured.
func WriteCalibration(w io.Writer, machine, method string, cals []*calibrate.Calibration) error {
	var b strings.Builder
	b.WriteString("## Gate calibration\n\n")
	fmt.Fprintf(&b, "Measured on %s. %s\n\n", machine, method)
	for _, c := range cals {
		calibrationMode(&b, c)
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func calibrationMode(b *strings.Builder, c *calibrate.Calibration) {
	t := c.Config.Thresholds
	fmt.Fprintf(b, "### %s mode (%s)\n\n", c.Mode, c.Unit)
	fmt.Fprintf(b, "%d A/A runs of the whole benchmark set (%d comparisons, %d U tests per run); alpha %v, threshold %s (instructions %s, allocs/op %+g); took %s.\n\n",
		len(c.AA), c.Comparisons, c.Tests, t.Alpha, gatePct(t.Change), gatePct(t.Instructions), t.Allocs, c.Elapsed.Round(time.Second))
	if c.Config.Store.Dir != "" {
		fmt.Fprintf(b, "Pairs kept in `%s`: %d read from earlier runs, %d sampled by this one", c.Config.Store.Dir, c.Stored, c.Sampled)
		if c.Other > 0 {
			fmt.Fprintf(b, "; %d pair file(s) of other settings left out", c.Other)
		}
		b.WriteString(".\n\n")
	}
	if len(c.AA) < c.Config.Pairs {
		fmt.Fprintf(b, "**Incomplete: %d of the %d A/A runs asked for**; every figure below is over the %d there are.\n\n", len(c.AA), c.Config.Pairs, len(c.AA))
	}
	b.WriteString("| correction | runs failing the gate (A/A) | rate | 95% CI | flagged |\n|---|---:|---:|---:|---|\n")
	for _, holm := range []bool{true, false} {
		name := "Holm (the gate's default)"
		if !holm {
			name = "none"
		}
		k, n := c.FalseAlarms(holm), len(c.AA)
		lo, hi := calibrate.Wilson(k, n)
		var flagged []string
		for _, tr := range c.AA {
			if holm {
				flagged = append(flagged, tr.RegressedHolm...)
			} else {
				flagged = append(flagged, tr.RegressedNone...)
			}
		}
		slices.Sort(flagged)
		fmt.Fprintf(b, "| %s | %d/%d | %.1f%% | %.1f%%-%.1f%% | %s |\n", name, k, n, 100*float64(k)/float64(max(1, n)), 100*lo, 100*hi, mdtext.Cell(strings.Join(slices.Compact(flagged), ", ")))
	}
	b.WriteString("\n")
	if len(c.Detections) > 0 {
		fmt.Fprintf(b, "Slowdown injected into `%s` alone, every other benchmark unchanged:\n\n", c.Target)
		b.WriteString("| injected slowdown | caught | median measured change |\n|---:|---:|---:|\n")
		for _, d := range c.Detections {
			fmt.Fprintf(b, "| %s | %d/%d | %s |\n", gatePct(d.Slowdown), d.Caught, d.Trials, gateChange(median(d.Changes)))
		}
		if s, ok := c.SmallestCaught(); ok {
			fmt.Fprintf(b, "\nSmallest slowdown caught in at least 9 of 10 runs: **%s**.\n\n", gatePct(s))
		} else {
			b.WriteString("\nNo injected slowdown was caught in 9 of 10 runs.\n\n")
		}
	}
	if len(c.Power) > 0 {
		fmt.Fprintf(b, "Smallest change of each series caught in at least 90%% of the %d runs at this sample count (ladder %s):\n\n", len(c.AA), ladder())
		b.WriteString("| series | unit | samples per side | smallest change caught |\n|---|---|---:|---:|\n")
		for _, p := range c.Power {
			s := gatePct(p.Smallest)
			if math.IsInf(p.Smallest, 1) {
				s = "not within the ladder"
			}
			fmt.Fprintf(b, "| %s | %s | %d | %s |\n", mdtext.Cell(p.Name), p.Unit, p.N, s)
		}
		b.WriteString("\n")
	}
}

func ladder() string {
	var s []string
	for _, v := range calibrate.PowerLadder {
		s = append(s, gatePct(v))
	}
	return strings.Join(s, ", ")
}

func median(v []float64) float64 {
	var ok []float64
	for _, x := range v {
		if !math.IsNaN(x) {
			ok = append(ok, x)
		}
	}
	if len(ok) == 0 {
		return math.NaN()
	}
	slices.Sort(ok)
	if len(ok)%2 == 1 {
		return ok[len(ok)/2]
	}
	return (ok[len(ok)/2-1] + ok[len(ok)/2]) / 2
}
