// Package housekeeping holds repository-wide checks of the house rules
// that no compiler enforces (its tests are the checks): imports point
// down the layers of the README's Architecture section, and no Go
// function over 80 lines and no Go or Rust file over 500 lines stands
// without a reason written down.
package housekeeping
