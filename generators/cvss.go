package generators

import (
	"math/big"
	"sync"
)

// cvssVector is one CVSS v3.1 base vector with its base score in tenths.
type cvssVector struct {
	vector string
	tenths int
}

// cvssBands holds every CVSS v3.1 base vector (4*2*3*2*2*3*3*3 = 2592) grouped
// by the severity band of its score: 0 none (0.0), 1 low (0.1-3.9), 2 medium
// (4.0-6.9), 3 high (7.0-8.9), 4 critical (9.0-10.0). Scores are computed
// with exact rational arithmetic and the specification's Roundup, so the
// table is identical on every platform (no floating point involved).
var cvssBands = sync.OnceValue(func() [5][]cvssVector {
	var bands [5][]cvssVector
	type metric struct {
		name   string
		weight int64 // hundredths
	}
	av := []metric{{"N", 85}, {"A", 62}, {"L", 55}, {"P", 20}}
	ac := []metric{{"L", 77}, {"H", 44}}
	pr := []metric{{"N", 85}, {"L", 62}, {"H", 27}}
	ui := []metric{{"N", 85}, {"R", 62}}
	cia := []metric{{"H", 56}, {"L", 22}, {"N", 0}}
	for _, a := range av {
		for _, c := range ac {
			for _, p := range pr {
				for _, u := range ui {
					for _, changed := range []bool{false, true} {
						for _, ci := range cia {
							for _, ii := range cia {
								for _, ai := range cia {
									pw := p.weight
									if changed && p.name == "L" {
										pw = 68
									} else if changed && p.name == "H" {
										pw = 50
									}
									t := cvssScoreTenths(a.weight, c.weight, pw, u.weight, changed, ci.weight, ii.weight, ai.weight)
									s := "U"
									if changed {
										s = "C"
									}
									v := "CVSS:3.1/AV:" + a.name + "/AC:" + c.name + "/PR:" + p.name + "/UI:" + u.name +
										"/S:" + s + "/C:" + ci.name + "/I:" + ii.name + "/A:" + ai.name
									bands[cvssBand(t)] = append(bands[cvssBand(t)], cvssVector{v, t})
								}
							}
						}
					}
				}
			}
		}
	}
	return bands
})

// cvssBand maps a score in tenths to its severity band index.
func cvssBand(tenths int) int {
	switch {
	case tenths == 0:
		return 0
	case tenths < 40:
		return 1
	case tenths < 70:
		return 2
	case tenths < 90:
		return 3
	}
	return 4
}

// cvssScoreTenths computes the CVSS v3.1 base score (in tenths) from metric
// weights given in hundredths, following the specification's formulas.
func cvssScoreTenths(av, ac, pr, ui int64, changed bool, c, i, a int64) int {
	rat := func(num, den int64) *big.Rat { return big.NewRat(num, den) }
	// ISS = 1 - (1-C)(1-I)(1-A)
	iss := rat(1000000-(100-c)*(100-i)*(100-a), 1000000)
	impact := new(big.Rat)
	if !changed {
		impact.Mul(rat(642, 100), iss)
	} else {
		t1 := new(big.Rat).Mul(rat(752, 100), new(big.Rat).Sub(iss, rat(29, 1000)))
		base := new(big.Rat).Sub(iss, rat(2, 100))
		pow := rat(1, 1)
		for k := 0; k < 15; k++ {
			pow.Mul(pow, base)
		}
		t2 := new(big.Rat).Mul(rat(325, 100), pow)
		impact.Sub(t1, t2)
	}
	if impact.Sign() <= 0 {
		return 0
	}
	expl := rat(822*av*ac*pr*ui, 100*100*100*100*100)
	sum := new(big.Rat).Add(impact, expl)
	if changed {
		sum.Mul(sum, rat(108, 100))
	}
	if sum.Cmp(rat(10, 1)) > 0 {
		sum = rat(10, 1)
	}
	return roundupTenths(sum)
}

// roundupTenths is CVSS v3.1 Roundup, returning tenths: the smallest number of
// tenths >= x, computed through the specification's integer steps.
func roundupTenths(x *big.Rat) int {
	// intInput = round(x * 100000), half up.
	scaled := new(big.Rat).Mul(x, big.NewRat(100000, 1))
	scaled.Add(scaled, big.NewRat(1, 2))
	q := new(big.Int).Quo(scaled.Num(), scaled.Denom()) // floor, scaled > 0
	n := q.Int64()
	if n%10000 == 0 {
		return int(n / 10000)
	}
	return int(n/10000) + 1
}
