//! The whole pipeline on a JSONL corpus made of any bytes: no panic, every
//! article in exactly one cluster, and the report is valid dedup/1 JSON.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let options = dedup::read::ReadOptions {
        max_bytes: 4096,
        ..Default::default()
    };
    let corpus = dedup::read::read_jsonl(data, "fuzz.jsonl", &options);
    let pipeline = dedup::config::Config::default().validate().unwrap();
    let progress = dedup::progress::Progress::default();
    let clustering = dedup::cluster(&corpus.articles, &pipeline, &progress)
        .expect("temporary files work");
    let report = dedup::report::build(&dedup::report::Inputs {
        records: &clustering.records,
        groups: &clustering.groups,
        events: &clustering.events,
        errors: &corpus.errors,
        neardup: &pipeline.neardup,
        event_threshold: pipeline.events.as_ref().map(|e| e.threshold),
        event_weights: None,
        keep: pipeline.keep,
    });
    let mut seen = std::collections::HashSet::new();
    for cluster in &report.clusters {
        for member in &cluster.members {
            let id: &str = &member.id;
            assert!(seen.insert(id.to_string()), "{id} in two clusters");
        }
    }
    assert_eq!(seen.len(), corpus.articles.len());
    let json = serde_json::to_string(&report).unwrap();
    let back: dedup::report::Report = serde_json::from_str(&json).unwrap();
    assert_eq!(back.schema, "dedup/1");
});
