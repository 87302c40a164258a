// Package suggest finds the name a person probably meant, for "did you
// mean" hints in error messages about check, world and fixture files.
package suggest

import "strings"

// maxEdits is how far a typo may be from the intended name.
const maxEdits = 2

// Closest returns the name nearest to got (case-insensitively) within two
// edits, or "" when none is that close. An exact match ignoring case wins;
// among equally near names the first listed wins.
func Closest(got string, names []string) string {
	lg := strings.ToLower(got)
	best, bestD := "", maxEdits+1
	for _, n := range names {
		d := distance(lg, strings.ToLower(n))
		if d < bestD {
			best, bestD = n, d
		}
		if d == 0 {
			break
		}
	}
	return best
}

// distance is the Levenshtein edit distance between two strings (bytes).
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
