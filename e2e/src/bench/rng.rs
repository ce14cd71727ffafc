//! A small, seeded, portable random number generator (SplitMix64), so a dataset is the
//! same on every machine and every version of every crate.

/// SplitMix64: fast, good enough for test data, and fully determined by its seed.
#[derive(Clone, Debug)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// An independent stream for item `index` of stream `stream`: row `i` of a dataset is
    /// the same whatever was generated before it, so rows can be made in any order.
    pub fn for_item(seed: u64, stream: u64, index: u64) -> Rng {
        let mut mixer = Rng(seed ^ stream.wrapping_mul(0xA076_1D64_78BD_642F));
        let base = mixer.next_u64();
        Rng(base ^ index.wrapping_mul(0xE703_7ED1_A0B4_28DB))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// An item of `(item, weight)` pairs, drawn in proportion to the weights.
    pub fn weighted<'a, T>(&mut self, items: &'a [(T, u32)]) -> &'a T {
        let total: u64 = items.iter().map(|(_, w)| u64::from(*w)).sum();
        let mut ticket = self.below(total);
        for (item, weight) in items {
            let weight = u64::from(*weight);
            if ticket < weight {
                return item;
            }
            ticket -= weight;
        }
        &items[items.len() - 1].0
    }

    /// A Pareto-distributed count `floor(scale / u^(1/alpha))`, capped: a few items get
    /// most of the activity, as on any real list of leads.
    pub fn power_law(&mut self, scale: f64, alpha: f64, cap: u32) -> u32 {
        let u = 1.0 - self.unit(); // (0, 1]
        let value = scale / u.powf(1.0 / alpha);
        value.min(f64::from(cap)) as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_seed_same_numbers_and_streams_are_independent_of_order() {
        let a: Vec<u64> = (0..5).map(|_| Rng::new(7).next_u64()).collect();
        assert!(a.windows(2).all(|w| w[0] == w[1]));
        let forward: Vec<u64> = (0..100)
            .map(|i| Rng::for_item(42, 1, i).next_u64())
            .collect();
        let backward: Vec<u64> = (0..100)
            .rev()
            .map(|i| Rng::for_item(42, 1, i).next_u64())
            .collect::<Vec<_>>()
            .into_iter()
            .rev()
            .collect();
        assert_eq!(forward, backward);
        assert_ne!(
            Rng::for_item(42, 1, 3).next_u64(),
            Rng::for_item(42, 2, 3).next_u64()
        );
    }

    #[test]
    fn below_and_weighted_stay_in_range_and_follow_weights() {
        let mut rng = Rng::new(1);
        let mut counts = [0u32; 2];
        for _ in 0..10_000 {
            assert!(rng.below(3) < 3);
            counts[*rng.weighted(&[(0usize, 9), (1usize, 1)])] += 1;
        }
        assert!((8_700..9_300).contains(&counts[0]), "{counts:?}");
    }
}
