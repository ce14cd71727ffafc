//! Latency percentiles, throughput and the ratio of a figure to its baseline.

use std::time::Duration;

/// What one measurement saw: how many requests, how long, and their latencies.
#[derive(Clone, Debug, Default)]
pub struct Sample {
    pub ok: u64,
    pub errors: u64,
    pub elapsed: Duration,
    /// Sorted ascending.
    latencies: Vec<Duration>,
}

impl Sample {
    pub fn new(mut latencies: Vec<Duration>, errors: u64, elapsed: Duration) -> Sample {
        latencies.sort_unstable();
        Sample {
            ok: latencies.len() as u64,
            errors,
            elapsed,
            latencies,
        }
    }

    /// Successful requests per second.
    pub fn per_second(&self) -> f64 {
        per_second(self.ok, self.elapsed)
    }

    pub fn p50(&self) -> Duration {
        percentile(&self.latencies, 50.0)
    }

    pub fn p99(&self) -> Duration {
        percentile(&self.latencies, 99.0)
    }
}

/// `count` things in `elapsed`, per second (0 for no time).
pub fn per_second(count: u64, elapsed: Duration) -> f64 {
    let secs = elapsed.as_secs_f64();
    if secs <= 0.0 {
        0.0
    } else {
        count as f64 / secs
    }
}

/// The nearest-rank percentile of sorted values: the smallest value with at least `p` percent
/// of the values at or below it. Zero for no values.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// `figure / baseline`, or `None` when the baseline is zero or missing.
pub fn ratio(figure: f64, baseline: f64) -> Option<f64> {
    (baseline > 0.0 && figure.is_finite()).then(|| figure / baseline)
}

/// A ratio as the table shows it: `0.031×`, `4.2×`, `—`.
pub fn format_ratio(ratio: Option<f64>) -> String {
    match ratio {
        None => "—".to_string(),
        Some(r) if r >= 100.0 => format!("{r:.0}×"),
        Some(r) if r >= 10.0 => format!("{r:.1}×"),
        Some(r) if r >= 0.1 => format!("{r:.2}×"),
        Some(r) if r >= 0.001 => format!("{r:.3}×"),
        Some(r) => format!("{r:.1e}×"),
    }
}

/// A duration as people read it: `0.84 ms`, `12.3 ms`, `1.25 s`.
pub fn format_duration(d: Duration) -> String {
    let ms = d.as_secs_f64() * 1000.0;
    if ms < 1.0 {
        format!("{ms:.2} ms")
    } else if ms < 100.0 {
        format!("{ms:.1} ms")
    } else if ms < 10_000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

/// A rate: `2,345/s`, `12.5/s`.
pub fn format_rate(per_second: f64) -> String {
    if per_second >= 100.0 {
        format!("{}/s", thousands(per_second.round() as u64))
    } else {
        format!("{per_second:.1}/s")
    }
}

/// `1234567` as `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|v| Duration::from_millis(*v)).collect()
    }

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let hundred: Vec<Duration> = (1..=100).map(Duration::from_millis).collect();
        assert_eq!(percentile(&hundred, 50.0), Duration::from_millis(50));
        assert_eq!(percentile(&hundred, 99.0), Duration::from_millis(99));
        assert_eq!(percentile(&hundred, 100.0), Duration::from_millis(100));
        assert_eq!(percentile(&ms(&[7]), 99.0), Duration::from_millis(7));
        assert_eq!(percentile(&ms(&[1, 2]), 50.0), Duration::from_millis(1));
        assert_eq!(percentile(&[], 50.0), Duration::ZERO);
        // Unsorted input is sorted by the sample.
        let sample = Sample::new(ms(&[9, 1, 5, 3, 7]), 2, Duration::from_secs(2));
        assert_eq!(sample.p50(), Duration::from_millis(5));
        assert_eq!(sample.p99(), Duration::from_millis(9));
        assert_eq!(sample.ok, 5);
        assert_eq!(sample.per_second(), 2.5);
    }

    #[test]
    fn ratios_and_formats() {
        assert_eq!(ratio(50.0, 200.0), Some(0.25));
        assert_eq!(ratio(1.0, 0.0), None);
        assert_eq!(format_ratio(Some(0.25)), "0.25×");
        assert_eq!(format_ratio(Some(0.0123)), "0.012×");
        assert_eq!(format_ratio(Some(12.34)), "12.3×");
        assert_eq!(format_ratio(None), "—");
        assert_eq!(format_ratio(Some(0.000_092)), "9.2e-5×");
        assert_eq!(format_duration(Duration::from_micros(840)), "0.84 ms");
        assert_eq!(format_duration(Duration::from_millis(1250)), "1.25 s");
        assert_eq!(format_rate(2345.4), "2,345/s");
        assert_eq!(thousands(1_000_000), "1,000,000");
        assert_eq!(per_second(10, Duration::ZERO), 0.0);
    }
}
