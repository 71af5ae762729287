//! The path helpers of the file views. (Sizes, durations and numbers are written by the console's
//! `i18n::format`, through the browser's `Intl`, in the user's language.)

/// `/a/b` + `c` → `/a/b/c`; the root joins without doubling the slash.
pub fn join_path(dir: &str, name: &str) -> String {
    if dir.ends_with('/') {
        format!("{dir}{name}")
    } else {
        format!("{dir}/{name}")
    }
}

/// Breadcrumbs of a directory: `/a/b` → `[("/", "/"), ("a", "/a"), ("b", "/a/b")]`.
pub fn breadcrumbs(path: &str) -> Vec<(String, String)> {
    let mut out = vec![("/".to_string(), "/".to_string())];
    let mut acc = String::new();
    for seg in path.split('/').filter(|s| !s.is_empty()) {
        acc.push('/');
        acc.push_str(seg);
        out.push((seg.to_string(), acc.clone()));
    }
    out
}

/// The parent directory; the root is its own parent.
pub fn parent_path(path: &str) -> String {
    let trimmed = path.trim_end_matches('/');
    match trimmed.rfind('/') {
        Some(0) | None => "/".into(),
        Some(i) => trimmed[..i].into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_join_split_and_climb() {
        assert_eq!(join_path("/", "tmp"), "/tmp");
        assert_eq!(join_path("/tmp", "demo"), "/tmp/demo");
        assert_eq!(
            breadcrumbs("/tmp/demo/"),
            vec![("/".into(), "/".into()), ("tmp".into(), "/tmp".into()), ("demo".into(), "/tmp/demo".into())]
        );
        assert_eq!(breadcrumbs("/"), vec![("/".to_string(), "/".to_string())]);
        assert_eq!(parent_path("/tmp/demo"), "/tmp");
        assert_eq!(parent_path("/tmp"), "/");
        assert_eq!(parent_path("/"), "/");
    }
}
