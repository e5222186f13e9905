package generators

import (
	"math/bits"
	"math/rand/v2"
)

// rng is the generator's only source of randomness: a PCG stream seeded from
// (seed, shape). Every draw goes through Uint64 and integer arithmetic defined
// here, so the output does not depend on how math/rand/v2 maps a source to
// bounded values in any given Go release, nor on the platform.
type rng struct {
	src *rand.PCG
}

// newRNG seeds the stream from the user's seed and a hash of the shape name,
// so two shapes with the same seed do not share a stream.
func newRNG(seed uint64, shape string) *rng {
	return &rng{src: rand.NewPCG(seed, fnv64a(shape))}
}

// fnv64a is the 64-bit FNV-1a hash of s.
func fnv64a(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// u64 returns 64 random bits.
func (r *rng) u64() uint64 { return r.src.Uint64() }

// n returns a value in [0, n) by multiply-shift (Lemire without rejection: the
// bias is below 2^-32 for the small bounds used here). n must be > 0.
func (r *rng) n(n int) int {
	hi, _ := bits.Mul64(r.src.Uint64(), uint64(n))
	return int(hi)
}

// n64 is n for int64 bounds (timestamps in milliseconds), so that the
// arithmetic is the same on 32-bit platforms.
func (r *rng) n64(n int64) int64 {
	hi, _ := bits.Mul64(r.src.Uint64(), uint64(n))
	return int64(hi)
}

// between returns a value in [lo, hi].
func (r *rng) between(lo, hi int) int { return lo + r.n(hi-lo+1) }

// pct reports true with probability p/100.
func (r *rng) pct(p int) bool { return r.n(100) < p }

// permille reports true with probability p/1000.
func (r *rng) permille(p int) bool { return r.n(1000) < p }

// weighted returns index i with probability w[i]/sum(w).
func (r *rng) weighted(w []int) int {
	sum := 0
	for _, x := range w {
		sum += x
	}
	x := r.n(sum)
	for i, wi := range w {
		if x < wi {
			return i
		}
		x -= wi
	}
	return len(w) - 1
}

// pick returns a random element of xs (which must not be empty).
func pick[T any](r *rng, xs []T) T { return xs[r.n(len(xs))] }

// mix64 is the SplitMix64 finalizer: a bijection on uint64, used to turn a
// finding index into unique but random-looking id digits.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}
