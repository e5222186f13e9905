package reports

import (
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// speedupFigure draws Go's median over Rust's against the number of
// findings, one line per compared stage, with the ratio's 95% interval.
func speedupFigure(b *Baseline) (*Figure, string, error) {
	var curves []*curve
	byStage := map[string]*curve{}
	for _, r := range b.Pairs {
		if !r.Both() {
			continue
		}
		c, ok := byStage[r.Stage]
		if !ok {
			c = &curve{label: r.Label, key: r.Stage}
			byStage[r.Stage] = c
			curves = append(curves, c)
		}
		addRatio(c, r.N, r.Speedup.Center, r.Speedup.Lo, r.Speedup.Hi)
	}
	proc := &curve{label: "Whole process (go vs rust-cli)", key: "rust-cli", dashed: true}
	for _, r := range b.Processes {
		if r.Dataset == "" && r.Go != nil && r.Rust != nil {
			addRatio(proc, r.N, r.Speedup.Center, r.Speedup.Lo, r.Speedup.Hi)
		}
	}
	curves = append(curves, proc)
	if !hasPoints(curves) {
		return nil, "no size where both Go and Rust were measured", nil
	}
	p := plot.New()
	p.Title.Text = "Speedup (Go median / Rust median)"
	p.X.Label.Text = "findings"
	p.Y.Label.Text = "speedup (×, above 1: Rust faster)"
	p.X.Scale = plot.LogScale{}
	p.X.Tick.Marker = logTicks{findingsLabel}
	p.Y.Tick.Marker = linearTicks{Factor}
	styleLegend(p)
	p.Legend.Top = false
	p.Legend.Left = false
	p.Add(plotter.NewGrid())
	if err := addCurves(p, curves); err != nil {
		return nil, "", err
	}
	one, err := plotter.NewLine(plotter.XYs{{X: p.X.Min, Y: 1}, {X: p.X.Max, Y: 1}})
	if err != nil {
		return nil, "", err
	}
	one.Dashes = []vg.Length{vg.Points(2), vg.Points(2)}
	p.Add(one)
	padLog(&p.X, 0)
	p.Y.Min = math.Min(p.Y.Min, 0)
	p.Y.Max = math.Max(p.Y.Max*1.1, 1.2)
	return &Figure{Plots: []*plot.Plot{p}, Width: 16 * vg.Centimeter, Height: 11 * vg.Centimeter}, "", nil
}

func addRatio(c *curve, n int, center, lo, hi float64) {
	if !(center > 0) || math.IsInf(center, 0) {
		return
	}
	c.add(float64(n), center, lo, hi)
}
