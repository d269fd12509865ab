//! Perf check of exercise 05 (tests named `perf_*` run alone, after the
//! correctness tests): `fetch_all` on 10 workers against the sequential
//! reference fetch from `fixtures`, on the real local site at 100 ms
//! latency. The checker turns the median speedup into points.

use std::time::Duration;

use fixtures::inputs::SeededRng;
use fixtures::perf::{Config, measure_with};
use fixtures::site::{Site, SiteConfig, fetch_sequential};
use scraper::Url;
use scraper::fetch::{client, fetch_all};

/// The contract's workers (`checker scale` asks for other counts).
const WORKERS: usize = 10;
const PAGES: usize = 20;
const LATENCY: Duration = Duration::from_millis(100);

/// 20 pages of 100 ms each: 2 s one after the other, 0.2 s on 10 workers.
#[test]
fn perf_fetch_all_io() {
    let _proof = fixtures::proof::test_body();
    let workers = fixtures::perf::workers(WORKERS);
    let site = Site::start(SiteConfig::new().latency(LATENCY)).expect("the site starts");
    let pages: Vec<String> = site
        .paths()
        .into_iter()
        .filter(|p| p.ends_with(".html"))
        .collect();
    measure_with(
        &Config::io("fetch-all-io", workers, PAGES, LATENCY),
        |seed| {
            let mut rng = SeededRng::new(seed);
            (0..PAGES)
                .map(|_| {
                    let at = rng.in_range(0..pages.len() as u64) as usize;
                    site.url(&pages[at])
                })
                .collect::<Vec<String>>()
        },
        |urls| fetch_sequential(urls),
        // The student's client is built in the candidate's process only.
        || client(Duration::from_secs(10)).expect("client"),
        |client, urls| {
            let parsed: Vec<Url> = urls.iter().filter_map(|u| Url::parse(u).ok()).collect();
            fetch_all(client, &parsed, workers)
                .into_iter()
                .zip(&parsed)
                .map(|(outcome, url)| match outcome {
                    Ok(page) => (url.path().to_owned(), page.status, page.bytes()),
                    Err(_) => (url.path().to_owned(), 0, 0),
                })
                .collect::<Vec<_>>()
        },
    );
}
