package reports

import (
	"fmt"
	"image/color"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/aegisbench/aegisbench/harness/history"
)

// changeColor marks change points.
var changeColor = color.RGBA{R: 0xce, G: 0x22, B: 0x2b, A: 0xff}

// maxCommitLabels is how many commits the x axis names at most (tagged
// commits are always named).
const maxCommitLabels = 16

// trendFigure plots one series over commits: the median per commit with
// its 95% interval, a dashed line before each change point labelled with
// the change, and commits (with their release tags) on the x axis.
func trendFigure(t *history.Trend, tags map[string][]string) (*Figure, error) {
	p := plot.New()
	p.Title.Text = fmt.Sprintf("%s  %s  (%s)", t.Name, t.Unit, t.Platform)
	p.X.Label.Text = "commit (commit order)"
	p.Y.Label.Text = t.Unit
	f := formatterFor(t.Unit)
	p.Y.Tick.Marker = linearTicks{f}
	styleLegend(p)
	p.Legend.Left = false // change labels sit at the top left of their lines
	p.Add(plotter.NewGrid())

	c := &curve{label: "median, 95% CI", key: "go"}
	lo, hi := math.Inf(1), math.Inf(-1)
	for i, pt := range t.Points {
		s := pt.Summary
		l, h := math.NaN(), math.NaN()
		if s.HasCI() {
			l, h = s.Lo, s.Hi
		}
		c.add(float64(i), s.Center, l, h)
		for _, v := range []float64{s.Center, l, h} {
			if !math.IsNaN(v) {
				lo, hi = math.Min(lo, v), math.Max(hi, v)
			}
		}
	}
	if err := addCurves(p, []*curve{c}); err != nil {
		return nil, err
	}
	if hi == lo {
		lo, hi = lo*0.95, hi*1.05
	}
	for _, ch := range t.Changes {
		x := float64(ch.Index) - 0.5
		line, err := plotter.NewLine(plotter.XYs{{X: x, Y: lo}, {X: x, Y: hi}})
		if err != nil {
			return nil, err
		}
		line.Color = changeColor
		line.Width = vg.Points(1.2)
		line.Dashes = []vg.Length{vg.Points(4), vg.Points(3)}
		labels, err := plotter.NewLabels(plotter.XYLabels{XYs: plotter.XYs{{X: x, Y: hi}}, Labels: []string{" " + RelChange(ch.Rel)}})
		if err != nil {
			return nil, err
		}
		for i := range labels.TextStyle {
			labels.TextStyle[i].Color = changeColor
			labels.TextStyle[i].Font.Size = vg.Points(9)
		}
		p.Add(line, labels)
	}
	p.X.Tick.Marker = commitTicks(t.Points, tags)
	p.X.Tick.Label.Rotation = math.Pi / 4
	p.X.Tick.Label.XAlign = draw.XRight
	p.X.Tick.Label.YAlign = draw.YCenter
	p.X.Min, p.X.Max = -0.5, float64(len(t.Points))-0.5
	return &Figure{Plots: []*plot.Plot{p}, Width: 7 * vg.Inch, Height: 4 * vg.Inch}, nil
}

// commitTicks names every k-th commit and every tagged one.
func commitTicks(points []history.Point, tags map[string][]string) plot.ConstantTicks {
	step := max(1, (len(points)+maxCommitLabels-1)/maxCommitLabels)
	var ticks plot.ConstantTicks
	for i, pt := range points {
		label := ""
		if i%step == 0 || i == len(points)-1 {
			label = shortCommit(pt.Commit)
		}
		if ts := tags[pt.Commit]; len(ts) > 0 {
			label = shortCommit(pt.Commit) + " " + ts[0]
		}
		ticks = append(ticks, plot.Tick{Value: float64(i), Label: label})
	}
	return ticks
}
