//! `--format text`: the report for a person at a terminal, its lines cut
//! to the terminal's width (80 columns when it is not a terminal).
//!
//! Clusters of several articles come first, each headed by its title; the
//! representative is starred, and copies are indented under the article of
//! their group that is kept. Lone articles follow, one line each. Clusters
//! are written one at a time, as they are built.

use std::io::{self, Write};

use super::{Cluster, Layout, Member, Reporter};
use crate::show::printable;

/// The width when stdout is no terminal (a file, a pipe): stable, so
/// scripts and the README's examples see the same lines everywhere.
pub const WIDTH: usize = 80;

/// ANSI styles, or none at all, and the width lines are cut to.
#[derive(Clone, Copy)]
struct Paint {
    color: bool,
    width: usize,
}

impl Paint {
    fn wrap(self, code: &str, text: &str) -> String {
        if self.color {
            format!("\x1b[{code}m{text}\x1b[0m")
        } else {
            text.to_string()
        }
    }
}

/// The text report; `color` adds ANSI styles (bold titles, green
/// representatives, dim copies) after the line is fitted to `width`.
pub struct Text {
    pub color: bool,
    pub width: usize,
}

impl Reporter for Text {
    fn write(&self, layout: &Layout, out: &mut dyn Write) -> io::Result<()> {
        write(layout, out, self.color, self.width)
    }
}

fn write(layout: &Layout, out: &mut dyn Write, color: bool, width: usize) -> io::Result<()> {
    let paint = Paint { color, width };
    // Clusters come largest first: those of several articles, then the lone ones.
    let multi = layout.multi_clusters();
    let mut clusters = layout.clusters();
    for cluster in clusters.by_ref().take(multi) {
        write_cluster(&cluster, out, paint)?;
        writeln!(out)?;
    }
    let single = layout.summary().clusters - multi;
    if single > 0 {
        let heading = if multi == 0 {
            "Articles"
        } else {
            "Other articles"
        };
        writeln!(out, "{heading} ({single}), each its own story:")?;
        for cluster in clusters {
            let member = &cluster.members[0];
            writeln!(
                out,
                "{}",
                paint.fit(&format!("  {}{}", member.id, about(member)))
            )?;
        }
    }
    let kept_apart = layout.kept_apart();
    if !kept_apart.is_empty() {
        writeln!(
            out,
            "Kept apart ({}), alike only in their site's furniture:",
            kept_apart.len()
        )?;
        for pair in &kept_apart {
            let line = format!(
                "  {} ~ {}  (J {:.2}, C {:.2})",
                pair.a, pair.b, pair.jaccard, pair.containment
            );
            writeln!(out, "{}", paint.fit(&line))?;
        }
    }
    Ok(())
}

fn write_cluster(cluster: &Cluster, out: &mut dyn Write, paint: Paint) -> io::Result<()> {
    let title = cluster.title.as_deref().unwrap_or("(untitled)");
    // The count matters more than the end of a long title: cut the title.
    let (number, count) = (
        format!("{}. ", cluster.id),
        format!("  [{} articles]", cluster.size),
    );
    let room = paint
        .width
        .saturating_sub(number.chars().count() + count.chars().count());
    let heading = format!("{number}{}{count}", fit_to(title, room));
    writeln!(out, "{}", paint.wrap("1", &heading))?;
    if let Some(line) = evidence(cluster) {
        writeln!(out, "{}", paint.wrap("2", &paint.fit(&line)))?;
    }
    for member in &cluster.members {
        let group = member
            .group
            .and_then(|g| cluster.near_duplicate_groups.iter().find(|e| e.id == g));
        if group.is_some_and(|g| g.representative != member.id) {
            continue; // listed under the copy that is kept
        }
        if member.id == cluster.representative {
            let line = paint.fit(&format!("  * {}{}", member.id, about(member)));
            writeln!(out, "{}", paint.wrap("32", &line))?;
        } else {
            writeln!(
                out,
                "{}",
                paint.fit(&format!("    {}{}", member.id, about(member)))
            )?;
        }
        let Some(group) = group else { continue };
        for copy in group.members.iter().filter(|m| **m != group.representative) {
            let pair = group.pairs.iter().find(|p| {
                (p.a == *copy && p.b == group.representative)
                    || (p.b == *copy && p.a == group.representative)
            });
            let detail = match pair {
                Some(p) => format!("J {:.2}, C {:.2}", p.jaccard, p.containment),
                None => "same group".to_string(),
            };
            let about = cluster
                .members
                .iter()
                .find(|m| m.id == *copy)
                .map(about)
                .unwrap_or_default();
            let line = paint.fit(&format!("      = {copy}  (copy, {detail}){about}"));
            writeln!(out, "{}", paint.wrap("2", &line))?;
        }
    }
    Ok(())
}

/// What the input tells of an article beside its id, for its line: its
/// title, source and date, those it has, after two spaces.
fn about(member: &Member) -> String {
    let known: Vec<&str> = [&member.title, &member.source, &member.date]
        .into_iter()
        .filter_map(|field| field.as_deref())
        .filter(|field| !field.trim().is_empty())
        .collect();
    if known.is_empty() {
        String::new()
    } else {
        format!("  {}", known.join(" · "))
    }
}

/// The line under an event's title that tells an analyst how much to trust
/// it: its cohesion (mean similarity of its members to the event; low marks
/// a weak cluster), its date range and the names and terms most members
/// share. `None` for a single article or a group of copies alone.
fn evidence(cluster: &Cluster) -> Option<String> {
    let cohesion = cluster.cohesion?;
    let mut line = format!("  cohesion {cohesion:.2}");
    if let Some([first, last]) = &cluster.dates {
        if first == last {
            line.push_str(&format!(" · {first}"));
        } else {
            line.push_str(&format!(" · {first} to {last}"));
        }
    }
    // Three names, then terms not already named, six in all.
    let mut shared: Vec<&str> = cluster
        .shared_names
        .iter()
        .take(3)
        .map(String::as_str)
        .collect();
    for term in &cluster.shared_terms {
        if shared.len() < 6 && !shared.iter().any(|s| s.split(' ').any(|w| w == term)) {
            shared.push(term);
        }
    }
    if !shared.is_empty() {
        line.push_str(&format!(" · {}", shared.join(", ")));
    }
    Some(line)
}

impl Paint {
    /// Cuts a line to the width, marking the cut.
    fn fit(self, line: &str) -> String {
        fit_to(line, self.width)
    }
}

/// Also escapes control characters from ids and titles (see [`printable`]).
fn fit_to(line: &str, width: usize) -> String {
    let line = printable(line);
    if line.chars().count() <= width {
        return line.trim_end().to_string();
    }
    let mut cut: String = line.chars().take(width.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fit_keeps_lines_within_80_columns() {
        let paint = Paint {
            color: false,
            width: WIDTH,
        };
        assert_eq!(paint.fit("short  "), "short");
        let long = "x".repeat(100);
        assert_eq!(paint.fit(&long).chars().count(), 80);
        assert!(paint.fit(&long).ends_with('…'));
    }
}
