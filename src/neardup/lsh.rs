//! LSH banding parameters: how many bands of how many rows to cut a MinHash
//! signature into so that pairs at the threshold become candidates.

/// Weights of false positives and false negatives when choosing bands and
/// rows. Every candidate is verified exactly, so a false positive costs a
/// comparison while a false negative loses a duplicate: weigh recall.
pub const FALSE_POSITIVE_WEIGHT: f64 = 0.2;
pub const FALSE_NEGATIVE_WEIGHT: f64 = 0.8;

/// Probability that a pair of Jaccard similarity `s` shares at least one band.
pub fn candidate_probability(s: f64, bands: usize, rows: usize) -> f64 {
    1.0 - (1.0 - s.powi(rows as i32)).powi(bands as i32)
}

/// The (bands, rows) with `bands·rows ≤ num_perm` that minimise the weighted
/// area of false positives below `threshold` and false negatives above it
/// (datasketch's `_optimal_param`).
pub fn optimal_params(threshold: f64, num_perm: usize) -> (usize, usize) {
    let mut best = (1, 1);
    let mut best_error = f64::INFINITY;
    for bands in 1..=num_perm {
        for rows in 1..=num_perm / bands {
            let fp = integrate(|s| candidate_probability(s, bands, rows), 0.0, threshold);
            let fn_ = integrate(
                |s| 1.0 - candidate_probability(s, bands, rows),
                threshold,
                1.0,
            );
            let error = FALSE_POSITIVE_WEIGHT * fp + FALSE_NEGATIVE_WEIGHT * fn_;
            if error < best_error {
                best_error = error;
                best = (bands, rows);
            }
        }
    }
    best
}

/// Midpoint rule; the integrands are smooth and monotone.
fn integrate(f: impl Fn(f64) -> f64, a: f64, b: f64) -> f64 {
    const STEPS: usize = 200;
    let h = (b - a) / STEPS as f64;
    (0..STEPS).map(|i| f(a + (i as f64 + 0.5) * h)).sum::<f64>() * h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_threshold_gives_the_recall_weighted_bands() {
        assert_eq!(optimal_params(0.5, 128), (30, 4));
        let (b, r) = optimal_params(0.8, 128);
        assert!(b * r <= 128);
        assert!(candidate_probability(0.8, b, r) > 0.7);
    }

    #[test]
    fn candidate_probability_is_an_s_curve() {
        let p = |s| candidate_probability(s, 30, 4);
        assert!(p(0.2) < 0.05);
        assert!(p(0.5) > 0.85);
        assert!(p(0.7) > 0.999);
    }
}
