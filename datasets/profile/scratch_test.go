package profile_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"github.com/aegisbench/aegisbench/datasets/profile"
	"github.com/aegisbench/aegisbench/engines/goengine"
	"github.com/aegisbench/aegisbench/generators"
)

func TestScratch(t *testing.T) {
	ctx := context.Background()
	opt := profile.Options{Engine: goengine.New()}
	p, err := profile.Run(ctx, os.Getenv("F"), opt)
	if err != nil {
		t.Fatal(err)
	}
	fit, err := p.Fit()
	if err != nil {
		t.Fatal(err)
	}
	n, _ := strconv.Atoi(os.Getenv("N"))
	seed, _ := strconv.ParseUint(os.Getenv("SEED"), 10, 64)
	out := t.TempDir() + "/like.json"
	f, _ := os.Create(out)
	if err := generators.Generate(f, generators.Config{Findings: n, Seed: seed, Like: &fit}); err != nil {
		t.Fatal(err)
	}
	f.Close()
	q, err := profile.Run(ctx, out, opt)
	if err != nil {
		t.Fatal(err)
	}
	rows := profile.Compare(p, q, 0)
	profile.WriteCompare(os.Stdout, p, q, rows, 0)
	if os.Getenv("MD") != "" {
		q.WriteMarkdown(os.Stdout)
	}
}
