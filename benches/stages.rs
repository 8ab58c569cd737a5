//! Criterion benches: one group per stage over a fixed in-repo corpus (the seeds repeated to
//! about 1 MB), end to end with 1 thread and with all cores, and the sink alone encoding
//! Parquet into `io::sink()`. Run with `cargo bench --bench stages`.

use std::hint::black_box;
use std::sync::{Arc, LazyLock};

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use zhetl::{
    Cleaner, Config, Decoder, DiscardSink, Document, Extractor, Lexicon, MemorySink, OutputConfig, Pipeline, RawDoc,
    Segmenter, Shard, Sink,
};

static CONFIG: LazyLock<Config> = LazyLock::new(Config::default);
static LEXICON: LazyLock<Arc<Lexicon>> =
    LazyLock::new(|| Arc::new(Lexicon::new(&CONFIG.segment.user_dict, &CONFIG.extract.places).unwrap()));

/// The seeds, repeated to about 1 MB.
static CORPUS: LazyLock<Vec<RawDoc>> = LazyLock::new(|| {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/seeds");
    let mut seeds: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    seeds.sort();
    let base: Vec<RawDoc> =
        seeds.iter().map(|p| RawDoc::new(p.display().to_string(), std::fs::read(p).unwrap())).collect();
    let mut out = Vec::new();
    let mut n = 0;
    while n < 1_000_000 {
        for d in &base {
            n += d.bytes.len();
            out.push(d.clone());
        }
    }
    out
});

fn bytes() -> u64 {
    CORPUS.iter().map(|d| d.bytes.len() as u64).sum()
}

fn stages(c: &mut Criterion) {
    let decoder = Decoder::new(&CONFIG.decode, LEXICON.clone());
    let cleaner = Cleaner::new(&CONFIG.clean, LEXICON.clone()).unwrap();
    let segmenter = Segmenter::new(&CONFIG.segment, LEXICON.clone());
    let extractor = Extractor::new(&CONFIG.extract, LEXICON.clone()).unwrap();
    let decoded: Vec<Document> = CORPUS.iter().map(|r| decoder.decode(r.clone()).unwrap()).collect();
    let cleaned: Vec<Document> = decoded
        .iter()
        .cloned()
        .map(|mut d| {
            cleaner.clean(&mut d);
            d
        })
        .collect();
    let segmented: Vec<Document> = cleaned
        .iter()
        .cloned()
        .map(|mut d| {
            segmenter.segment(&mut d);
            d
        })
        .collect();

    let mut g = c.benchmark_group("stage");
    g.throughput(Throughput::Bytes(bytes()));
    g.sample_size(10);
    g.bench_function("decode", |b| {
        b.iter(|| CORPUS.iter().filter(|r| decoder.decode(black_box((*r).clone())).is_ok()).count())
    });
    g.bench_function("clean", |b| {
        b.iter_batched(
            || decoded.clone(),
            |docs| docs.into_iter().map(|mut d| cleaner.clean(&mut d)).count(),
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("segment", |b| {
        b.iter_batched(
            || cleaned.clone(),
            |docs| docs.into_iter().map(|mut d| segmenter.segment(&mut d)).count(),
            criterion::BatchSize::LargeInput,
        )
    });
    g.bench_function("extract", |b| {
        b.iter_batched(
            || segmented.clone(),
            |docs| docs.into_iter().map(|mut d| extractor.extract(&mut d).is_ok()).count(),
            criterion::BatchSize::LargeInput,
        )
    });
    g.finish();
}

fn pipeline(c: &mut Criterion) {
    let p = Pipeline::new(&CONFIG).unwrap();
    let mut g = c.benchmark_group("pipeline");
    g.throughput(Throughput::Bytes(bytes()));
    g.sample_size(10);
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for threads in [1, cores] {
        g.bench_with_input(BenchmarkId::new("threads", threads), &threads, |b, &t| {
            b.iter(|| {
                let inputs = CORPUS.clone().into_iter().map(Ok);
                p.run(inputs, MemorySink::default(), t, Shard::ALL, &|_| {}).unwrap().0.documents_written
            })
        });
    }
    g.finish();

    // The corpus four times over (about 4 MB): with 1 MB the last flush of every table, done
    // once per run, would weigh as much as a long run's steady encoding.
    let docs: Vec<Document> = CORPUS.iter().map(|r| p.process(r.clone()).unwrap()).collect();
    let docs: Vec<Document> = (0..4).flat_map(|_| docs.iter().cloned()).collect();
    let mut g = c.benchmark_group("sink");
    g.throughput(Throughput::Bytes(4 * bytes()));
    g.sample_size(10);
    // Chunks of the pipeline's default size, with one writer thread (lane) and with one
    // per core: how far the writer alone scales.
    let chunk = CONFIG.run.chunk_size;
    for lanes in [1, cores] {
        let out = OutputConfig { writer_threads: lanes, ..OutputConfig::default() };
        g.bench_with_input(BenchmarkId::new("parquet_to_null/lanes", lanes), &out, |b, out| {
            b.iter(|| {
                let mut sink = DiscardSink::new(out, 1).unwrap();
                for docs in docs.chunks(chunk) {
                    sink.write(docs, &[]).unwrap();
                }
                // Closing encodes the last pages; the lanes close at once, as in `run`.
                sink.finish(&serde_json::Value::Null).unwrap();
            })
        });
    }
    g.finish();
}

criterion_group!(benches, stages, pipeline);
criterion_main!(benches);
