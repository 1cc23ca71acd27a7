//! `--format jsonl`: one line per article (`id`, `cluster`, `group`,
//! `duplicate_of`), for corpora too large for one document and for joins.

use std::io::{self, Write};

use super::{Report, Reporter};

pub struct Jsonl;

impl Reporter for Jsonl {
    fn write(&self, report: &Report, out: &mut dyn Write) -> io::Result<()> {
        for line in report.article_lines() {
            serde_json::to_writer(&mut *out, &line)?;
            writeln!(out)?;
        }
        Ok(())
    }
}
