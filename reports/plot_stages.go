package reports

import (
	"fmt"
	"image/color"
	"slices"
	"strings"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
)

// stagesFigure draws, for each engine at the largest size it was measured,
// its pipeline time as stacked bars: validate, compute, encode (and for whole
// processes the stages of --timings), with derived stages (by subtraction)
// labelled as such.
func stagesFigure(b *Baseline) (*Figure, string, error) {
	if len(b.Breakdowns) == 0 {
		return nil, "no engine has both a pipeline and a stage benchmark", nil
	}
	// One stacked bar per engine; one BarChart per stage name, stacked in
	// a fixed order.
	order := stageOrder(b.Breakdowns)
	p := plot.New()
	p.Add(plotter.NewGrid())
	p.Title.Text = "Where the time goes"
	p.Y.Label.Text = "time per operation"
	p.Y.Tick.Marker = linearTicks{Duration}
	var names []string
	for _, bd := range b.Breakdowns {
		engine := bd.Engine
		if bd.Whole {
			engine += " (process)"
		}
		names = append(names, fmt.Sprintf("%s, n=%s", engine, Count(float64(bd.N))))
	}
	var below *plotter.BarChart
	for i, stage := range order {
		vals := make(plotter.Values, len(b.Breakdowns))
		any := false
		derived := false
		for j, bd := range b.Breakdowns {
			for _, part := range bd.Parts {
				if part.Stage == stage {
					vals[j] = part.Seconds
					any = true
					derived = derived || part.Derived
				}
			}
		}
		if !any {
			continue
		}
		bar, err := plotter.NewBarChart(vals, vg.Points(40))
		if err != nil {
			return nil, "", err
		}
		bar.Color = colorFor(strings.Fields(stage)[0], i)
		if derived {
			bar.Color = lighten(bar.Color)
		}
		bar.LineStyle.Width = vg.Points(0.5)
		if below != nil {
			bar.StackOn(below)
		}
		label := stage
		if derived {
			label += " (derived)"
		}
		p.Add(bar)
		p.Legend.Add(label, bar)
		below = bar
	}
	p.NominalX(names...)
	styleLegend(p)
	p.Legend.Left = false
	top := 0.0
	for _, bd := range b.Breakdowns {
		top = max(top, bd.Pipeline)
	}
	p.Y.Min, p.Y.Max = 0, top*1.45
	p.X.Min, p.X.Max = -0.6, float64(len(b.Breakdowns))-0.4
	return &Figure{Plots: []*plot.Plot{p}, Width: 14 * vg.Centimeter, Height: 11 * vg.Centimeter}, "", nil
}

// lighten mixes a color halfway with white (derived stages).
func lighten(c color.Color) color.Color {
	r, g, b, _ := c.RGBA()
	mix := func(v uint32) uint8 { return uint8((v>>8 + 255) / 2) }
	return color.RGBA{R: mix(r), G: mix(g), B: mix(b), A: 0xff}
}

// stageOrder is the stacking order of the stages: the measured ones in
// pipeline order, then every other (derived) stage in order of appearance.
func stageOrder(bds []Breakdown) []string {
	order := []string{"read", "read+validate", "validate", "engine", "compute", "encode", "write"}
	for _, bd := range bds {
		for _, part := range bd.Parts {
			if !slices.Contains(order, part.Stage) {
				order = append(order, part.Stage)
			}
		}
	}
	return order
}
