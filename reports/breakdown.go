package reports

import (
	"fmt"
	"strings"
)

// buildBreakdowns splits the pipeline of each engine at the largest size
// where its pipeline was measured. Stages without a benchmark of their own
// are derived by subtraction and marked so.
func (b *Baseline) buildBreakdowns() {
	center := func(name string) (float64, bool) {
		if st := b.stat(name, unitTime); st != nil {
			return st.Summary.Center, true
		}
		return 0, false
	}
	type def struct {
		engine   string
		pipeline string
		measured [][2]string // stage, name
	}
	defs := []def{
		{"go", "Pipeline/engine=go/n=%d", [][2]string{{"validate", "Decode/n=%d"}, {"compute", "AttackPaths/engine=go/n=%d"}, {"encode", "SerializePaths/n=%d"}}},
		{"rust", "Criterion/stage=pipeline/engine=rust/n=%d", [][2]string{{"validate", "Criterion/stage=decode/engine=rust/n=%d"}, {"compute", "Criterion/stage=compute/engine=rust/n=%d"}, {"encode", "Criterion/stage=encode/engine=rust/n=%d"}}},
	}
	for _, d := range defs {
		for i := len(b.Sizes) - 1; i >= 0; i-- {
			n := b.Sizes[i]
			total, ok := center(fmt.Sprintf(d.pipeline, n))
			if !ok {
				continue
			}
			bd := Breakdown{Engine: d.engine, N: n, Pipeline: total}
			rest := total
			var unmeasured []string
			for _, m := range d.measured {
				if v, ok := center(fmt.Sprintf(m[1], n)); ok {
					bd.Parts = append(bd.Parts, Part{Stage: m[0], Seconds: v})
					rest -= v
				} else {
					unmeasured = append(unmeasured, m[0])
				}
			}
			if len(bd.Parts) == 0 {
				break
			}
			if rest < 0 {
				rest, bd.Clamped = 0, true
			}
			// The remainder holds the stages without a result of their own.
			derived := strings.Join(append(unmeasured, "rest"), " + ")
			bd.Parts = append(bd.Parts, Part{Stage: derived, Seconds: rest, Derived: true})
			b.Breakdowns = append(b.Breakdowns, bd)
			break
		}
	}
	b.buildProcessBreakdowns(center)
}

// processStages are the stages a whole process reports with --timings
// (engines.Stage*, as result names spell them), in order.
var processStages = []string{"read", "validate", "read_validate", "engine", "compute", "encode", "write"}

// buildProcessBreakdowns splits the wall time of each engine run as a whole
// process, at the largest size where it has stage results, into the stages
// its --timings reported; the rest (start-up, exit, the parent's wait) is
// derived.
func (b *Baseline) buildProcessBreakdowns(center func(string) (float64, bool)) {
	for _, engine := range []string{"go", "rust-cli", "rust-ffi"} {
		for i := len(b.Sizes) - 1; i >= 0; i-- {
			n := b.Sizes[i]
			total, ok := center(fmt.Sprintf("Process/engine=%s/n=%d", engine, n))
			if !ok {
				continue
			}
			bd := Breakdown{Engine: engine, N: n, Pipeline: total, Whole: true}
			rest := total
			for _, st := range processStages {
				if v, ok := center(fmt.Sprintf("ProcessStage/engine=%s/stage=%s/n=%d", engine, st, n)); ok {
					bd.Parts = append(bd.Parts, Part{Stage: strings.ReplaceAll(st, "_", "+"), Seconds: v})
					rest -= v
				}
			}
			if len(bd.Parts) == 0 {
				continue
			}
			if rest < 0 {
				rest, bd.Clamped = 0, true
			}
			bd.Parts = append(bd.Parts, Part{Stage: "start + exit", Seconds: rest, Derived: true})
			b.Breakdowns = append(b.Breakdowns, bd)
			break
		}
	}
}
