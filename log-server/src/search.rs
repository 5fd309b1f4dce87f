//! The search index (DESIGN §5, `/v1/search`): which rows an admitted
//! entry gets, and what a search request asks for. Pure: the caller passes
//! the state before the entry is applied and the releases it may
//! reference, or the request's query parameters.

use std::collections::BTreeMap;

use sightline_proofs::VerifierKey;
use sightline_proofs::record::{ArtifactDigest, Record, Token};
use sightline_proofs::state::{Admitted, LogState, LoggedRelease};

use crate::error::Error;
use crate::storage::{SearchRow, SearchTerm};

/// Most indexes one search page holds, and the default page size.
pub const PAGE_LIMIT: usize = 1000;

/// A search request: one term, and the page wanted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchQuery {
    /// What to match.
    pub term: SearchTerm,
    /// Only indexes above this one (the previous page's cursor).
    pub after: Option<u64>,
    /// Most indexes to return, 1 to [`PAGE_LIMIT`].
    pub limit: usize,
}

/// One page of search results.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchPage {
    /// Matching indexes, ascending.
    pub indexes: Vec<u64>,
    /// The cursor for the next page (`after=`), if more matches follow.
    pub next: Option<u64>,
}

impl SearchQuery {
    /// Reads `artifact=sha256:<hex>|key=<vkey>|owner=<name>` with optional
    /// `after=<index>` and `limit=<n>` (default and most [`PAGE_LIMIT`]).
    ///
    /// # Errors
    /// [`Error::BadQuery`] unless exactly one well-formed term is given,
    /// `after` is a canonical decimal index, `limit` is a canonical decimal
    /// from 1 to [`PAGE_LIMIT`], and nothing else is.
    pub fn parse(query: &BTreeMap<String, String>) -> Result<Self, Error> {
        let one_term = Error::BadQuery("give exactly one of artifact, key or owner");
        let mut term = None;
        let (mut after, mut limit) = (None, PAGE_LIMIT);
        for (name, value) in query {
            let parsed = match name.as_str() {
                "after" => {
                    after = Some(
                        parse_decimal(value)
                            .ok_or(Error::BadQuery("after must be a decimal index"))?,
                    );
                    continue;
                }
                "limit" => {
                    limit = parse_decimal(value)
                        .and_then(|n| usize::try_from(n).ok())
                        .filter(|n| (1..=PAGE_LIMIT).contains(n))
                        .ok_or(Error::BadQuery("limit must be a decimal from 1 to 1000"))?;
                    continue;
                }
                "artifact" => SearchTerm::Artifact(
                    *ArtifactDigest::parse(value)
                        .map_err(|_| Error::BadQuery("artifact must be sha256:<64 lowercase hex>"))?
                        .hash(),
                ),
                "key" => SearchTerm::Key(
                    VerifierKey::parse(value)
                        .map_err(|_| Error::BadQuery("key must be a verifier key"))?
                        .to_string(),
                ),
                "owner" => SearchTerm::Owner(
                    Token::new(value)
                        .map_err(|_| Error::BadQuery("owner must be a token"))?
                        .as_str()
                        .to_owned(),
                ),
                _ => return Err(one_term),
            };
            if term.replace(parsed).is_some() {
                return Err(one_term);
            }
        }
        Ok(Self {
            term: term.ok_or(one_term)?,
            after,
            limit,
        })
    }
}

impl SearchPage {
    /// The page from up to `limit + 1` matches read after the cursor: the
    /// first `limit`, and a cursor if there was one more.
    pub fn from_matches(mut matches: Vec<u64>, limit: usize) -> Self {
        let more = matches.len() > limit;
        matches.truncate(limit);
        let next = if more { matches.last().copied() } else { None };
        Self {
            indexes: matches,
            next,
        }
    }
}

/// A canonical decimal u64: digits only, no leading zero (except "0").
pub fn parse_decimal(text: &str) -> Option<u64> {
    if text.is_empty()
        || !text.bytes().all(|b| b.is_ascii_digit())
        || (text.len() > 1 && text.starts_with('0'))
    {
        return None;
    }
    text.parse().ok()
}

/// The rows for `admitted` at `index`: the artifact it is about (releases,
/// and approvals and rollouts through the release they reference), every
/// key that signed it and their owners, and the subject key and owner of a
/// key record. Sorted and without duplicates.
pub fn search_rows(
    admitted: &Admitted,
    index: u64,
    state: &LogState,
    releases: &BTreeMap<u64, LoggedRelease>,
) -> Vec<SearchRow> {
    let mut terms = Vec::new();
    match admitted.record() {
        Record::Release(r) => terms.push(SearchTerm::Artifact(*r.artifact().hash())),
        Record::Approval(a) => {
            if let Some(logged) = releases.get(&a.release().index()) {
                terms.push(SearchTerm::Artifact(*logged.release().artifact().hash()));
            }
        }
        Record::Rollout(r) => {
            if let Some(logged) = releases.get(&r.release().index()) {
                terms.push(SearchTerm::Artifact(*logged.release().artifact().hash()));
            }
        }
        Record::Key(k) => {
            terms.push(SearchTerm::Key(k.vkey().to_string()));
            terms.push(SearchTerm::Owner(k.owner().as_str().to_owned()));
        }
        Record::Pause(_) | Record::Resume(_) | Record::State(_) => {}
    }
    for signer in admitted.signers() {
        terms.push(SearchTerm::Key(signer.to_string()));
        if let Some(status) = state.key(signer) {
            terms.push(SearchTerm::Owner(status.owner().as_str().to_owned()));
        }
    }
    terms.sort();
    terms.dedup();
    terms
        .into_iter()
        .map(|term| SearchRow { term, index })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn a_page_has_a_cursor_only_if_more_follow() {
        assert_eq!(
            SearchPage::from_matches(vec![1, 2, 3], 2),
            SearchPage {
                indexes: vec![1, 2],
                next: Some(2)
            }
        );
        assert_eq!(
            SearchPage::from_matches(vec![1, 2], 2),
            SearchPage {
                indexes: vec![1, 2],
                next: None
            }
        );
        assert_eq!(SearchPage::from_matches(vec![], 2).next, None);
    }

    #[test]
    fn paging_parameters_are_checked() {
        let parsed = SearchQuery::parse(&query(&[("owner", "alice")])).expect("query");
        assert_eq!(parsed.after, None);
        assert_eq!(parsed.limit, PAGE_LIMIT);
        let parsed = SearchQuery::parse(&query(&[
            ("owner", "alice"),
            ("after", "0"),
            ("limit", "1000"),
        ]))
        .expect("query");
        assert_eq!((parsed.after, parsed.limit), (Some(0), 1000));
        for bad in [
            &[("owner", "alice"), ("limit", "0")][..],
            &[("owner", "alice"), ("limit", "1001")],
            &[("owner", "alice"), ("after", "+1")],
            &[("owner", "alice"), ("after", "18446744073709551616")],
            &[("after", "1")],
            &[("owner", "alice"), ("owner2", "bob")],
        ] {
            assert!(SearchQuery::parse(&query(bad)).is_err(), "{bad:?}");
        }
    }
}
