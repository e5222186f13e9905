package profile_test

import (
	"context"
	"os"
	"testing"

	"github.com/aegisbench/aegisbench/datasets/profile"
	"github.com/aegisbench/aegisbench/engines/goengine"
)

func TestScratch(t *testing.T) {
	p, err := profile.Run(context.Background(), os.Getenv("F"), profile.Options{Engine: goengine.New()})
	if err != nil { t.Fatal(err) }
	p.WriteMarkdown(os.Stdout)
	os.Stdout.WriteString(p.Summary()+"\n")
}
