//! Union-find (disjoint sets) over `0..n`, with union by size and path
//! halving.
//!
//! Input: unions of pairs. Output: the connected components. Invariant: the
//! components depend only on which pairs were joined, never on the order of
//! the unions: each is sorted, and they are ordered by their first element.

#[derive(Debug, Clone)]
pub struct UnionFind {
    parent: Vec<u32>,
    size: Vec<u32>,
}

impl UnionFind {
    pub fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n as u32).collect(),
            size: vec![1; n],
        }
    }

    pub fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] as usize != x {
            let grandparent = self.parent[self.parent[x] as usize];
            self.parent[x] = grandparent;
            x = grandparent as usize;
        }
        x
    }

    pub fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        let (big, small) = if self.size[a] >= self.size[b] {
            (a, b)
        } else {
            (b, a)
        };
        self.parent[small] = big as u32;
        self.size[big] += self.size[small];
    }

    /// The components of the sorted, unique `elements`, restricted to them
    /// (every element of a component must be among them), in the order of
    /// their first element.
    pub fn components_of(&mut self, elements: &[usize]) -> Vec<Vec<usize>> {
        let mut slot_of_root = std::collections::HashMap::new();
        let mut components: Vec<Vec<usize>> = Vec::new();
        for &x in elements {
            let root = self.find(x);
            let slot = *slot_of_root.entry(root).or_insert_with(|| {
                components.push(Vec::new());
                components.len() - 1
            });
            components[slot].push(x);
        }
        components
    }

    /// Every component, singletons included.
    pub fn components(mut self) -> Vec<Vec<usize>> {
        let all: Vec<usize> = (0..self.parent.len()).collect();
        self.components_of(&all)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_do_not_depend_on_union_order() {
        let pairs = [(0, 3), (3, 5), (1, 2), (6, 5)];
        let mut forward = UnionFind::new(7);
        pairs.iter().for_each(|&(a, b)| forward.union(a, b));
        let mut backward = UnionFind::new(7);
        pairs.iter().rev().for_each(|&(a, b)| backward.union(b, a));
        let want = vec![vec![0, 3, 5, 6], vec![1, 2], vec![4]];
        assert_eq!(forward.components(), want);
        assert_eq!(backward.components(), want);
    }
}
