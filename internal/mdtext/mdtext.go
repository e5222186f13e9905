// Package mdtext makes text safe inside a markdown table: the one escaper
// every markdown writer of the repository (reports, gate, conformance,
// profiles) uses, so that a "|" or a line break in a benchmark name, a
// finding id or an error message never breaks a table.
package mdtext

import "strings"

var cellReplacer = strings.NewReplacer("|", `\|`, "\r\n", " ", "\n", " ", "\r", " ")

// Cell escapes s for a markdown table cell: "|" becomes `\|` and line
// breaks become spaces.
func Cell(s string) string { return cellReplacer.Replace(s) }

// Code escapes s for a backtick code span inside a table cell: backticks
// become "'" (a code span cannot escape them), then as Cell.
func Code(s string) string { return Cell(strings.ReplaceAll(s, "`", "'")) }
