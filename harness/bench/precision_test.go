package bench

import (
	"context"
	"testing"

	"golang.org/x/perf/benchfmt"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestPrecisionStopsArms: with a loose precision every arm stops after the
// minimum rounds (6: the fewest with a 95% CI of the median); with an
// impossible one every arm takes all rounds and is reported as not
// reached.
func TestPrecisionStopsArms(t *testing.T) {
	cfg := testConfig(200)
	cfg.Count = 12
	p, err := NewPlan(cfg)
	require.NoError(t, err)
	full, err := Execute(context.Background(), p, &fakeRunner{}, Options{})
	require.NoError(t, err)
	perRound := len(full.Measurements) / cfg.Count

	loose, err := Execute(context.Background(), p, &fakeRunner{}, Options{Precision: &Precision{Width: 100, MinRounds: 6}})
	require.NoError(t, err)
	assert.Len(t, loose.Measurements, 6*perRound, "every arm stops after 6 samples")
	require.NotEmpty(t, loose.Precision)
	for _, a := range loose.Precision {
		assert.True(t, a.Reached, a.String())
		assert.Equal(t, 6, a.Samples, a.Arm)
	}
	assert.Contains(t, loose.PrecisionNote(Precision{Width: 100}), "arms reached it")
	assert.NotContains(t, loose.PrecisionNote(Precision{Width: 100}), "not reached")

	tight, err := Execute(context.Background(), p, &fakeRunner{}, Options{Precision: &Precision{Width: 1e-12, MinRounds: 6}})
	require.NoError(t, err)
	assert.Len(t, tight.Measurements, len(full.Measurements), "no arm reached: all rounds taken")
	note := tight.PrecisionNote(Precision{Width: 1e-12})
	for _, a := range tight.Precision {
		if a.Width > 0 {
			assert.False(t, a.Reached, a.String())
			assert.Contains(t, note, a.Arm)
		}
		assert.Equal(t, cfg.Count, a.Samples)
	}
	assert.Contains(t, note, "not reached: ")
}

// TestArmPrecisionJudgesTimes: an arm is judged on its times; throughput
// and memory are not judged, and the stages of a whole process are judged
// by their sum, so a tiny, noisy stage does not keep the arm sampling.
func TestArmPrecisionJudgesTimes(t *testing.T) {
	value := func(name, unit string, v float64) Measurement {
		return Measurement{Result: &benchfmt.Result{Name: benchfmt.Name(name), Values: []benchfmt.Value{{Value: v, Unit: unit}}}}
	}
	// steady is within ±1% of 100; noisy swings by a factor of 10.
	steady := []float64{100, 101, 99, 100, 100.5, 99.5, 100, 101, 99, 100}
	noisy := []float64{1, 10, 2, 9, 3, 8, 1, 10, 2, 9}
	samples := func(build func(i int) []Measurement) [][]Measurement {
		var out [][]Measurement
		for i := range steady {
			out = append(out, build(i))
		}
		return out
	}
	tests := []struct {
		name    string
		samples [][]Measurement
		reached bool
		worst   string
	}{
		{"steady time", samples(func(i int) []Measurement {
			return []Measurement{value("A/n=200", "sec/op", steady[i])}
		}), true, "A/n=200 sec/op"},
		{"noisy time", samples(func(i int) []Measurement {
			return []Measurement{value("A/n=200", "sec/op", steady[i]), value("B/n=200", "sec/op", noisy[i])}
		}), false, "B/n=200 sec/op"},
		{"noisy throughput and memory are not judged", samples(func(i int) []Measurement {
			return []Measurement{value("A/n=200", "sec/op", steady[i]), value("A/n=200", "B/s", noisy[i]), value("A/n=200", "B/op", noisy[i])}
		}), true, "A/n=200 sec/op"},
		{"stages judged by their sum", samples(func(i int) []Measurement {
			// read takes the steady time minus a noisy microsecond write.
			return []Measurement{
				value("ProcessStage/engine=go/stage=read/n=200", "ns/op", steady[i]*1000-noisy[i]),
				value("ProcessStage/engine=go/stage=write/n=200", "ns/op", noisy[i]),
			}
		}), true, "process stages (sum) ns/op"},
		{"noisy stage sum", samples(func(i int) []Measurement {
			return []Measurement{value("ProcessStage/engine=go/stage=read/n=200", "ns/op", noisy[i])}
		}), false, "process stages (sum) ns/op"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ap := armPrecision("arm", tt.samples, 0.05)
			assert.Equal(t, tt.reached, ap.Reached, ap.String())
			assert.Equal(t, tt.worst, ap.Worst)
			assert.Equal(t, len(steady), ap.Samples)
		})
	}
}
