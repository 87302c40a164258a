package store

import (
	"crypto/rand"
	"sync"
	"time"
)

// crockford is Crockford's base32 alphabet; it is in ASCII order, so IDs
// compare as strings in the same order as their numeric values.
const crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"

var scanIDState struct {
	sync.Mutex
	ms       uint64
	hi16     uint16 // top 16 of the 80 random bits
	lo64     uint64 // low 64 of the 80 random bits
	hasValue bool
}

// NewScanID returns a 26-character, time-ordered scan ID (the ULID layout:
// 48 bits of Unix milliseconds, then 80 random bits). IDs sort as strings in
// the order of t; IDs made by this process in the same millisecond still
// increase, so sorting by ID is sorting by creation.
func NewScanID(t time.Time) string {
	ms := uint64(t.UnixMilli()) & (1<<48 - 1)

	scanIDState.Lock()
	st := &scanIDState
	if st.hasValue && ms == st.ms {
		// Same millisecond: continue from the last ID so that order
		// still follows creation.
		st.lo64++
		if st.lo64 == 0 {
			st.hi16++
		}
	} else {
		var b [10]byte
		// crypto/rand.Read never returns an error (it panics instead).
		_, _ = rand.Read(b[:])
		st.hi16 = uint16(b[0])<<8 | uint16(b[1])
		st.lo64 = 0
		for _, x := range b[2:] {
			st.lo64 = st.lo64<<8 | uint64(x)
		}
		// Leave room to increment within this millisecond.
		st.lo64 &^= 1 << 63
	}
	st.ms, st.hasValue = ms, true
	hi := ms<<16 | uint64(st.hi16)
	lo := st.lo64
	scanIDState.Unlock()

	// 128 bits in 26 characters of 5 bits: the first character holds 3.
	var out [26]byte
	for i := 25; i >= 0; i-- {
		out[i] = crockford[lo&31]
		lo = lo>>5 | hi<<59
		hi >>= 5
	}
	return string(out[:])
}
