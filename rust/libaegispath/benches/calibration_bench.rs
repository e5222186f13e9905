//! The platform calibration benchmark: the fixed CPU-bound integer loop of
//! the Go package harness/platformcal (same constants, same checksum), so
//! that `aegisbench compare-platforms` can normalize absolute times of the
//! same code by the two platforms' calibration times. It needs no dataset
//! and takes about a millisecond per iteration.

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};

/// Loop length of one operation (harness/platformcal.Iterations).
const ITERATIONS: u64 = 1 << 18;

/// run(ITERATIONS) on every platform, in Go and in Rust.
const CHECKSUM: u64 = 0xf3dd_573c_a467_ecf0;

/// The workload: a 64-bit LCG whose output drives a rotate or an add.
fn run(n: u64) -> u64 {
    let (mut x, mut acc) = (0x2545_f491_4f6c_dd1d_u64, 0_u64);
    for _ in 0..n {
        x = x
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        acc ^= x >> 33;
        if acc & 1 == 1 {
            acc = acc.rotate_left(5);
        } else {
            acc = acc.wrapping_add(x >> 17);
        }
    }
    acc
}

fn calibration(c: &mut Criterion) {
    assert_eq!(
        run(ITERATIONS),
        CHECKSUM,
        "the calibration workload differs from Go's"
    );
    c.bench_function("platform_calibration", |b| {
        b.iter(|| run(black_box(ITERATIONS)))
    });
}

criterion_group!(benches, calibration);
criterion_main!(benches);
