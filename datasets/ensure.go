package datasets

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/aegisbench/aegisbench/generators"
	"github.com/aegisbench/aegisbench/internal/interrupt"
)

// stamp is the sidecar "<file>.stamp" written next to a cached dataset. It
// records the digest computed when the file was generated or last hashed,
// with the file's size, modification time and inode change time, and a
// digest of sampled blocks of its content, so that Ensure can skip
// re-hashing a multi-GB file that has not changed. Any write to the file
// moves its change time (which, unlike the modification time, cannot be
// set back), and the sampled blocks are read again on every use; either
// difference means a full hash. Verify always re-hashes.
type stamp struct {
	Generator string `json:"generator"`
	Bytes     int64  `json:"bytes"`
	ModTimeNS int64  `json:"mtime_ns"`
	CTimeNS   int64  `json:"ctime_ns"`
	Sample    string `json:"sample_sha256"`
	SHA256    string `json:"sha256"`
}

// Sampled blocks: sampleBlocks blocks of sampleBlock bytes spread evenly
// over the file (the first and the last included), 64 KiB read per use
// whatever the file's size.
const (
	sampleBlocks = 16
	sampleBlock  = 4096
)

// sampleDigest hashes the sampled blocks of the file at path.
func sampleDigest(path string, size int64) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	buf := make([]byte, sampleBlock)
	for i := range int64(sampleBlocks) {
		off := max(0, (size-sampleBlock)*i/(sampleBlocks-1))
		n, err := f.ReadAt(buf, off)
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		h.Write(buf[:n])
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

func stampPath(path string) string { return path + ".stamp" }

func readStamp(path string) (stamp, fs.FileInfo, bool) {
	fi, err := os.Stat(path)
	if err != nil {
		return stamp{}, nil, false
	}
	raw, err := os.ReadFile(stampPath(path))
	if err != nil {
		return stamp{}, fi, false
	}
	var s stamp
	if json.Unmarshal(raw, &s) != nil || s.Bytes != fi.Size() || s.ModTimeNS != fi.ModTime().UnixNano() ||
		s.CTimeNS != changeTime(fi) || s.Sample == "" {
		return stamp{}, fi, false
	}
	if sum, err := sampleDigest(path, fi.Size()); err != nil || sum != s.Sample {
		return stamp{}, fi, false
	}
	return s, fi, true
}

func writeStamp(path, sum string) error {
	fi, err := os.Stat(path)
	if err != nil {
		return err
	}
	sample, err := sampleDigest(path, fi.Size())
	if err != nil {
		return err
	}
	raw, err := json.Marshal(stamp{Generator: generators.Version, Bytes: fi.Size(), ModTimeNS: fi.ModTime().UnixNano(),
		CTimeNS: changeTime(fi), Sample: sample, SHA256: sum})
	if err != nil {
		return err
	}
	return writeFileAtomic(stampPath(path), raw)
}

// HashFile returns the size and the SHA-256 (lower-case hex) of a file.
func HashFile(path string) (int64, string, error) {
	return hashFile(context.Background(), path)
}

// hashFile is HashFile stopping when ctx ends (ctx's error).
func hashFile(ctx context.Context, path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", err
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, interrupt.Reader(ctx, f))
	if err != nil {
		return 0, "", fmt.Errorf("hashing %s: %w", path, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// GenerateFile writes the dataset cfg to path through a temporary file in
// the same directory and a rename, returning its size and SHA-256. If check
// is not nil it sees the size and digest first; when it returns an error the
// temporary file is removed and path is left untouched.
func GenerateFile(path string, cfg generators.Config, check func(size int64, sha string) error) (int64, string, error) {
	return GenerateFileContext(context.Background(), path, cfg, check)
}

// GenerateFileContext is GenerateFile stopping when ctx ends (an
// interruption): the temporary file is removed and path left as it was.
func GenerateFileContext(ctx context.Context, path string, cfg generators.Config, check func(size int64, sha string) error) (int64, string, error) {
	if err := cfg.Validate(); err != nil {
		return 0, "", err
	}
	if fi, err := os.Stat(path); err == nil && !fi.Mode().IsRegular() {
		// Never rename over a device, pipe or directory (e.g. /dev/null).
		return 0, "", fmt.Errorf("%s: not a regular file", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return 0, "", err
	}
	tmp := f.Name()
	fail := func(err error) (int64, string, error) {
		f.Close()
		os.Remove(tmp)
		return 0, "", err
	}
	h := sha256.New()
	cw := &countingWriter{w: io.MultiWriter(f, h), ctx: ctx}
	if err := generators.Generate(cw, cfg); err != nil {
		return fail(fmt.Errorf("generating %s: %w", path, err))
	}
	if err := f.Close(); err != nil {
		return fail(fmt.Errorf("writing %s: %w", path, err))
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if check != nil {
		if err := check(cw.n, sum); err != nil {
			return fail(err)
		}
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return fail(err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fail(fmt.Errorf("writing %s: %w", path, err))
	}
	return cw.n, sum, nil
}

type countingWriter struct {
	w   io.Writer
	n   int64
	ctx context.Context
}

func (c *countingWriter) Write(p []byte) (int, error) {
	if c.ctx != nil && c.ctx.Err() != nil {
		return 0, c.ctx.Err()
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

// ErrMismatch is returned (wrapped) when generated or cached bytes do not
// match the manifest.
var ErrMismatch = errors.New("dataset does not match the manifest")

// Ensure returns the path of the cached dataset e in cacheDir, generating it
// if it is missing (or stale) and verifying its size and SHA-256 against e.
// A cached file already verified (per its stamp) is not hashed again.
func Ensure(e Entry, cacheDir string) (string, error) {
	return EnsureProgress(e, cacheDir, nil)
}

// EnsureProgress is Ensure with a progress callback for generation (see
// generators.Config.Progress).
func EnsureProgress(e Entry, cacheDir string, progress func(done int)) (string, error) {
	return EnsureContext(context.Background(), e, cacheDir, progress)
}

// EnsureAll ensures every entry in cacheDir (EnsureContext), writing
// "OK  NAME  PATH" to w for each; progress, when set, returns an entry's
// generation progress callback. When ctx ends the dataset being
// generated is abandoned; those done stay.
func EnsureAll(ctx context.Context, w io.Writer, entries []Entry, cacheDir string, progress func(Entry) func(done int)) error {
	for _, e := range entries {
		var p func(int)
		if progress != nil {
			p = progress(e)
		}
		path, err := EnsureContext(ctx, e, cacheDir, p)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "OK  %s  %s\n", e.Name, path)
	}
	return nil
}

// EnsureContext is EnsureProgress stopping when ctx ends: a dataset being
// generated is abandoned, its temporary file removed.
func EnsureContext(ctx context.Context, e Entry, cacheDir string, progress func(done int)) (string, error) {
	if e.SHA256 == "" {
		return "", fmt.Errorf("dataset %s: no sha256 in the manifest entry", e.Name)
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(cacheDir, e.FileName())
	if s, _, ok := readStamp(path); ok && s.SHA256 == e.SHA256 && s.Bytes == e.Bytes {
		return path, nil
	}
	if size, sum, err := HashFile(path); err == nil && size == e.Bytes && sum == e.SHA256 {
		return path, writeStamp(path, sum)
	}
	// Missing, stale or corrupt: (re)generate, keeping the old file until
	// the new one is verified.
	cfg := e.Config()
	cfg.Progress = progress
	_, sum, err := GenerateFileContext(ctx, path, cfg, func(size int64, sum string) error {
		if size != e.Bytes || sum != e.SHA256 {
			return fmt.Errorf("%w: %s: generated %d bytes with sha256 %s, manifest says %d bytes with sha256 %s "+
				"(if the generator changed on purpose, bump generators.Version and run `aegisbench datasets update-manifest`)",
				ErrMismatch, e.Name, size, sum, e.Bytes, e.SHA256)
		}
		return nil
	})
	if err != nil {
		return "", err
	}
	return path, writeStamp(path, sum)
}

// Status is the state of a cached dataset.
type Status string

// Statuses reported by Verify.
const (
	StatusOK       Status = "OK"
	StatusMismatch Status = "MISMATCH"
	StatusMissing  Status = "MISSING"
)

// Verify re-hashes the cached file of e (no stamp shortcut) and compares it
// with the manifest entry.
func Verify(e Entry, cacheDir string) (Status, error) {
	return VerifyContext(context.Background(), e, cacheDir)
}

// VerifyContext is Verify stopping when ctx ends (ctx's error).
func VerifyContext(ctx context.Context, e Entry, cacheDir string) (Status, error) {
	path := filepath.Join(cacheDir, e.FileName())
	size, sum, err := hashFile(ctx, path)
	if errors.Is(err, fs.ErrNotExist) {
		return StatusMissing, nil
	}
	if err != nil {
		return "", err
	}
	if size != e.Bytes || sum != e.SHA256 {
		return StatusMismatch, nil
	}
	return StatusOK, writeStamp(path, sum)
}

// EnsureStandard returns the path of the cached dataset (shape, n, seed).
// A dataset listed in the default manifest is generated if needed and
// verified (Ensure); any other is generated into the cache unverified and
// reused while generators.Version is unchanged.
func EnsureStandard(shape string, n int, seed uint64) (string, error) {
	if shape == "" {
		shape = generators.DefaultShape
	}
	cache, err := CacheDir()
	if err != nil {
		return "", err
	}
	mpath, err := DefaultManifestPath()
	if err != nil {
		return "", err
	}
	m, err := LoadManifest(mpath)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		m = &Manifest{Generator: generators.DefaultVersion}
	case err != nil:
		return "", err
	}
	if e, ok := m.Lookup(shape, n, seed); ok {
		return Ensure(e, cache)
	}
	return ensureUnlisted(NewEntry(shape, n, seed, m.Version()), cache, nil)
}

// ensureUnlisted generates a dataset not in the manifest, unless the cache
// holds one made by the same generator version.
func ensureUnlisted(e Entry, cacheDir string, progress func(done int)) (string, error) {
	if err := e.Config().Validate(); err != nil {
		return "", err
	}
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return "", err
	}
	path := filepath.Join(cacheDir, e.FileName())
	if s, _, ok := readStamp(path); ok && s.Generator == generators.Version {
		return path, nil
	}
	cfg := e.Config()
	cfg.Progress = progress
	_, sum, err := GenerateFile(path, cfg, nil)
	if err != nil {
		return "", err
	}
	return path, writeStamp(path, sum)
}

// UpdateManifest generates the datasets of entries (normally
// StandardLadder(version)) into cacheDir and returns a manifest holding their
// sizes and digests, with version selected. progress, if not nil, is called
// before each dataset and as it is generated. When ctx ends the dataset
// being generated is abandoned (no partial file) and ctx's error returned:
// the datasets generated before stay in the cache.
func UpdateManifest(ctx context.Context, entries []Entry, version int, cacheDir string, progress func(e Entry, done int)) (*Manifest, error) {
	if err := os.MkdirAll(cacheDir, 0o755); err != nil {
		return nil, err
	}
	m := &Manifest{}
	if version > 1 {
		m.Generator = version
	}
	for _, e := range entries {
		cfg := e.Config()
		if progress != nil {
			progress(e, 0)
			cfg.Progress = func(done int) { progress(e, done) }
		}
		path := filepath.Join(cacheDir, e.FileName())
		size, sum, err := GenerateFileContext(ctx, path, cfg, nil)
		if err != nil {
			return nil, err
		}
		if err := writeStamp(path, sum); err != nil {
			return nil, err
		}
		e.Bytes, e.SHA256 = size, sum
		m.Datasets = append(m.Datasets, e)
	}
	return m, nil
}
