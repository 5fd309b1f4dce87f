//! `GET /v1/search` paging on the real server: `after` and `limit` walk
//! every match exactly once through the `next` cursor, the default page
//! holds everything up to 1000, and bad paging parameters are refused.

mod common;

use common::{Fixture, Server};

/// One page: its indexes and the next cursor.
fn page(server: &Server, query: &str) -> (Vec<u64>, Option<u64>) {
    let response = server.get(&format!("/v1/search?{query}"));
    assert_eq!(response.status, 200, "{query}: {}", response.text());
    let json = response.json();
    let indexes = json["indexes"]
        .as_array()
        .expect("indexes")
        .iter()
        .map(|v| v.as_u64().expect("index"))
        .collect();
    (indexes, json["next"].as_u64())
}

#[test]
fn pages_walk_every_match_once() {
    let dir = tempfile::tempdir().expect("tempdir");
    let f = Fixture::new();
    let server = Server::start(dir.path(), &f.roots_toml());
    for entry in f.enrolments() {
        server.submit(&entry);
    }
    // Alice's enrolment, and every release she signs.
    let (mut expected, _) = page(&server, "owner=alice");
    assert_eq!(expected.len(), 1);
    for n in 0..23 {
        expected.push(server.submit(&f.release(&format!("paging {n}"))).0);
    }
    assert_eq!(expected.len(), 24);

    // The default page holds them all, with no cursor.
    let (all, next) = page(&server, "owner=alice");
    assert_eq!(all, expected);
    assert_eq!(next, None);

    // Pages of 5: each continues after the previous cursor.
    let mut walked: Vec<u64> = Vec::new();
    let mut cursor: Option<u64> = None;
    for _ in 0..10 {
        let query = match cursor {
            Some(after) => format!("owner=alice&limit=5&after={after}"),
            None => "owner=alice&limit=5".to_owned(),
        };
        let (indexes, next) = page(&server, &query);
        assert!(indexes.len() <= 5);
        walked.extend(&indexes);
        match next {
            Some(n) => {
                assert_eq!(Some(&n), indexes.last(), "the cursor is the last index");
                cursor = Some(n);
            }
            None => break,
        }
    }
    assert_eq!(walked, expected);

    // A page that ends exactly at the last match has no cursor.
    let (exact, next) = page(&server, "owner=alice&limit=24");
    assert_eq!(exact, expected);
    assert_eq!(next, None);
    let (one, next) = page(&server, "owner=alice&limit=1");
    assert_eq!(one, expected[..1]);
    assert_eq!(next, Some(expected[0]));
    // After the last match: empty, no cursor.
    let last = expected[expected.len() - 1];
    assert_eq!(
        page(&server, &format!("owner=alice&after={last}")),
        (vec![], None)
    );
    assert_eq!(
        page(&server, &format!("owner=alice&after={}", u64::MAX)),
        (vec![], None)
    );

    for bad in [
        "owner=alice&limit=0",
        "owner=alice&limit=1001",
        "owner=alice&limit=ten",
        "owner=alice&after=-1",
        "owner=alice&after=01",
        "limit=5",
        "owner=alice&key=x&limit=5",
        "owner=alice&page=2",
    ] {
        let response = server.get(&format!("/v1/search?{bad}"));
        assert_eq!(response.status, 400, "{bad}: {}", response.text());
        assert_eq!(response.json()["error"], "BadQuery", "{bad}");
    }
    assert_eq!(server.get("/healthz").status, 200);
}
