//! `--format csv`: one row per article, for spreadsheets and SQL loaders:
//! `id, cluster, group, kept, duplicate_of, title, source, date`. `kept` is
//! whether `--write-unique` keeps the article (it is no copy of another);
//! an empty cell is a missing value. RFC 4180 quoting, by the csv crate.
//! Each row is written as it is made.

use std::io::{self, Write};

use super::{Layout, Reporter};

pub struct Csv;

/// The header row, the table's contract.
pub const HEADER: [&str; 8] = [
    "id",
    "cluster",
    "group",
    "kept",
    "duplicate_of",
    "title",
    "source",
    "date",
];

impl Reporter for Csv {
    fn write(&self, layout: &Layout, out: &mut dyn Write) -> io::Result<()> {
        let mut table = csv::Writer::from_writer(out);
        table.write_record(HEADER)?;
        for (line, record) in layout.article_rows() {
            let text = |field: &Option<String>| field.clone().unwrap_or_default();
            table.write_record([
                line.id.to_string(),
                line.cluster.to_string(),
                line.group.map(|g| g.to_string()).unwrap_or_default(),
                line.duplicate_of.is_none().to_string(),
                line.duplicate_of.map(|d| d.to_string()).unwrap_or_default(),
                text(&record.title),
                text(&record.source),
                text(&record.date),
            ])?;
        }
        table.flush()
    }
}
