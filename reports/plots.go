package reports

import (
	"bytes"
	"fmt"
	"image/color"
	"io"
	"math"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgimg"
	"gonum.org/v1/plot/vg/vgsvg"
)

// Plot names (files plots/NAME.png and plots/NAME.svg).
const (
	plotTime    = "time-vs-findings"
	plotSpeedup = "speedup-vs-findings"
	plotStages  = "where-time-goes"
	plotMemory  = "memory"
)

// Figure is a grid of plots rendered together (one row).
type Figure struct {
	Plots         []*plot.Plot
	Width, Height vg.Length
}

// plotter draws one figure of a baseline, or says why it cannot.
type figureFunc func(b *Baseline) (fig *Figure, why string, err error)

// figures lists every plot of BASELINE.md in the order of the report.
var figures = []struct {
	name, title string
	draw        figureFunc
}{
	{plotTime, "Pipeline time vs findings (log-log, 95% CI bars)", timeFigure},
	{plotSpeedup, "Speedup of Rust over Go vs findings (95% CI bars)", speedupFigure},
	{plotStages, "Where the time goes at the largest size", stagesFigure},
	{plotMemory, "Memory: B/op, allocs/op and peak RSS vs findings", memoryFigure},
}

// Encode writes the figure as "png" or "svg".
func (f *Figure) Encode(w io.Writer, format string) error {
	var c vg.CanvasWriterTo
	switch format {
	case "png":
		c = vgimg.PngCanvas{Canvas: vgimg.NewWith(vgimg.UseWH(f.Width, f.Height), vgimg.UseDPI(144), vgimg.UseBackgroundColor(color.White))}
	case "svg":
		c = vgsvg.New(f.Width, f.Height)
	default:
		return fmt.Errorf("unknown plot format %q", format)
	}
	dc := draw.New(c)
	tiles := draw.Tiles{Rows: 1, Cols: len(f.Plots), PadX: vg.Millimeter * 4, PadTop: vg.Millimeter * 2, PadBottom: vg.Millimeter * 2, PadLeft: vg.Millimeter * 2, PadRight: vg.Millimeter * 2}
	canvases := plot.Align([][]*plot.Plot{f.Plots}, tiles, dc)
	for i, p := range f.Plots {
		p.Draw(canvases[0][i])
	}
	_, err := c.WriteTo(w)
	return err
}

// renderFigure encodes a figure in both formats.
func renderFigure(f *Figure) (png, svg []byte, err error) {
	var pb, sb bytes.Buffer
	if err := f.Encode(&pb, "png"); err != nil {
		return nil, nil, err
	}
	if err := f.Encode(&sb, "svg"); err != nil {
		return nil, nil, err
	}
	return pb.Bytes(), sb.Bytes(), nil
}

// palette gives each engine a fixed color so that plots agree.
var palette = map[string]color.Color{
	"go":           color.RGBA{R: 0x00, G: 0x7d, B: 0x9c, A: 0xff},
	"rust":         color.RGBA{R: 0xce, G: 0x42, B: 0x2b, A: 0xff},
	"rust-ffi":     color.RGBA{R: 0xe0, G: 0x8e, B: 0x0b, A: 0xff},
	"go process":   color.RGBA{R: 0x5d, G: 0xc9, B: 0xe2, A: 0xff},
	"rust-cli":     color.RGBA{R: 0x8e, G: 0x44, B: 0xad, A: 0xff},
	"compute":      color.RGBA{R: 0x2e, G: 0x86, B: 0x4b, A: 0xff},
	"validate":     color.RGBA{R: 0x1f, G: 0x5f, B: 0xbf, A: 0xff},
	"encode":       color.RGBA{R: 0xd9, G: 0x7b, B: 0x29, A: 0xff},
	"pipeline":     color.RGBA{R: 0xce, G: 0x42, B: 0x2b, A: 0xff},
	"pipeline-ffi": color.RGBA{R: 0xe0, G: 0x8e, B: 0x0b, A: 0xff},
}

var fallbackColors = []color.Color{
	color.RGBA{R: 0x44, G: 0x44, B: 0x44, A: 0xff},
	color.RGBA{R: 0x99, G: 0x33, B: 0x66, A: 0xff},
	color.RGBA{R: 0x33, G: 0x99, B: 0x66, A: 0xff},
	color.RGBA{R: 0x66, G: 0x66, B: 0xcc, A: 0xff},
	color.RGBA{R: 0xcc, G: 0x99, B: 0x00, A: 0xff},
	color.RGBA{R: 0x00, G: 0x99, B: 0x99, A: 0xff},
	color.RGBA{R: 0x99, G: 0x66, B: 0x33, A: 0xff},
	color.RGBA{R: 0xcc, G: 0x33, B: 0x33, A: 0xff},
}

func colorFor(key string, i int) color.Color {
	if c, ok := palette[key]; ok {
		return c
	}
	return fallbackColors[i%len(fallbackColors)]
}

// curve is one line of a plot: points with optional error bars.
type curve struct {
	label  string
	key    string // palette key
	dashed bool
	x, y   []float64
	lo, hi []float64 // interval bounds (NaN: none)
}

func (c *curve) add(x, y, lo, hi float64) {
	c.x, c.y, c.lo, c.hi = append(c.x, x), append(c.y, y), append(c.lo, lo), append(c.hi, hi)
}

