package conform

import (
	"fmt"

	"github.com/wI2L/jsondiff"
)

// DiffOp is one JSON Patch operation (RFC 6902) turning the reference's
// canonical document into the candidate's, with both values rendered as
// compact JSON ("" where a side has no value).
type DiffOp struct {
	Op string // add, remove, replace, move, copy
	// Pointer is the RFC 6901 pointer the operation applies to; From is
	// the source pointer of move and copy.
	Pointer   string
	From      string
	Reference string
	Candidate string
}

// String renders the operation on one line.
func (d DiffOp) String() string {
	ptr := pointerOrRoot(d.Pointer)
	switch d.Op {
	case jsondiff.OperationAdd:
		return fmt.Sprintf("add     %s: (absent) -> %s", ptr, d.Candidate)
	case jsondiff.OperationRemove:
		return fmt.Sprintf("remove  %s: %s -> (absent)", ptr, d.Reference)
	case jsondiff.OperationReplace:
		return fmt.Sprintf("replace %s: %s -> %s", ptr, d.Reference, d.Candidate)
	case jsondiff.OperationMove, jsondiff.OperationCopy:
		return fmt.Sprintf("%-7s %s -> %s: %s", d.Op, pointerOrRoot(d.From), ptr, d.Candidate)
	}
	return fmt.Sprintf("%s %s", d.Op, ptr)
}

// diffDocuments returns the first maxOps operations of the JSON Patch from
// ref to cand (two canonical documents, arrays compared by longest common
// subsequence) and the total count.
func diffDocuments(ref, cand []byte, maxOps int) ([]DiffOp, int) {
	patch, err := jsondiff.CompareJSON(ref, cand, jsondiff.LCS())
	if err != nil {
		return []DiffOp{{Op: "error", Pointer: "", Reference: err.Error()}}, 1
	}
	ops := make([]DiffOp, 0, min(len(patch), maxOps))
	for _, op := range patch[:min(len(patch), maxOps)] {
		d := DiffOp{Op: op.Type, Pointer: op.Path}
		switch op.Type {
		case jsondiff.OperationAdd:
			d.Candidate = valueText(op.Value)
		case jsondiff.OperationRemove:
			d.Reference = valueText(op.OldValue)
		case jsondiff.OperationReplace:
			d.Reference, d.Candidate = valueText(op.OldValue), valueText(op.Value)
		case jsondiff.OperationMove, jsondiff.OperationCopy:
			d.From, d.Candidate = op.From, valueText(op.Value)
		}
		ops = append(ops, d)
	}
	return ops, len(patch)
}
