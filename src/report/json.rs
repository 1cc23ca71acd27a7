//! `--format json`: the whole report as one `dedup/1` object, written a
//! cluster at a time: the bytes are those of `serde_json::to_writer_pretty`
//! on the [`Report`](super::Report), without holding every cluster.

use std::io::{self, Write};

use serde::{Serialize, Serializer};

use super::{tool, ErrorEntry, KeptApartEntry, Layout, Params, Reporter, Summary, Tool, SCHEMA};

pub struct Json;

impl Reporter for Json {
    fn write(&self, layout: &Layout, out: &mut dyn Write) -> io::Result<()> {
        let document = Document {
            schema: SCHEMA,
            tool: tool(),
            params: layout.params(),
            summary: layout.summary(),
            clusters: Clusters(layout),
            kept_apart: layout.kept_apart(),
            errors: layout.errors(),
        };
        serde_json::to_writer_pretty(&mut *out, &document)?;
        writeln!(out)
    }
}

/// [`Report`](super::Report)'s fields, in its order, with the clusters
/// produced as they are serialized.
#[derive(Serialize)]
struct Document<'l> {
    schema: &'static str,
    tool: Tool,
    params: Params,
    summary: Summary,
    clusters: Clusters<'l>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    kept_apart: Vec<KeptApartEntry>,
    errors: &'l [ErrorEntry],
}

struct Clusters<'l>(&'l Layout<'l>);

impl Serialize for Clusters<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.clusters())
    }
}
