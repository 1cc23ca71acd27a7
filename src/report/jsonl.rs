//! `--format jsonl`: one line per article (`id`, `cluster`, `group`,
//! `duplicate_of`), for corpora too large for one document and for joins.
//! Each line is written as it is made.

use std::io::{self, Write};

use super::{Layout, Reporter};

pub struct Jsonl;

impl Reporter for Jsonl {
    fn write(&self, layout: &Layout, out: &mut dyn Write) -> io::Result<()> {
        for line in layout.article_lines() {
            serde_json::to_writer(&mut *out, &line)?;
            writeln!(out)?;
        }
        Ok(())
    }
}
