//! The console bundle under a base path, with its Content-Security-Policy and embedding settings: the
//! same dist/ served at /ops/lakedeck/ (index.html's <base href> set by the server, nothing rebuilt).

mod support;

use serde_json::json;
use support::{env_credentials, temp_dir, Options, Server};

/// index.html as trunk's minifier writes it.
const INDEX: &str = "<!doctype html><html lang=en><head><meta charset=utf-8><title>Lakedeck</title><base href=/>\
<link href=./main-0123456789abcdef.css rel=stylesheet><script type=module src=./lakedeck-boot-0123456789abcdef.js></script>\
</head><body class=lakedeck-body></body></html>";

#[test]
fn one_bundle_under_a_base_path_with_its_policy() {
    let root = temp_dir("base-path");
    let s = Server::start_with(
        &root,
        Options {
            env: env_credentials(),
            args: ["--base-path", "/ops/lakedeck/", "--embed-origin", "http://portal.test:9000", "--csp-report-uri", "/csp"]
                .map(String::from)
                .to_vec(),
            ..Default::default()
        },
    );
    std::fs::write(s.dist.join("index.html"), INDEX).unwrap();
    std::fs::write(s.dist.join("lakedeck-boot-0123456789abcdef.js"), "import './lakedeck-0123456789abcdef.js'").unwrap();
    std::fs::write(s.dist.join("lakedeck.js"), "export * from './lakedeck-0123456789abcdef.js'").unwrap();
    std::fs::write(s.dist.join("split_settings-0123456789abcdef.wasm"), b"\0asm\x01\0\0\0").unwrap();
    let html = [("Accept", "text/html")];

    // The page, deep links and reloads: index.html pointing every relative URL at the base path.
    for path in ["/ops/lakedeck/", "/ops/lakedeck/index.html", "/ops/lakedeck/clusters/abc", "/ops/lakedeck/sql"] {
        let r = s.request("GET", path, &html, None);
        assert_eq!(r.status, 200, "{path}");
        let text = r.text();
        assert!(text.contains("<base href=\"/ops/lakedeck/\">") && !text.contains("<base href=/>"), "{path}: {text}");
        assert_eq!(r.header("cache-control"), Some("no-cache"));
        assert_eq!(
            r.header("content-security-policy"),
            Some(
                "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; connect-src 'self'; \
                 img-src 'self' data:; frame-ancestors http://portal.test:9000; report-uri /csp"
            ),
            "{path}"
        );
    }
    // The bundle's files under the base: hashed ones cached for good, the stable module entry not.
    let r = s.request("GET", "/ops/lakedeck/split_settings-0123456789abcdef.wasm", &[], None);
    assert_eq!((r.status, r.header("content-type")), (200, Some("application/wasm")));
    assert_eq!(r.header("cache-control"), Some("public, max-age=31536000, immutable"));
    let r = s.request("GET", "/ops/lakedeck/lakedeck.js", &[], None);
    assert_eq!((r.status, r.header("cache-control")), (200, Some("no-cache")));
    assert!(r.header("content-type").unwrap().starts_with("text/javascript"));
    assert_eq!(s.request("GET", "/ops/lakedeck/missing.js", &[], None).status, 404);

    // config.json lives beside index.html and names the portals that may frame the console.
    let r = s.request("GET", "/ops/lakedeck/config.json", &[], None);
    assert_eq!((r.status, r.header("cache-control")), (200, Some("no-cache")));
    let cfg = r.json();
    assert_eq!(cfg["embed"], json!({"allowed_parents": ["http://portal.test:9000"]}));
    assert_eq!(cfg["project_id"], s.project.as_str());
    // Its same-origin rule holds at its new path.
    let r = s.request("GET", "/ops/lakedeck/config.json", &[("Origin", "http://portal.test:9000")], None);
    assert_eq!(r.status, 403);

    // Outside the base path: the root leads to the console, the rest is not the console's.
    let r = s.request("GET", "/", &html, None);
    assert_eq!((r.status, r.header("location")), (308, Some("/ops/lakedeck/")));
    let r = s.request("GET", "/ops/lakedeck", &html, None);
    assert_eq!((r.status, r.header("location")), (308, Some("/ops/lakedeck/")));
    for path in ["/config.json", "/clusters", "/ops/lakedeckx/", "/lakedeck.js"] {
        assert_eq!(s.request("GET", path, &html, None).status, 404, "{path}");
    }
    // The APIs stay at the vendor's paths.
    assert_eq!(s.get(&s.v11("cluster_infos")).status, 200);
    assert_eq!(s.request("GET", "/healthz", &[], None).status, 200);
    drop(s);
    std::fs::remove_dir_all(root).unwrap();
}

#[test]
fn the_root_by_default_and_no_framing() {
    let root = temp_dir("root-path");
    let s = Server::start_with(&root, Options { env: env_credentials(), ..Default::default() });
    std::fs::write(s.dist.join("index.html"), INDEX).unwrap();
    let r = s.request("GET", "/clusters", &[("Accept", "text/html")], None);
    assert_eq!(r.status, 200);
    assert!(r.text().contains("<base href=\"/\">"));
    let csp = r.header("content-security-policy").unwrap().to_string();
    assert!(csp.ends_with("frame-ancestors 'none'"), "{csp}");
    for loose in ["'unsafe-inline'", "'unsafe-eval'", "*"] {
        assert!(!csp.contains(loose), "{csp}");
    }
    assert_eq!(s.request("GET", "/config.json", &[], None).json()["embed"], json!({"allowed_parents": []}));
    drop(s);
    std::fs::remove_dir_all(root).unwrap();
}
