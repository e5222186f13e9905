// Package generators writes deterministic synthetic findings documents (the
// 56-field findings of engines SPEC section 6) of any size and shape. The
// same Config gives the same bytes on every OS and architecture: one PCG
// stream seeded from (seed, shape), integer arithmetic only, no maps, no
// clock. Output is streamed, so memory stays flat in the number of findings.
package generators

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"strings"
)

// Version identifies the generator's output. Bump it whenever a change
// alters the bytes generated for some Config (and run `aegisbench datasets
// update-manifest`).
const Version = "2"

// Generator versions (Config.Version). Version 1 draws each workload's
// structure independently, so a small dataset's structure per finding is
// noisy and ids collide as datasets grow; version 2 deals it in fixed
// proportions with collision-free ids, so that every shape but dense and
// chain has the same cost-relevant structure per finding at every size
// (strata.go). Version 1 stays reproducible for old results files.
const (
	MinVersion     = 1
	LatestVersion  = 2
	DefaultVersion = LatestVersion
)

// DefaultShape is the shape used when Config.Shape is empty.
const DefaultShape = "realistic"

// Config selects a dataset.
type Config struct {
	Findings int    // number of findings, >= 0
	Seed     uint64 // PRNG seed
	Shape    string // one of Shapes(); "" means DefaultShape
	// Progress, if set, is called with the number of findings written so
	// far, every few thousand findings and once at the end.
	Progress func(done int)
	// Like, if set, draws the dataset from a fitted profile (shape
	// LikeShape) instead of a shape; Shape must then be "" or LikeShape.
	Like *Fit
	// Version is the generator version (MinVersion..LatestVersion; 0 means
	// DefaultVersion). A fitted profile (Like) generates the same bytes in
	// every version.
	Version int
}

// EffectiveVersion returns c.Version, or DefaultVersion when it is 0.
func (c Config) EffectiveVersion() int {
	if c.Version == 0 {
		return DefaultVersion
	}
	return c.Version
}

// ShapeInfo names a shape and says what it stresses.
type ShapeInfo struct {
	Name, Doc string
}

// Shapes lists the available shapes, DefaultShape first.
func Shapes() []ShapeInfo {
	out := make([]ShapeInfo, len(shapeDefs))
	for i, d := range shapeDefs {
		out[i] = d.info
	}
	return out
}

// ShapeNames returns the shape names, DefaultShape first.
func ShapeNames() []string {
	out := make([]string, len(shapeDefs))
	for i, d := range shapeDefs {
		out[i] = d.info.Name
	}
	return out
}

// ErrUnknownShape is returned (wrapped) for a Config.Shape not in Shapes().
var ErrUnknownShape = errors.New("unknown shape")

// Validate reports a Config that Generate would reject.
func (c Config) Validate() error {
	if c.Findings < 0 {
		return fmt.Errorf("findings must be >= 0, got %d", c.Findings)
	}
	if v := c.EffectiveVersion(); v < MinVersion || v > LatestVersion {
		return fmt.Errorf("generator version must be %d..%d, got %d", MinVersion, LatestVersion, v)
	}
	if c.Like != nil {
		if c.Shape != "" && c.Shape != LikeShape {
			return fmt.Errorf("shape %q and a fitted profile (Like) are exclusive", c.Shape)
		}
		return c.Like.Validate()
	}
	if _, ok := lookupShape(c.shape()); !ok {
		return fmt.Errorf("%w %q (known: %s)", ErrUnknownShape, c.Shape, strings.Join(ShapeNames(), ", "))
	}
	return nil
}

func (c Config) shape() string {
	if c.Like != nil {
		return LikeShape
	}
	if c.Shape == "" {
		return DefaultShape
	}
	return c.Shape
}

const progressEvery = 4096

// sizeObserver is a planner that is told the size of each finding written
// (like datasets pad toward a mean size).
type sizeObserver interface {
	wrote(n int)
}

// Generate writes the findings document selected by cfg to w: a JSON array
// with one finding object per line.
func Generate(w io.Writer, cfg Config) error {
	if err := cfg.Validate(); err != nil {
		return err
	}
	def, _ := lookupShape(cfg.shape())
	if cfg.Like != nil {
		fit := cfg.Like
		def = shapeDef{info: ShapeInfo{Name: LikeShape}, build: func(r *rng, st style, n int) planner { return newLikePlanner(r, st, fit, n) }}
	}
	r := newRNG(cfg.Seed, def.info.Name)
	st := style{adversarial: def.adv, version: cfg.EffectiveVersion()}
	if cfg.Like != nil {
		st.version = 1 // the fitted profile, not the version, sets the structure
	}
	g := &gen{r: r, st: st, salt: mix64(cfg.Seed ^ fnv64a(def.info.Name))}
	p := def.build(r, st, cfg.Findings)
	sizes, _ := p.(sizeObserver)
	bw := bufio.NewWriterSize(w, 1<<20)
	if cfg.Findings == 0 {
		if _, err := bw.WriteString("[]\n"); err != nil {
			return err
		}
		return bw.Flush()
	}
	var s slot
	g.buf = append(g.buf[:0], "[\n"...)
	for i := 0; i < cfg.Findings; i++ {
		if i > 0 {
			g.buf = append(g.buf, ",\n"...)
		}
		p.next(r, i, &s)
		g.finding(i, &s)
		if _, err := bw.Write(g.buf); err != nil {
			return fmt.Errorf("writing finding %d: %w", i, err)
		}
		if sizes != nil {
			sizes.wrote(len(g.buf))
		}
		g.buf = g.buf[:0]
		if cfg.Progress != nil && (i+1)%progressEvery == 0 {
			cfg.Progress(i + 1)
		}
	}
	if _, err := bw.WriteString("\n]\n"); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	if cfg.Progress != nil {
		cfg.Progress(cfg.Findings)
	}
	return nil
}
