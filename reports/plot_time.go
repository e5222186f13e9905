package reports

import "gonum.org/v1/plot/vg"

// timeFigure draws the median time against the number of findings, one
// line per engine: the full pipeline (in-process and as processes) and the
// attack-path computation alone.
func timeFigure(b *Baseline) (*Figure, string, error) {
	goPipe := &curve{label: "go (Pipeline)", key: "go"}
	rustPipe := &curve{label: "rust (Criterion full_pipeline)", key: "rust"}
	ffiPipe := &curve{label: "rust-ffi (Pipeline over cgo)", key: "rust-ffi"}
	goCompute := &curve{label: "go (AttackPaths)", key: "go"}
	rustCompute := &curve{label: "rust (Criterion compute_attack_paths)", key: "rust"}
	for _, r := range b.Pairs {
		switch r.Stage {
		case "pipeline":
			addStat(goPipe, r.N, r.Go)
			addStat(rustPipe, r.N, r.Rust)
		case "pipeline-ffi":
			addStat(ffiPipe, r.N, r.Rust)
		case "compute":
			addStat(goCompute, r.N, r.Go)
			addStat(rustCompute, r.N, r.Rust)
		}
	}
	goProc := &curve{label: "go (whole process)", key: "go process", dashed: true}
	rustProc := &curve{label: "rust-cli (whole process)", key: "rust-cli", dashed: true}
	for _, r := range b.Processes {
		if r.Dataset == "" {
			addStat(goProc, r.N, r.Go)
			addStat(rustProc, r.N, r.Rust)
		}
	}
	pipeline := []*curve{goPipe, rustPipe, ffiPipe, goProc, rustProc}
	compute := []*curve{goCompute, rustCompute}
	fig := &Figure{Width: 26 * vg.Centimeter, Height: 11 * vg.Centimeter}
	for _, panel := range []struct {
		title  string
		curves []*curve
	}{{"Full pipeline", pipeline}, {"Attack-path computation", compute}} {
		if !hasPoints(panel.curves) {
			continue
		}
		p := newLogLog(panel.title, "time per operation", Duration)
		if err := addCurves(p, panel.curves); err != nil {
			return nil, "", err
		}
		padLog(&p.X, 0)
		padLog(&p.Y, legendEntries(panel.curves))
		fig.Plots = append(fig.Plots, p)
	}
	if len(fig.Plots) == 0 {
		return nil, "no pipeline, compute or process timings", nil
	}
	if len(fig.Plots) == 1 {
		fig.Width = 16 * vg.Centimeter
	}
	return fig, "", nil
}
