package mdtext

import "testing"

func TestCellAndCode(t *testing.T) {
	tests := []struct{ in, cell, code string }{
		{"plain", "plain", "plain"},
		{"a|b", `a\|b`, `a\|b`},
		{"line1\nline2\r\nline3\rend", "line1 line2 line3 end", "line1 line2 line3 end"},
		{"x`y`", "x`y`", "x'y'"},
		{"", "", ""},
	}
	for _, tt := range tests {
		if got := Cell(tt.in); got != tt.cell {
			t.Errorf("Cell(%q) = %q, want %q", tt.in, got, tt.cell)
		}
		if got := Code(tt.in); got != tt.code {
			t.Errorf("Code(%q) = %q, want %q", tt.in, got, tt.code)
		}
	}
}