// xyErr adapts a curve to gonum's XYer and YErrorer.
type xyErr struct{ c *curve }

func (e xyErr) Len() int                    { return len(e.c.x) }
func (e xyErr) XY(i int) (float64, float64) { return e.c.x[i], e.c.y[i] }
func (e xyErr) YError(i int) (float64, float64) {
	lo, hi := e.c.lo[i], e.c.hi[i]
	if math.IsNaN(lo) || math.IsInf(lo, 0) || math.IsNaN(hi) || math.IsInf(hi, 0) {
		return 0, 0
	}
	return e.c.y[i] - lo, hi - e.c.y[i]
}

// addCurves draws lines, points and error bars, with a legend entry each.
func addCurves(p *plot.Plot, curves []*curve) error {
	for i, c := range curves {
		if len(c.x) == 0 {
			continue
		}
		col := colorFor(c.key, i)
		line, points, err := plotter.NewLinePoints(xyErr{c})
		if err != nil {
			return err
		}
		line.Color = col
		line.Width = vg.Points(1.5)
		if c.dashed {
			line.Dashes = []vg.Length{vg.Points(5), vg.Points(3)}
		}
		points.Color = col
		points.Shape = draw.CircleGlyph{}
		bars, err := plotter.NewYErrorBars(xyErr{c})
		if err != nil {
			return err
		}
		bars.Color = col
		p.Add(line, points, bars)
		p.Legend.Add(c.label, line, points)
	}
	return nil
}

// logTicks labels a log axis with a formatter.
type logTicks struct{ format func(float64) string }

func (t logTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.LogTicks{Prec: -1}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = t.format(ticks[i].Value)
		}
	}
	return ticks
}

func findingsLabel(v float64) string { return Count(v) }

// newLogLog returns a plot with log axes: findings on x.
func newLogLog(title, ylabel string, yfmt func(float64) string) *plot.Plot {
	p := plot.New()
	p.Title.Text = title
	p.X.Label.Text = "findings"
	p.Y.Label.Text = ylabel
	p.X.Scale, p.Y.Scale = plot.LogScale{}, plot.LogScale{}
	p.X.Tick.Marker = logTicks{findingsLabel}
	p.Y.Tick.Marker = logTicks{yfmt}
	styleLegend(p)
	p.Add(plotter.NewGrid())
	return p
}

// styleLegend puts a small legend in the top left corner.
func styleLegend(p *plot.Plot) {
	p.Legend.Top = true
	p.Legend.Left = true
	p.Legend.TextStyle.Font.Size = vg.Points(9)
	p.Legend.Padding = vg.Points(1)
}

// padLog widens a log axis so that it spans at least a factor of 10 and
// leaves room above the data for a legend of the given number of
// entries.
func padLog(a *plot.Axis, legendEntries int) {
	if a.Min <= 0 || a.Max <= 0 {
		return
	}
	lo, hi := math.Log10(a.Min), math.Log10(a.Max)
	if hi-lo < 1 {
		mid := (hi + lo) / 2
		lo, hi = mid-0.5, mid+0.5
	}
	span := hi - lo
	a.Min, a.Max = math.Pow(10, lo-0.05*span), math.Pow(10, hi+0.05*span+0.07*span*float64(legendEntries))
}

// legendEntries counts the curves that have points.
func legendEntries(curves []*curve) int {
	n := 0
	for _, c := range curves {
		if len(c.x) > 0 {
			n++
		}
	}
	return n
}

// bytesTicks marks a log axis of bytes at powers of two, labelling every
// one, second or fifth power depending on the range (1MiB, 4MiB, 16MiB
// or 1KiB, 32KiB, 1MiB).
type bytesTicks struct{}

func (bytesTicks) Ticks(min, max float64) []plot.Tick {
	lo, hi := math.Floor(math.Log2(min)), math.Ceil(math.Log2(max))
	step := 5
	switch span := hi - lo; {
	case span <= 6:
		step = 1
	case span <= 14:
		step = 2
	}
	var ticks []plot.Tick
	for e := lo; e <= hi; e++ {
		t := plot.Tick{Value: math.Pow(2, e)}
		if int(e)%step == 0 {
			t.Label = Bytes(t.Value)
		}
		ticks = append(ticks, t)
	}
	return ticks
}

// linearTicks labels a linear axis with a formatter.
type linearTicks struct{ format func(float64) string }

func (t linearTicks) Ticks(min, max float64) []plot.Tick {
	ticks := plot.DefaultTicks{}.Ticks(min, max)
	for i := range ticks {
		if ticks[i].Label != "" {
			ticks[i].Label = t.format(ticks[i].Value)
		}
	}
	return ticks
}

func hasPoints(curves []*curve) bool {
	for _, c := range curves {
		if len(c.x) > 0 {
			return true
		}
	}
	return false
}

// curveFromStats adds the summaries of stats (skipping nil) to a curve.
func addStat(c *curve, n int, s *Stat) {
	if s == nil || !(s.Summary.Center > 0) {
		return
	}
	lo, hi := math.NaN(), math.NaN()
	if s.Summary.HasCI() {
		lo, hi = s.Summary.Lo, s.Summary.Hi
	}
	c.add(float64(n), s.Summary.Center, lo, hi)
}
