package goengine

import "hash/maphash"

// stringIndex finds a string by its value among strings held elsewhere,
// by position: the findings' ids while a document is decoded (the
// duplicate_id check) and the distinct shared values of a streamed one.
// It is an open-addressing hash table (linear probing, at most three
// quarters full) of 8-byte slots, each holding the high 32 bits of a string's hash and
// its position + 1; the strings stay where they are. A Go map[string]int
// holds a second string header and a value per key (about 40 bytes with
// its control bytes and slack, against 11 to 21 here) and grows into
// garbage: at 10 million findings that is hundreds of megabytes.
type stringIndex struct {
	seed  maphash.Seed
	slots []uint64
	n     int
	// at returns the string at a position.
	at func(pos int) string
}

// newStringIndex returns an index sized for hint strings, which at
// returns by position.
func newStringIndex(hint int, at func(pos int) string) stringIndex {
	size := 16
	for 3*size < 4*hint {
		size *= 2
	}
	return stringIndex{seed: maphash.MakeSeed(), slots: make([]uint64, size), at: at}
}

// find returns the position of key and true, or the hash of key (for
// add) and false.
func (x *stringIndex) find(key string) (pos int, hash uint64, ok bool) {
	hash = maphash.String(x.seed, key)
	mask := len(x.slots) - 1
	for i := int(hash) & mask; ; i = (i + 1) & mask {
		s := x.slots[i]
		if s == 0 {
			return 0, hash, false
		}
		if s>>32 == hash>>32 && x.at(int(uint32(s))-1) == key {
			return int(uint32(s)) - 1, hash, true
		}
	}
}

// add records that the string at pos has hash, and that find did not
// find it. Positions are below 2^32 - 1 (a document with that many
// findings does not fit in memory).
func (x *stringIndex) add(pos int, hash uint64) {
	if 4*(x.n+1) > 3*len(x.slots) {
		x.grow()
	}
	x.slots[x.free(hash)] = hash>>32<<32 | uint64(uint32(pos+1))
	x.n++
}

// free returns the first empty slot of hash's probe sequence.
func (x *stringIndex) free(hash uint64) int {
	mask := len(x.slots) - 1
	i := int(hash) & mask
	for x.slots[i] != 0 {
		i = (i + 1) & mask
	}
	return i
}

// grow doubles the table, hashing every string again.
func (x *stringIndex) grow() {
	old := x.slots
	x.slots = make([]uint64, 2*len(old))
	for _, s := range old {
		if s != 0 {
			pos := int(uint32(s)) - 1
			hash := maphash.String(x.seed, x.at(pos))
			x.slots[x.free(hash)] = s
		}
	}
}

// removeLast forgets the string key at pos, which must be the one added
// last: no probe sequence of a string added before it passes its slot
// (the slot was empty when they were added), so emptying it is enough.
func (x *stringIndex) removeLast(pos int, key string) {
	hash := maphash.String(x.seed, key)
	mask := len(x.slots) - 1
	for i := int(hash) & mask; x.slots[i] != 0; i = (i + 1) & mask {
		if int(uint32(x.slots[i]))-1 == pos {
			x.slots[i] = 0
			x.n--
			return
		}
	}
}
