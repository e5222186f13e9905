package profile

import (
	"context"
	"fmt"
)

// FileInfo describes a user's dataset file (`--dataset FILE`) for results'
// config lines and reports.
type FileInfo struct {
	Path     string `json:"path"`
	Name     string `json:"name"` // base name
	Findings int    `json:"findings"`
	Bytes    int64  `json:"bytes"`
	SHA256   string `json:"sha256"` // lower-case hex
	// ProfileSummary is the file's profile in one line without tabs or
	// newlines: findings, bytes per finding, accounts and skew, group
	// sizes, and the engine's edges, entries, targets and candidate paths
	// (when Describe was given an engine and the file is at most
	// Options.EngineMaxBytes), reachable-set sizes.
	ProfileSummary string `json:"profile_summary"`
}

// Describe profiles the findings file at path in one streaming pass with
// opt (its Engine, when set, adds the engine's counts; the SHA-256 is
// computed while reading; a finding larger than 16 MiB is reported, never
// buffered) and returns its description. The error is non-nil when the
// file cannot be read or when the engines would reject it (not a findings
// document, a bad engine field, a duplicate id); the FileInfo then still
// identifies the file (path, bytes, digest) when it could be read.
func Describe(path string, opt Options) (FileInfo, error) {
	p, err := Run(context.Background(), path, opt)
	if err != nil {
		return FileInfo{Path: path}, err
	}
	info := FileInfo{Path: path, Name: p.File.Name, Findings: p.Findings, Bytes: p.File.Bytes, SHA256: p.File.SHA256, ProfileSummary: p.Summary()}
	if problem := p.EngineProblem(); problem != "" {
		return info, fmt.Errorf("%s: not a valid findings document: %s", path, problem)
	}
	return info, nil
}
