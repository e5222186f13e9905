package reports

import (
	"gonum.org/v1/plot/vg"
)

// memoryFigure draws B/op and allocs/op of the Go benchmarks and the peak
// RSS of whole processes against the number of findings (log-log).
func memoryFigure(b *Baseline) (*Figure, string, error) {
	var bytesCurves, allocCurves []*curve
	fam := map[string][2]*curve{}
	for _, r := range append(append([]GoRow(nil), b.GoRows...), ffiPipelineRows(b)...) {
		if r.N == 0 {
			continue
		}
		key := familyName(r.Name)
		cs, ok := fam[key]
		if !ok {
			cs = [2]*curve{{label: key, key: "mem:" + key}, {label: key, key: "mem:" + key}}
			fam[key] = cs
			bytesCurves = append(bytesCurves, cs[0])
			allocCurves = append(allocCurves, cs[1])
		}
		addStat(cs[0], r.N, r.Bytes)
		addStat(cs[1], r.N, r.Alloc)
	}
	goRSS := &curve{label: "go (whole process)", key: "go process"}
	rustRSS := &curve{label: "rust-cli (whole process)", key: "rust-cli"}
	for _, r := range b.Processes {
		if r.Dataset == "" {
			addStat(goRSS, r.N, r.GoRSS)
			addStat(rustRSS, r.N, r.RustRSS)
		}
	}
	fig := &Figure{Height: 11 * vg.Centimeter}
	panels := []struct {
		title, ylabel string
		format        func(float64) string
		curves        []*curve
	}{
		{"Go heap allocated per op", "B/op", Bytes, bytesCurves},
		{"Go allocations per op", "allocs/op", Count, allocCurves},
		{"Peak RSS of whole processes", "peak RSS", Bytes, []*curve{goRSS, rustRSS}},
	}
	for _, panel := range panels {
		if !hasPoints(panel.curves) {
			continue
		}
		p := newLogLog(panel.title, panel.ylabel, panel.format)
		if err := addCurves(p, panel.curves); err != nil {
			return nil, "", err
		}
		padLog(&p.X, 0)
		padLog(&p.Y, legendEntries(panel.curves))
		if panel.ylabel != "allocs/op" {
			p.Y.Tick.Marker = bytesTicks{}
		}
		fig.Plots = append(fig.Plots, p)
	}
	if len(fig.Plots) == 0 {
		return nil, "no B/op, allocs/op or peak RSS measurements", nil
	}
	fig.Width = vg.Length(len(fig.Plots)) * 13 * vg.Centimeter
	return fig, "", nil
}

// ffiPipelineRows returns the rust-ffi pipeline as Go rows (its Go-side
// allocations).
func ffiPipelineRows(b *Baseline) []GoRow {
	var names []string
	for _, r := range b.FFIRows {
		names = append(names, r.FFI.Series.Name)
	}
	return b.goRows(names)
}
