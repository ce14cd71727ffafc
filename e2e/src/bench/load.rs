//! The load generator: a closed loop of `concurrency` workers, each sending its next request
//! when the last one is answered, and an open loop at a fixed rate; both bounded by a request
//! count and a time limit, and both against loopback only.

use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use super::stats::Sample;

/// How much load one measurement may send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    pub max_requests: u64,
    pub max_time: Duration,
}

/// Runs `request(i)` for `i = 0, 1, ...` on `concurrency` workers until `limits` are reached;
/// every call's latency lands in the sample, failures count as errors.
pub async fn closed_loop<F, Fut>(concurrency: usize, limits: Limits, request: F) -> Sample
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send,
{
    let request = Arc::new(request);
    let next = Arc::new(AtomicU64::new(0));
    let started = Instant::now();
    let mut workers = Vec::new();
    for _ in 0..concurrency.max(1) {
        let request = request.clone();
        let next = next.clone();
        workers.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0u64;
            let mut first_error = None;
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= limits.max_requests || started.elapsed() >= limits.max_time {
                    break;
                }
                let sent = Instant::now();
                match request(i).await {
                    Ok(()) => latencies.push(sent.elapsed()),
                    Err(error) => {
                        errors += 1;
                        first_error.get_or_insert(error);
                    }
                }
            }
            (latencies, errors, first_error)
        }));
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    for worker in workers {
        if let Ok((mut l, e, first)) = worker.await {
            latencies.append(&mut l);
            errors += e;
            if let Some(error) = first {
                eprintln!("[load] first error of a worker: {error:#}");
            }
        }
    }
    Sample::new(latencies, errors, started.elapsed())
}

/// Starts `request(i)` every `1 / rate` seconds, whether or not earlier ones were answered,
/// until `limits`; gives the time each was started, in order.
pub async fn open_loop<F, Fut>(rate: f64, limits: Limits, request: F) -> (Vec<Instant>, u64)
where
    F: Fn(u64) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = anyhow::Result<()>> + Send + 'static,
{
    let interval = Duration::from_secs_f64(1.0 / rate.max(0.001));
    let started = Instant::now();
    let mut sent = Vec::new();
    let mut tasks = Vec::new();
    let mut i = 0u64;
    while i < limits.max_requests && started.elapsed() < limits.max_time {
        let due = started + interval.mul_f64(i as f64);
        tokio::time::sleep_until(due.into()).await;
        sent.push(Instant::now());
        tasks.push(tokio::spawn(request(i)));
        i += 1;
    }
    let mut errors = 0;
    for task in tasks {
        match task.await {
            Ok(Ok(())) => {}
            Ok(Err(error)) => {
                if errors == 0 {
                    eprintln!("[load] first failed request: {error:#}");
                }
                errors += 1;
            }
            Err(_) => errors += 1,
        }
    }
    (sent, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_closed_loop_stops_at_its_count_and_counts_errors() {
        let limits = Limits {
            max_requests: 40,
            max_time: Duration::from_secs(10),
        };
        let sample = closed_loop(4, limits, |i| async move {
            if i % 10 == 0 {
                anyhow::bail!("every tenth fails")
            }
            Ok(())
        })
        .await;
        assert_eq!(sample.ok + sample.errors, 40);
        assert_eq!(sample.errors, 4);
    }

    #[tokio::test]
    async fn an_open_loop_stops_at_its_time() {
        let limits = Limits {
            max_requests: 1_000_000,
            max_time: Duration::from_millis(200),
        };
        let (sent, errors) = open_loop(100.0, limits, |_| async { Ok(()) }).await;
        assert_eq!(errors, 0);
        assert!((15..=25).contains(&sent.len()), "{}", sent.len());
    }
}
