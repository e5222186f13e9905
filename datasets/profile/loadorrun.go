package profile

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
)

// LoadOrRun reads the profile JSON document at path, or profiles the
// findings file at path with opt (Run), telling them apart by their first
// byte other than white space: '{' or '['. A findings file that cannot be
// read to the end is an error.
func LoadOrRun(ctx context.Context, path string, opt Options) (*Profile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	first, err := firstNonSpaceByte(bufio.NewReader(f))
	f.Close()
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if first == '{' {
		return Load(path)
	}
	p, err := Run(ctx, path, opt)
	if err != nil {
		return nil, err
	}
	if p.Check.Fatal != "" {
		return nil, fmt.Errorf("%s: neither a profile nor a findings document: %s", path, p.Check.Fatal)
	}
	return p, nil
}

// firstNonSpaceByte returns the first byte of r that is not JSON white
// space.
func firstNonSpaceByte(r *bufio.Reader) (byte, error) {
	for {
		c, err := r.ReadByte()
		if errors.Is(err, io.EOF) {
			return 0, errors.New("empty file")
		}
		if err != nil {
			return 0, err
		}
		if c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			return c, nil
		}
	}
}
