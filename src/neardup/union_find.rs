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

    /// Every component, singletons included.
    pub fn components(mut self) -> Vec<Vec<usize>> {
        let n = self.parent.len();
        let mut slot_of_root = vec![usize::MAX; n];
        let mut components: Vec<Vec<usize>> = Vec::new();
        for x in 0..n {
            let root = self.find(x);
            if slot_of_root[root] == usize::MAX {
                slot_of_root[root] = components.len();
                components.push(Vec::new());
            }
            components[slot_of_root[root]].push(x);
        }
        components
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
