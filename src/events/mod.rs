//! Stage 4, events: articles that report the same story in different words.
//!
//! (Placeholder until event clustering lands: each near-duplicate group is
//! one event and every other article is an event of its own.)

use crate::neardup::Group;

/// Parameters of event clustering.
#[derive(Debug, Clone, PartialEq)]
pub struct EventParams {
    /// Average-link similarity at which clusters stop merging.
    pub threshold: f64,
}

/// The text-side view of an article the event stage needs.
#[derive(Debug, Clone, Copy)]
pub struct EventDoc<'a> {
    pub title: Option<&'a str>,
    pub text: &'a str,
    pub date: Option<&'a str>,
}

/// One event: corpus indices (sorted) and, for each member, its mean
/// similarity to the other members (`None` for a lone article).
#[derive(Debug, Clone, PartialEq)]
pub struct Event {
    pub members: Vec<usize>,
    pub scores: Vec<Option<f64>>,
}

/// Event clusters over `docs`; every near-duplicate group lies inside one
/// event, and every article is in exactly one event.
pub fn cluster(docs: &[EventDoc], groups: &[Group], _params: &EventParams) -> Vec<Event> {
    groups_only(docs.len(), groups)
}

/// Events that are exactly the near-duplicate groups (`--no-events`).
pub fn groups_only(n: usize, groups: &[Group]) -> Vec<Event> {
    let mut grouped = vec![false; n];
    let mut events: Vec<Event> = groups
        .iter()
        .map(|g| {
            g.members.iter().for_each(|&m| grouped[m] = true);
            Event {
                members: g.members.clone(),
                scores: vec![None; g.members.len()],
            }
        })
        .collect();
    events.extend((0..n).filter(|&i| !grouped[i]).map(|i| Event {
        members: vec![i],
        scores: vec![None],
    }));
    events
}
