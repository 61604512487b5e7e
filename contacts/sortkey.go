package contacts

import (
	"cmp"
	"encoding/binary"
	"strings"
)

// prefixKey is the first 16 bytes of a string, zero-padded, as two
// big-endian numbers. Sorting 100,000 names or 200,000 numbers compares
// strings millions of times, and each string lives elsewhere on the heap
// (a cache miss); the prefixes sit in the sorted items themselves and
// decide nearly every comparison.
type prefixKey struct{ hi, lo uint64 }

func prefixOf(s string) prefixKey {
	var b [16]byte
	copy(b[:], s)
	return prefixKey{binary.BigEndian.Uint64(b[:8]), binary.BigEndian.Uint64(b[8:])}
}

// compareKeyed orders a and b exactly as strings.Compare does, given
// their prefixes. Prefixes that differ differ at a byte both strings have,
// or where the shorter one ended (padding 0 is below any byte but NUL, and
// a NUL makes the prefixes equal); equal prefixes leave it to the strings.
func compareKeyed(pa prefixKey, a string, pb prefixKey, b string) int {
	if c := cmp.Compare(pa.hi, pb.hi); c != 0 {
		return c
	}
	if c := cmp.Compare(pa.lo, pb.lo); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}
