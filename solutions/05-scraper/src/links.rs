//! Given — finding the links of a page (not a task).
//!
//! A crawler needs the links of every page it fetches. A real one uses an
//! HTML parser (the `scraper` or `html5ever` crates); the pages of this
//! exercise are simple enough for a scan for `href` attributes, which keeps
//! the crate's dependencies small. What matters for the crawler is what
//! comes out: absolute URLs, on the same site, without `#fragment` (a
//! fragment names a place in a page, not another page), each once.

use reqwest::Url;

/// The links of `html`, a page fetched from `base`: resolved against
/// `base`, only `http`/`https` URLs of the same host and port, fragments
/// removed, each URL once, in the order they first appear. Links to other
/// sites, `mailto:` links and links that do not parse are left out.
pub fn extract_links(base: &Url, html: &str) -> Vec<Url> {
    let mut links: Vec<Url> = Vec::new();
    for target in hrefs(html) {
        let Ok(mut url) = base.join(target) else {
            continue;
        };
        url.set_fragment(None);
        if same_site(base, &url) && !links.contains(&url) {
            links.push(url);
        }
    }
    links
}

/// Whether `url` is on the same site as `base`: scheme http(s), same host,
/// same port.
pub fn same_site(base: &Url, url: &Url) -> bool {
    matches!(url.scheme(), "http" | "https")
        && url.host_str() == base.host_str()
        && url.port_or_known_default() == base.port_or_known_default()
}

/// The values of every `href="…"` or `href='…'` attribute, in order.
fn hrefs(html: &str) -> impl Iterator<Item = &str> {
    let lower = html.to_ascii_lowercase();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("href=") {
        let value_start = from + at + "href=".len();
        from = value_start;
        let Some(quote) = html[value_start..].chars().next() else {
            break;
        };
        if quote != '"' && quote != '\'' {
            continue;
        }
        let rest = &html[value_start + 1..];
        if let Some(end) = rest.find(quote) {
            found.push(rest[..end].trim());
            from = value_start + 1 + end;
        }
    }
    found.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn base() -> Url {
        Url::parse("http://127.0.0.1:8080/books/index.html").expect("valid")
    }

    #[test]
    fn resolves_relative_and_absolute_links() {
        let html = r#"<a href="book-1.html">1</a> <A HREF='/about.html'>about</A>
            <a href="../index.html">home</a>"#;
        let links: Vec<String> = extract_links(&base(), html)
            .iter()
            .map(Url::to_string)
            .collect();
        assert_eq!(
            links,
            [
                "http://127.0.0.1:8080/books/book-1.html",
                "http://127.0.0.1:8080/about.html",
                "http://127.0.0.1:8080/index.html",
            ]
        );
    }

    #[test]
    fn drops_fragments_other_sites_and_repeats() {
        let html = r##"<a href="#top">top</a> <a href="book-2.html#ch1">2</a>
            <a href="book-2.html">again</a> <a href="http://example.org/">else</a>
            <a href="http://127.0.0.1:9999/x.html">other port</a>
            <a href="mailto:a@b.c">mail</a> <a href=unquoted.html>bad</a>"##;
        let links: Vec<String> = extract_links(&base(), html)
            .iter()
            .map(Url::to_string)
            .collect();
        assert_eq!(
            links,
            [
                "http://127.0.0.1:8080/books/index.html",
                "http://127.0.0.1:8080/books/book-2.html",
            ]
        );
    }
}
