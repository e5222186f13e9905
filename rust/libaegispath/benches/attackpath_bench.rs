//! Criterion benchmarks of the Rust engine on the realistic datasets (the
//! reference report's table, measured): `deserialize_findings` (parse and validate the
//! 11 engine fields), `compute_attack_paths` (graph, BFS, ranking, output
//! structs; no JSON) and `full_pipeline` (bytes in, output bytes out), each
//! at n=200, 2000 and 20000, or at the sizes listed in
//! `$AEGISBENCH_BENCH_SIZES` (comma-separated; `aegisbench bench` sets it, so
//! the scale ladder runs this same code at 200000 and 1000000).
//!
//! Datasets: `$AEGISBENCH_DATASET_<N>` or
//! `<repo>/datasets/cache/realistic-<N>-s1.json` (create them with
//! `aegisbench datasets ensure`). A missing file is reported and its size
//! skipped; nothing is synthesised here.

use std::hint::black_box;
use std::path::PathBuf;
use std::time::Duration;

use aegispath::{Options, compute, validate};
use criterion::{BenchmarkId, Criterion, Throughput, criterion_group, criterion_main};

/// The sizes benchmarked when `AEGISBENCH_BENCH_SIZES` is unset.
const DEFAULT_SIZES: [usize; 3] = [200, 2000, 20000];

/// The most findings a size may name (the Go side's argval.MaxFindings).
const MAX_FINDINGS: usize = 10_000_000;

/// The benchmark sizes: `$AEGISBENCH_BENCH_SIZES` or DEFAULT_SIZES, in the
/// grammar of every `--sizes` flag (internal/argval.Sizes): positive
/// numbers with an optional k or M suffix, no duplicates, at most
/// MAX_FINDINGS. A malformed value stops the bench (a typo must not
/// benchmark other sizes).
fn sizes() -> Vec<usize> {
    let v = match std::env::var("AEGISBENCH_BENCH_SIZES") {
        Ok(v) if !v.trim().is_empty() => v,
        _ => return DEFAULT_SIZES.to_vec(),
    };
    let mut out = Vec::new();
    for f in v.split(',').map(str::trim) {
        let (num, mult) = match f.strip_suffix(['k', 'K']) {
            Some(n) => (n, 1000),
            None => match f.strip_suffix('M') {
                Some(n) => (n, 1_000_000),
                None => (f, 1),
            },
        };
        let n = match num.parse::<usize>() {
            Ok(n) if n > 0 && n <= MAX_FINDINGS / mult => n * mult,
            _ => panic!(
                "AEGISBENCH_BENCH_SIZES={v:?}: {f:?} is not a positive number of findings (at most {MAX_FINDINGS})"
            ),
        };
        assert!(
            !out.contains(&n),
            "AEGISBENCH_BENCH_SIZES={v:?}: size {n} given twice"
        );
        out.push(n);
    }
    out
}

fn dataset_path(n: usize) -> PathBuf {
    match std::env::var_os(format!("AEGISBENCH_DATASET_{n}")) {
        Some(p) => PathBuf::from(p),
        None => PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../../datasets/cache")
            .join(format!("realistic-{n}-s1.json")),
    }
}

/// The datasets that exist, with their bytes; missing ones are reported.
fn datasets() -> Vec<(usize, Vec<u8>)> {
    sizes()
        .into_iter()
        .filter_map(|n| {
            let path = dataset_path(n);
            match std::fs::read(&path) {
                Ok(data) => Some((n, data)),
                Err(e) => {
                    eprintln!(
                        "attackpath_bench: skipping n={n}: cannot read {} ({e}); \
                         run `aegisbench datasets ensure` or set AEGISBENCH_DATASET_{n}",
                        path.display()
                    );
                    None
                }
            }
        })
        .collect()
}

/// Sample settings: fewer, longer samples for the 20K dataset; flat sampling
/// (the same iteration count per sample) from 200K on, where one iteration
/// takes a good fraction of a second.
fn configure(
    group: &mut criterion::BenchmarkGroup<'_, criterion::measurement::WallTime>,
    n: usize,
) {
    if n >= 200_000 {
        group.sample_size(10);
        group.sampling_mode(criterion::SamplingMode::Flat);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(5));
    } else if n >= 20000 {
        group.sample_size(10);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(5));
    } else {
        group.sample_size(50);
        group.warm_up_time(Duration::from_secs(1));
        group.measurement_time(Duration::from_secs(3));
    }
}

fn benches(c: &mut Criterion) {
    let data = datasets();
    let opt = Options::new(4, 20).expect("default options");

    let mut group = c.benchmark_group("compute_attack_paths");
    for (n, bytes) in &data {
        let findings = validate::decode(bytes).expect("dataset is valid");
        assert_eq!(findings.len(), *n, "dataset size");
        configure(&mut group, *n);
        group.throughput(Throughput::Elements(*n as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("n={n}")),
            &findings,
            |b, f| b.iter(|| black_box(compute::compute(black_box(f), opt))),
        );
    }
    group.finish();

    let mut group = c.benchmark_group("deserialize_findings");
    for (n, bytes) in &data {
        configure(&mut group, *n);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("n={n}")),
            bytes,
            |b, d| b.iter(|| black_box(validate::decode(black_box(d)).expect("valid"))),
        );
    }
    group.finish();

    let mut group = c.benchmark_group("serialize_paths");
    for (n, bytes) in &data {
        let findings = validate::decode(bytes).expect("dataset is valid");
        let doc = compute::compute(&findings, opt);
        configure(&mut group, *n);
        group.throughput(Throughput::Bytes(aegispath::encode(&doc).len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("n={n}")),
            &doc,
            |b, d| b.iter(|| black_box(aegispath::encode(black_box(d)))),
        );
    }
    group.finish();

    let mut group = c.benchmark_group("full_pipeline");
    for (n, bytes) in &data {
        configure(&mut group, *n);
        group.throughput(Throughput::Bytes(bytes.len() as u64));
        group.bench_with_input(
            BenchmarkId::from_parameter(format!("n={n}")),
            bytes,
            |b, d| {
                b.iter(|| black_box(aegispath::attack_paths(black_box(d), 4, 20).expect("valid")))
            },
        );
    }
    group.finish();
}

criterion_group!(attackpath_bench, benches);
criterion_main!(attackpath_bench);
