package conform

// Minimizing delta debugging, generic over the items shrunk (findings of
// a document, members of a finding).

// ddmin is Zeller and Hildebrandt's minimizing delta debugging: it returns
// a subsequence of items on which fails holds and, with true, proof that it
// is 1-minimal (removing any single item makes fails false). fails must
// hold on items. On an error (errBudget included) it returns the smallest
// failing subsequence found so far.
func ddmin[T any](items []T, fails func([]T) (bool, error)) ([]T, bool, error) {
	c := items
	if len(c) == 0 {
		return c, true, nil
	}
	if ok, err := fails(nil); err != nil {
		return c, false, err
	} else if ok {
		return nil, true, nil
	}
	n := 2
	for len(c) >= 2 {
		n = min(n, len(c))
		chunks := split(c, n)
		reduced := false
		for _, ch := range chunks {
			ok, err := fails(ch)
			if err != nil {
				return c, false, err
			}
			if ok {
				c, n, reduced = ch, 2, true
				break
			}
		}
		if !reduced && n > 2 { // with two chunks each complement is the other chunk
			for i := range chunks {
				comp := complement(chunks, i)
				ok, err := fails(comp)
				if err != nil {
					return c, false, err
				}
				if ok {
					c, n, reduced = comp, max(n-1, 2), true
					break
				}
			}
		}
		if !reduced {
			if n >= len(c) {
				return c, true, nil
			}
			n = min(2*n, len(c))
		}
	}
	return c, true, nil // one item left, and the empty input passes
}

// split cuts c into n nearly equal consecutive chunks.
func split[T any](c []T, n int) [][]T {
	chunks := make([][]T, 0, n)
	start := 0
	for i := range n {
		end := start + (len(c)-start)/(n-i)
		chunks = append(chunks, c[start:end:end])
		start = end
	}
	return chunks
}

func complement[T any](chunks [][]T, skip int) []T {
	var out []T
	for i, ch := range chunks {
		if i != skip {
			out = append(out, ch...)
		}
	}
	return out
}
