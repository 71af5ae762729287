//! Human-readable sizes and durations, and the path helpers of the file views.

/// `1.5 KiB`, `3.0 MiB`; bytes below 1 KiB stay exact (`512 B`).
pub fn human_bytes(n: i64) -> String {
    const UNITS: [&str; 6] = ["KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];
    if n.unsigned_abs() < 1024 {
        return format!("{n} B");
    }
    let mut v = n as f64 / 1024.0;
    let mut unit = 0;
    while v.abs() >= 1024.0 && unit < UNITS.len() - 1 {
        v /= 1024.0;
        unit += 1;
    }
    format!("{v:.1} {}", UNITS[unit])
}

/// `850 ms`, `12.4 s`, `3 min 05 s`, `2 h 07 min`.
pub fn human_duration_ms(ms: i64) -> String {
    let ms = ms.max(0);
    if ms < 1000 {
        return format!("{ms} ms");
    }
    if ms < 60_000 {
        return format!("{:.1} s", ms as f64 / 1000.0);
    }
    let secs = ms / 1000;
    if secs < 3600 {
        return format!("{} min {:02} s", secs / 60, secs % 60);
    }
    format!("{} h {:02} min", secs / 3600, (secs % 3600) / 60)
}

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
    fn sizes_are_binary_units_with_one_decimal() {
        assert_eq!(human_bytes(0), "0 B");
        assert_eq!(human_bytes(1023), "1023 B");
        assert_eq!(human_bytes(1024), "1.0 KiB");
        assert_eq!(human_bytes(1536), "1.5 KiB");
        assert_eq!(human_bytes(5 * 1024 * 1024 + 1), "5.0 MiB");
        assert_eq!(human_bytes(3 * (1 << 30)), "3.0 GiB");
    }

    #[test]
    fn durations_pick_a_readable_unit() {
        assert_eq!(human_duration_ms(-5), "0 ms");
        assert_eq!(human_duration_ms(850), "850 ms");
        assert_eq!(human_duration_ms(12_400), "12.4 s");
        assert_eq!(human_duration_ms(185_000), "3 min 05 s");
        assert_eq!(human_duration_ms(7_620_000), "2 h 07 min");
    }

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
