//! Stable sorting through one shared copy of the standard library's sort.
//!
//! `sort_by_key` is compiled anew for every element type and every key closure, a few
//! kilobytes of WebAssembly each. The screens sort short lists (a lead's tasks, the users
//! of a routing rule, the stages of a filter), so they go through [`by`] and [`by_key`],
//! which order positions with a single instantiation and then move the items into place.

use std::cmp::Ordering;

/// Sorts `items` by `key`, keeping items with equal keys in order, as `sort_by_key` does.
pub fn by_key<T, K: Ord>(items: &mut Vec<T>, key: impl Fn(&T) -> K) {
    by(items, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `items` by `compare`, keeping items that compare equal in order, as `sort_by` does.
pub fn by<T>(items: &mut Vec<T>, compare: impl Fn(&T, &T) -> Ordering) {
    let order = positions(items.len(), &|a, b| compare(&items[a], &items[b]));
    let mut slots: Vec<Option<T>> = items.drain(..).map(Some).collect();
    items.extend(order.into_iter().filter_map(|at| slots[at].take()));
}

/// `0..len`, stably sorted by `compare`: the one place the sort is instantiated.
fn positions(len: usize, compare: &dyn Fn(usize, usize) -> Ordering) -> Vec<usize> {
    let mut order: Vec<usize> = (0..len).collect();
    order.sort_by(|&a, &b| compare(a, b));
    order
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sorts_like_the_standard_library_and_keeps_ties_in_order() {
        let mut items = vec![(3, 'a'), (1, 'b'), (3, 'c'), (2, 'd'), (1, 'e')];
        let mut expected = items.clone();
        expected.sort_by_key(|item| item.0);
        by_key(&mut items, |item| item.0);
        assert_eq!(items, expected);
        assert_eq!(items, [(1, 'b'), (1, 'e'), (2, 'd'), (3, 'a'), (3, 'c')]);

        by(&mut items, |a, b| b.1.cmp(&a.1));
        assert_eq!(items, [(1, 'e'), (2, 'd'), (3, 'c'), (1, 'b'), (3, 'a')]);

        let mut empty: Vec<u8> = Vec::new();
        by(&mut empty, Ord::cmp);
        assert!(empty.is_empty());
    }
}
