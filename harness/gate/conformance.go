package gate

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// ConformanceVerdict is what a conformance result file says.
type ConformanceVerdict int

// Conformance verdicts.
const (
	ConformanceUnknown ConformanceVerdict = iota
	ConformancePassed
	ConformanceFailed
)

// Conformance is a conformance result read from a file.
type Conformance struct {
	Path    string
	Verdict ConformanceVerdict
	// Line is the line the verdict was taken from.
	Line string
}

// ReadConformance reads a conformance result: either a report or log that
// contains the summary line "CONFORMANCE PASSED|FAILED: ..." (the last such
// line wins), or an exit-code file holding just the exit status of
// `aegisbench conform` (0 passed, anything else failed). A file with
// neither is ConformanceUnknown; an unreadable file is an error.
func ReadConformance(path string) (*Conformance, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("gate: conformance result: %w", err)
	}
	c := &Conformance{Path: path}
	if code, err := strconv.Atoi(strings.TrimSpace(string(data))); err == nil {
		c.Line = fmt.Sprintf("%s: exit status %d", path, code)
		c.Verdict = ConformancePassed
		if code != 0 {
			c.Verdict = ConformanceFailed
		}
		return c, nil
	}
	sc := bufio.NewScanner(bytes.NewReader(data))
	sc.Buffer(make([]byte, 0, 64*1024), 16*1024*1024)
	lineNo := 0
	for sc.Scan() {
		lineNo++
		line := strings.TrimSpace(sc.Text())
		// The line may be decorated in a markdown report ("**CONFORMANCE ...").
		i := strings.Index(line, "CONFORMANCE ")
		if i < 0 {
			continue
		}
		rest := line[i+len("CONFORMANCE "):]
		switch {
		case strings.HasPrefix(rest, "PASSED"):
			c.Verdict = ConformancePassed
		case strings.HasPrefix(rest, "FAILED"):
			c.Verdict = ConformanceFailed
		default:
			continue
		}
		c.Line = fmt.Sprintf("%s:%d: %s", path, lineNo, strings.Trim(line[i:], "*` "))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("gate: conformance result %s: %w", path, err)
	}
	if c.Verdict == ConformanceUnknown {
		c.Line = path + ": no \"CONFORMANCE PASSED|FAILED\" line and not an exit status"
	}
	return c, nil
}
