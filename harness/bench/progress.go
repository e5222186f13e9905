package bench

import (
	"fmt"
	"io"
	"time"

	"github.com/schollz/progressbar/v3"
)

// BarProgress draws a progress bar (for a terminal).
type BarProgress struct {
	W   io.Writer
	bar *progressbar.ProgressBar
}

// Start creates the bar.
func (p *BarProgress) Start(total int) {
	p.bar = progressbar.NewOptions(total,
		progressbar.OptionSetWriter(p.W),
		progressbar.OptionSetWidth(30),
		progressbar.OptionShowCount(),
		progressbar.OptionSetElapsedTime(true),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionThrottle(100*time.Millisecond),
		progressbar.OptionClearOnFinish(),
	)
}

// Step moves the bar to the step and shows its arm.
func (p *BarProgress) Step(index int, s Step) {
	desc := s.Arm
	if s.Phase == PhaseSample {
		desc = fmt.Sprintf("sample %d: %s", s.Round, s.Arm)
	}
	p.bar.Describe(fmt.Sprintf("%-44.44s", desc))
	_ = p.bar.Set(index)
}

// Done completes the bar.
func (p *BarProgress) Done() {
	if p.bar != nil {
		_ = p.bar.Finish()
	}
}

// LogProgress prints one line per step (for logs and CI), with the time
// elapsed since the start.
type LogProgress struct {
	W     io.Writer
	total int
	start time.Time
	now   func() time.Time // time.Now unless set (tests)
}

// Start remembers the number of steps and the start time.
func (p *LogProgress) Start(total int) {
	if p.now == nil {
		p.now = time.Now
	}
	p.total, p.start = total, p.now()
}

// Step prints "[i/total +elapsed] phase: arm".
func (p *LogProgress) Step(index int, s Step) {
	what := s.Phase.String()
	if s.Phase == PhaseSample {
		what = fmt.Sprintf("sample %d", s.Round)
	}
	elapsed := p.now().Sub(p.start).Round(time.Second)
	fmt.Fprintf(p.W, "[%d/%d +%s] %s: %s\n", index+1, p.total, elapsed, what, s.Arm)
}

// Done prints nothing.
func (p *LogProgress) Done() {}
