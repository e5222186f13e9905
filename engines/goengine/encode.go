package goengine

import (
	"strconv"

	"github.com/aegisbench/aegisbench/engines"
	"github.com/aegisbench/aegisbench/internal/jsontext"
)

// Encode writes the output document of spec section 4: compact JSON, keys
// in the spec's order, integers in decimal, likelihoods in Go's shortest
// round-trip form (strconv 'g', -1), strings escaped per RFC 8259 (invalid
// UTF-8, impossible after Decode, becomes U+FFFD).
func Encode(r *Result) []byte {
	size := 256
	for i := range r.Accounts {
		a := &r.Accounts[i]
		size += 160 + len(a.ID)
		for j := range a.Paths {
			p := &a.Paths[j]
			size += 160 + len(p.EntryID) + len(p.TargetID)
			for _, id := range p.FindingIDs {
				size += len(id) + 3
			}
			size += 16 * len(p.Reasons)
		}
	}
	return AppendEncode(make([]byte, 0, size), r)
}

// AppendEncode appends the output document of r to dst.
func AppendEncode(dst []byte, r *Result) []byte {
	dst = append(dst, `{"schema":"`+engines.SchemaAttackPaths+`","max_depth":`...)
	dst = strconv.AppendInt(dst, int64(r.MaxDepth), 10)
	dst = append(dst, `,"top_k":`...)
	dst = strconv.AppendInt(dst, int64(r.TopK), 10)
	t := &r.Totals
	dst = append(dst, `,"totals":{"findings":`...)
	dst = strconv.AppendInt(dst, int64(t.Findings), 10)
	dst = appendCounts(dst, t.Active, t.Edges, t.Entries, t.Targets, t.CandidatePaths)
	dst = append(dst, `,"paths":`...)
	dst = strconv.AppendInt(dst, int64(t.Paths), 10)
	dst = append(dst, `},"accounts":[`...)
	for i := range r.Accounts {
		a := &r.Accounts[i]
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"aws_account_id":`...)
		dst = jsontext.AppendQuoted(dst, a.ID)
		dst = append(dst, `,"findings":`...)
		dst = strconv.AppendInt(dst, int64(a.Findings), 10)
		dst = appendCounts(dst, a.Active, a.Edges, a.Entries, a.Targets, a.CandidatePaths)
		dst = append(dst, `,"paths":[`...)
		for j := range a.Paths {
			if j > 0 {
				dst = append(dst, ',')
			}
			dst = appendPath(dst, &a.Paths[j])
		}
		dst = append(dst, "]}"...)
	}
	return append(dst, "]}"...)
}

func appendCounts(dst []byte, active, edges, entries, targets, candidates int) []byte {
	dst = append(dst, `,"active":`...)
	dst = strconv.AppendInt(dst, int64(active), 10)
	dst = append(dst, `,"edges":`...)
	dst = strconv.AppendInt(dst, int64(edges), 10)
	dst = append(dst, `,"entries":`...)
	dst = strconv.AppendInt(dst, int64(entries), 10)
	dst = append(dst, `,"targets":`...)
	dst = strconv.AppendInt(dst, int64(targets), 10)
	dst = append(dst, `,"candidate_paths":`...)
	return strconv.AppendInt(dst, int64(candidates), 10)
}

func appendPath(dst []byte, p *Path) []byte {
	dst = append(dst, `{"rank":`...)
	dst = strconv.AppendInt(dst, int64(p.Rank), 10)
	dst = append(dst, `,"entry_id":`...)
	dst = jsontext.AppendQuoted(dst, p.EntryID)
	dst = append(dst, `,"target_id":`...)
	dst = jsontext.AppendQuoted(dst, p.TargetID)
	dst = append(dst, `,"hops":`...)
	dst = strconv.AppendInt(dst, int64(p.Hops), 10)
	dst = append(dst, `,"score":`...)
	dst = strconv.AppendUint(dst, p.Score, 10)
	dst = append(dst, `,"likelihood":`...)
	dst = strconv.AppendFloat(dst, p.Likelihood, 'g', -1, 64)
	dst = append(dst, `,"finding_ids":[`...)
	for i, id := range p.FindingIDs {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = jsontext.AppendQuoted(dst, id)
	}
	dst = append(dst, `],"reasons":[`...)
	for i, r := range p.Reasons {
		if i > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, '"')
		dst = append(dst, r.String()...)
		dst = append(dst, '"')
	}
	return append(dst, "]}"...)
}
