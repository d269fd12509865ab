//! Helpers shared by the graded tests: a deadline for every wait, and the
//! course's web site.

#![allow(
    dead_code,
    reason = "each test binary uses a different subset of these"
)]

use std::time::Duration;

use fixtures::site::{Site, SiteConfig};
use scraper::Url;
use scraper::fetch::FetchError;

/// [`fixtures::testing::within`], asking what goes wrong in a crawl, so a
/// deadlock or a crawl that never ends fails within seconds instead of
/// hanging the run.
pub fn within<T: Send + 'static>(
    limit: Duration,
    what: &str,
    f: impl FnOnce() -> T + Send + 'static,
) -> T {
    fixtures::testing::within_asking(
        limit,
        what,
        "is a thread waiting for work that never comes (a crawl that cannot tell it is over), \
         or deadlocked?",
        f,
    )
}

/// Starts the course's web site with `config`.
pub fn site(config: SiteConfig) -> Site {
    Site::start(config).expect("the course's web site starts on 127.0.0.1")
}

/// The URL of `path` on `site`.
pub fn url(site: &Site, path: &str) -> Url {
    Url::parse(&site.url(path)).expect("the site's URLs parse")
}

/// The error for an answer with HTTP status `status` and no `Retry-After`,
/// the case several files sort (retry it or not, which kind of error).
pub fn status_error(status: u16) -> FetchError {
    FetchError::Status {
        status,
        retry_after: None,
    }
}

/// The paths of `urls`, sorted.
pub fn paths<'a>(urls: impl IntoIterator<Item = &'a Url>) -> Vec<String> {
    let mut paths: Vec<String> = urls.into_iter().map(|u| u.path().to_owned()).collect();
    paths.sort();
    paths
}

/// Every page of the site a crawl from `/index.html` reaches, following
/// links without a depth bound and obeying `robots.txt`.
pub const REACHABLE: [&str; 35] = [
    "/about.html",
    "/authors/author-1.html",
    "/authors/author-2.html",
    "/authors/author-3.html",
    "/authors/author-4.html",
    "/authors/author-5.html",
    "/authors/index.html",
    "/blog/index.html",
    "/blog/post-1.html",
    "/blog/post-2.html",
    "/blog/post-3.html",
    "/blog/post-4.html",
    "/blog/post-5.html",
    "/blog/post-6.html",
    "/blog/post-7.html",
    "/blog/post-8.html",
    "/books/book-1.html",
    "/books/book-10.html",
    "/books/book-2.html",
    "/books/book-3.html",
    "/books/book-4.html",
    "/books/book-5.html",
    "/books/book-6.html",
    "/books/book-7.html",
    "/books/book-8.html",
    "/books/book-9.html",
    "/books/index.html",
    "/deep/level-1.html",
    "/deep/level-2.html",
    "/deep/level-3.html",
    "/deep/level-4.html",
    "/deep/level-5.html",
    "/deep/level-6.html",
    "/index.html",
    "/private/index.html",
];

/// The broken links of the site (each answers 404).
pub const BROKEN: [&str; 4] = [
    "/blog/post-99.html",
    "/books/missing.html",
    "/books/out-of-print-4.html",
    "/books/out-of-print-8.html",
];

/// The links `robots.txt` disallows.
pub const DISALLOWED: [&str; 2] = ["/private/secret-1.html", "/private/secret-2.html"];
