//! Task 2 — robots.txt: which group, which rule, and fetching it.

mod common;

use std::time::Duration;

use common::{site, url, within};
use fixtures::site::{Fault, FaultKind, SiteConfig};
use scraper::Url;
use scraper::fetch::{FetchError, USER_AGENT, client};
use scraper::robots::Robots;

const AGENT: &str = "course-scraper/0.1.0";

const SITE_ROBOTS: &str = "\
# robots.txt of the course bookshop
User-agent: BadBot
Disallow: /

User-agent: *
Disallow: /private/
Allow: /private/index.html
";

/// `Robots::fetch` for the page `start`, with a 5 s client, bounded to 20 s.
fn fetch_robots(start: Url) -> Result<Robots, FetchError> {
    within(Duration::from_secs(20), "Robots::fetch", move || {
        Robots::fetch(
            &client(Duration::from_secs(5)).expect("client"),
            &start,
            USER_AGENT,
        )
    })
}

#[test]
fn the_star_group_applies_when_no_group_names_the_crawler() {
    let _proof = fixtures::proof::test_body();
    let robots = Robots::parse(SITE_ROBOTS, AGENT);
    assert!(robots.is_allowed("/books/book-1.html"));
    assert!(robots.is_allowed("/"));
    assert!(!robots.is_allowed("/private/secret-1.html"));
    assert!(!robots.is_allowed("/private/"));
    assert!(
        robots.is_allowed("/privateer.html"),
        "`/private/` is a prefix; `/privateer.html` does not start with it"
    );
}

#[test]
fn the_longest_matching_rule_wins_and_allow_wins_a_tie() {
    let _proof = fixtures::proof::test_body();
    let robots = Robots::parse(SITE_ROBOTS, AGENT);
    assert!(
        robots.is_allowed("/private/index.html"),
        "`Allow: /private/index.html` is longer than `Disallow: /private/`"
    );
    let tie = Robots::parse("User-agent: *\nDisallow: /a/\nAllow: /a/\n", AGENT);
    assert!(tie.is_allowed("/a/page.html"), "on a tie, Allow wins");
    let order = Robots::parse(
        "User-agent: *\nAllow: /shop/\nDisallow: /shop/cart/\n",
        AGENT,
    );
    assert!(order.is_allowed("/shop/book.html"));
    assert!(
        !order.is_allowed("/shop/cart/1"),
        "the longer rule wins wherever it is in the file"
    );
}

#[test]
fn a_group_naming_the_crawler_replaces_the_star_group() {
    let _proof = fixtures::proof::test_body();
    let robots = Robots::parse(SITE_ROBOTS, "BadBot/2.1");
    assert!(!robots.is_allowed("/"), "BadBot may fetch nothing");
    assert!(!robots.is_allowed("/books/book-1.html"));
    let case = Robots::parse(SITE_ROBOTS, "badbot");
    assert!(
        !case.is_allowed("/index.html"),
        "agent names compare case-insensitively"
    );
    let text = "\
User-agent: course-scraper
Disallow: /drafts/

User-agent: *
Disallow: /
";
    let named = Robots::parse(text, AGENT);
    assert!(
        named.is_allowed("/books/book-1.html"),
        "only the named group applies, not `*` as well"
    );
    assert!(!named.is_allowed("/drafts/1.html"));
}

#[test]
fn groups_with_several_agents_comments_and_unknown_keys() {
    let _proof = fixtures::proof::test_body();
    let text = "\
Sitemap: http://example.org/sitemap.xml
user-agent: other-bot
USER-AGENT: Course-Scraper   # two agents share this group
crawl-delay: 5
disallow: /tmp/  # a comment after a rule

User-agent: *
Disallow: /everything/
";
    let robots = Robots::parse(text, AGENT);
    assert!(!robots.is_allowed("/tmp/x"));
    assert!(robots.is_allowed("/everything/else"));
    let other = Robots::parse(text, "other-bot/1");
    assert!(!other.is_allowed("/tmp/x"));
}

#[test]
fn empty_rules_and_empty_files_allow_everything() {
    let _proof = fixtures::proof::test_body();
    let empty_disallow = Robots::parse("User-agent: *\nDisallow:\n", AGENT);
    assert!(empty_disallow.is_allowed("/anything"));
    assert!(Robots::parse("", AGENT).is_allowed("/anything"));
    assert!(Robots::parse("not a robots file\n\n", AGENT).is_allowed("/x"));
    assert!(Robots::allow_all().is_allowed("/private/secret-1.html"));
}

#[test]
fn fetch_reads_the_sites_robots_txt_once() {
    let _proof = fixtures::proof::test_body();
    let site = site(SiteConfig::new());
    let start = url(&site, "/index.html");
    let robots = fetch_robots(start).expect("the site has a robots.txt");
    assert!(!robots.is_allowed("/private/secret-2.html"));
    assert!(robots.is_allowed("/private/index.html"));
    assert!(robots.is_allowed("/books/index.html"));
    assert_eq!(
        site.counts().into_iter().collect::<Vec<_>>(),
        [("/robots.txt".to_owned(), 1)]
    );
}

#[test]
fn no_robots_txt_means_no_restrictions() {
    let _proof = fixtures::proof::test_body();
    let site = site(SiteConfig::new().fault("/robots.txt", Fault::always(FaultKind::Status(404))));
    let start = url(&site, "/books/index.html");
    let robots = fetch_robots(start);
    assert_eq!(robots, Ok(Robots::allow_all()));
}

#[test]
fn a_failing_robots_txt_is_an_error_not_a_licence() {
    let _proof = fixtures::proof::test_body();
    let site = site(SiteConfig::new().fault("/robots.txt", Fault::always(FaultKind::Status(503))));
    let start = url(&site, "/index.html");
    let robots = fetch_robots(start);
    assert!(
        matches!(robots, Err(FetchError::Status { status: 503, .. })),
        "a server error on robots.txt means the rules are unknown: {robots:?}"
    );
}
