//go:build !cgo || !rustffi

package aegispath

// Available reports why libaegispath cannot be called: this build has no
// bridge (it needs cgo and the rustffi tag).
func Available() error { return ErrUnavailable }

// AttackPaths returns ErrUnavailable in a build without the bridge.
func AttackPaths(input []byte, maxDepth, topK int64) ([]byte, error) {
	return nil, ErrUnavailable
}

// AttackPathsFile returns ErrUnavailable in a build without the bridge.
func AttackPathsFile(path string, maxDepth, topK int64) ([]byte, error) {
	return nil, ErrUnavailable
}

// AttackPathsFileTimed returns ErrUnavailable in a build without the bridge.
func AttackPathsFileTimed(path string, maxDepth, topK int64) ([]byte, FileStages, error) {
	return nil, FileStages{}, ErrUnavailable
}

// ListFindings returns ErrUnavailable in a build without the bridge.
func ListFindings(input, query []byte) ([]byte, error) {
	return nil, ErrUnavailable
}

// Echo returns ErrUnavailable in a build without the bridge.
func Echo(b []byte) ([]byte, error) {
	return nil, ErrUnavailable
}

// Noop returns ErrUnavailable in a build without the bridge.
func Noop() error { return ErrUnavailable }

// Version returns "" in a build without the bridge.
func Version() string { return "" }
