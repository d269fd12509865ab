//! The crawl of the course's site at 100 ms latency on 1 worker and on 10,
//! with the server's view of each: `cargo run -p scraper --example crawl`
//! (or `-p scraper-solution` for the reference).
//!
//! The site is the local one from `fixtures` (a real HTTP server on
//! 127.0.0.1). The last crawl also runs under a rate limit of 10 requests
//! per second, to show what politeness costs.

use std::time::Duration;

use fixtures::site::{ARRIVAL_JITTER, Site, SiteConfig};
use scraper::Url;
use scraper::crawler::{CrawlConfig, crawl};
use scraper::report::CrawlReport;

const LATENCY: Duration = Duration::from_millis(100);

type Result<T> = std::result::Result<T, Box<dyn std::error::Error>>;

/// The report, the most requests the server saw within one second (its raw
/// arrival times, no allowance for jitter) and the most at once.
fn run(workers: usize, requests_per_second: Option<u32>) -> Result<(CrawlReport, usize, usize)> {
    let site = Site::start(SiteConfig::new().latency(LATENCY))?;
    let start = Url::parse(&site.url("/index.html"))?;
    let config = CrawlConfig {
        workers,
        max_depth: 20,
        requests_per_second,
        ..CrawlConfig::default()
    };
    let report = crawl(&start, &config);
    Ok((
        report,
        site.peak_requests_in(Duration::from_secs(1) + ARRIVAL_JITTER),
        site.peak_concurrency(),
    ))
}

fn main() -> Result<()> {
    println!(
        "Crawling the course's site from /index.html, {} ms per answer.\n",
        LATENCY.as_millis()
    );
    let mut one_worker = None;
    for (workers, rate) in [(1, None), (10, None), (10, Some(10))] {
        let (report, peak_rate, peak_in_flight) = run(workers, rate)?;
        let wall = report.metrics.wall;
        let speedup = one_worker.map(|base: Duration| base.as_secs_f64() / wall.as_secs_f64());
        if one_worker.is_none() {
            one_worker = Some(wall);
        }
        println!(
            "{workers:>2} worker(s), rate limit {}: {}",
            rate.map_or("none".to_owned(), |r| format!("{r}/s")),
            report.summary().lines().next().unwrap_or_default()
        );
        println!(
            "   server: at most {peak_rate} requests in one second, {peak_in_flight} at once{}",
            speedup.map_or(String::new(), |s| format!("; {s:.1}x the one-worker crawl"))
        );
    }
    Ok(())
}
