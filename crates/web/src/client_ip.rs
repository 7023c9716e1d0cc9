//! The address a request came from, for sign-in rate limiting and the audit of attempts.
//!
//! Behind a load balancer or reverse proxy every connection comes from the proxy, so using
//! the peer address would put every sign-in in one rate-limit bucket and lock everyone out
//! together. Each proxy appends the address it received the request from to
//! `X-Forwarded-For`, so with `n` trusted proxies in front of Pathway the client is the
//! `n`-th address from the right. Addresses further left were written by the client and
//! could be anything, so they are never used; with no trusted proxies the header is ignored.

use axum::http::HeaderMap;
use std::net::IpAddr;

pub fn client_ip(peer: IpAddr, headers: &HeaderMap, trusted_proxies: usize) -> IpAddr {
    let Some(from_right) = trusted_proxies.checked_sub(1) else {
        return peer;
    };
    let forwarded: Vec<&str> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(str::trim)
        .collect();
    // Too few entries, or one a proxy did not write as an address: the request did not come
    // through the proxies as configured, so only the peer can be trusted.
    forwarded
        .iter()
        .rev()
        .nth(from_right)
        .and_then(|a| a.parse().ok())
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn headers(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    const PEER: &str = "10.0.0.5";

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let h = headers(&["203.0.113.9"]);
        assert_eq!(client_ip(ip(PEER), &h, 0), ip(PEER));
    }

    #[test]
    fn one_proxy_means_the_rightmost_address() {
        // The client wrote "1.2.3.4" itself; the proxy appended the address it saw.
        let h = headers(&["1.2.3.4, 203.0.113.9"]);
        assert_eq!(client_ip(ip(PEER), &h, 1), ip("203.0.113.9"));
    }

    #[test]
    fn two_proxies_skip_the_inner_one_across_repeated_headers() {
        let h = headers(&["1.2.3.4, 203.0.113.9", "10.0.0.2"]);
        assert_eq!(client_ip(ip(PEER), &h, 2), ip("203.0.113.9"));
        let h = headers(&["2001:db8::7, 10.0.0.2"]);
        assert_eq!(client_ip(ip(PEER), &h, 2), ip("2001:db8::7"));
    }

    #[test]
    fn a_missing_or_garbled_entry_falls_back_to_the_peer() {
        assert_eq!(client_ip(ip(PEER), &HeaderMap::new(), 1), ip(PEER));
        assert_eq!(client_ip(ip(PEER), &headers(&["10.0.0.2"]), 2), ip(PEER));
        assert_eq!(client_ip(ip(PEER), &headers(&["unknown"]), 1), ip(PEER));
    }
}
