//! Task 2 — `robots.txt`: what the site allows crawlers to fetch.
//!
//! **What.** [`Robots::parse`] reads a `robots.txt` (RFC 9309, without the
//! `*` and `$` patterns) for one crawler, and [`Robots::is_allowed`]
//! answers for a path. [`Robots::fetch`] gets the file from a site.
//!
//! The file is a list of groups. A group starts with one or more
//! `User-agent:` lines and goes on with `Allow:` and `Disallow:` rules, up
//! to the next `User-agent:` line that follows a rule:
//!
//! ```text
//! # comments run to the end of the line
//! User-agent: BadBot
//! Disallow: /
//!
//! User-agent: *
//! Disallow: /private/
//! Allow: /private/index.html
//! ```
//!
//! - **Which group.** The crawler's *product token* is its user agent up
//!   to the first `/` (`course-scraper` for `course-scraper/0.1.0`). The
//!   rules of every group naming that token (case-insensitively) apply; if
//!   no group names it, the rules of the `*` group; if there is none,
//!   everything is allowed.
//! - **Which rule.** A rule matches a path that starts with its value. The
//!   longest matching value wins; on a tie, `Allow` wins; no match means
//!   allowed. An empty `Disallow:` disallows nothing.
//! - Keys are case-insensitive; lines without a `:` and other keys
//!   (`Sitemap`, `Crawl-delay`) are ignored.
//!
//! **Why.** `robots.txt` is how a site asks crawlers to stay out of parts
//! of it (admin pages, endless calendars, private areas). Nothing enforces
//! it: obeying it is the first of the notebook's best practices, and the
//! tests check the server never saw a request for a disallowed page.
//!
//! **Fetching.** [`Robots::fetch`] asks for `/robots.txt` at the root of
//! the site of `url`. A `2xx` answer is parsed. A `4xx` answer (the file
//! does not exist) means no restrictions: [`Robots::allow_all`]. A `5xx`
//! or `429` answer or a network failure is an error: the crawler cannot know the
//! rules, so it must not crawl (RFC 9309 says to assume everything is
//! disallowed).
//!
//! **Python.** `urllib.robotparser.RobotFileParser`: `set_url`, `read`,
//! `can_fetch(useragent, url)`.

use reqwest::Url;
use reqwest::blocking::Client;

use crate::fetch::{FetchError, fetch_page};

/// The rules of `robots.txt` that apply to one crawler.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Robots {
    rules: Vec<Rule>,
}

/// One `Allow` or `Disallow` line.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    allow: bool,
    prefix: String,
}

impl Robots {
    /// No restrictions.
    pub fn allow_all() -> Self {
        Self::default()
    }

    /// The rules of `text` that apply to the crawler `user_agent`.
    pub fn parse(text: &str, user_agent: &str) -> Self {
        // TODO: Pick the group for this crawler and keep its rules.
        todo!()
    }

    /// Whether the crawler may fetch `path` (the path of a URL, starting
    /// with `/`).
    pub fn is_allowed(&self, path: &str) -> bool {
        // TODO: The longest matching rule wins, Allow on a tie.
        todo!()
    }

    /// Fetches and parses the `robots.txt` of the site of `url`.
    pub fn fetch(client: &Client, url: &Url, user_agent: &str) -> Result<Self, FetchError> {
        // TODO: GET /robots.txt; 2xx parsed, 4xx (not 429) allow all, the rest an error.
        todo!()
    }
}
