//! A metric series from a CSV file, for the console's simulator: the user drops their own load
//! (exported from another monitoring system, or written by hand) and replays a policy over it.
//!
//! Format (README "Scaling"): a header row, then one row per five-minute evaluation period.
//! - `time` (required): `2026-03-02T21:50:00+08:00`, `…Z`, `2026-03-02 21:50[:00]` (read in the
//!   cluster's zone when no offset is given), or epoch seconds / milliseconds.
//! - one column per metric, named as in the policy (`YARNAppPending`, case-insensitive), each a
//!   metric of the cluster's type; an empty cell is a period where it was not measured.
//! - `nodes` (optional): the node count that really ran, charted against the prediction.
//!
//! Separators `,`, `;` or tab (from the header); `"quoted"` cells; blank lines and lines starting
//! with `#` are skipped. Rows must go forward in time.

use crate::autoscale::{MetricValues, Sample, PERIOD_MS};
use crate::mrs::ClusterType;
use crate::mrs_scaling::{metrics_for, Metric};
use crate::problem::Problem;
use crate::sign::days_from_civil;

/// Rows a file may have (a year of five-minute periods).
pub const MAX_ROWS: usize = 105_120;
/// Problems reported at most (the first ones, by line).
pub const MAX_PROBLEMS: usize = 20;

/// What a CSV file held.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct CsvSeries {
    pub samples: Vec<Sample>,
    /// The metrics the file has columns for, in column order.
    pub metrics: Vec<Metric>,
    /// The `nodes` column, when present (`None` for an empty cell).
    pub nodes: Option<Vec<Option<i64>>>,
}

impl CsvSeries {
    /// A note when the rows are not five minutes apart: the evaluator counts rows as periods, so
    /// `evaluation_periods` and cool-downs then mean something else than on the service.
    pub fn interval_note(&self) -> Option<Problem> {
        let mut gaps: Vec<i64> = self.samples.windows(2).map(|w| w[1].time_ms - w[0].time_ms).collect();
        if gaps.is_empty() {
            return None;
        }
        gaps.sort_unstable();
        let median = gaps[gaps.len() / 2];
        (median != PERIOD_MS).then(|| Problem::new("scaling.csv.interval").with("minutes", crate::autoscale::format_number(median as f64 / 60_000.0)))
    }
}

/// One problem of a file, with its 1-based line (0: the file as a whole).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CsvProblem {
    pub line: usize,
    pub problem: Problem,
}

fn split_row(line: &str, sep: char) -> Vec<String> {
    let mut out = Vec::new();
    let mut cell = String::new();
    let mut quoted = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if quoted && chars.peek() == Some(&'"') => {
                cell.push('"');
                chars.next();
            }
            '"' => quoted = !quoted,
            c if c == sep && !quoted => out.push(std::mem::take(&mut cell).trim().to_string()),
            c => cell.push(c),
        }
    }
    out.push(cell.trim().to_string());
    out
}

fn digits(s: &str, n: usize) -> Option<i64> {
    (s.len() == n && s.bytes().all(|b| b.is_ascii_digit())).then(|| s.parse().ok()).flatten()
}

/// A time cell as epoch milliseconds; a local time without an offset is read in the zone
/// `zone_offset_minutes` east of UTC.
pub fn parse_time(s: &str, zone_offset_minutes: i32) -> Option<i64> {
    let s = s.trim();
    if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) {
        let n: i64 = s.parse().ok()?;
        // Ten digits or fewer are seconds (until the year 2286), more are milliseconds.
        return Some(if s.len() <= 10 { n * 1000 } else { n });
    }
    let (date, rest) = (s.get(..10)?, s.get(10..)?);
    let (y, m, d) = (digits(date.get(..4)?, 4)?, digits(date.get(5..7)?, 2)?, digits(date.get(8..10)?, 2)?);
    if date.as_bytes()[4] != b'-' || date.as_bytes()[7] != b'-' || !(1..=12).contains(&m) || !(1..=31).contains(&d) {
        return None;
    }
    let rest = rest.strip_prefix('T').or_else(|| rest.strip_prefix(' '))?;
    let (h, rest) = (digits(rest.get(..2)?, 2)?, rest.get(2..)?);
    let (mi, rest) = (digits(rest.strip_prefix(':')?.get(..2)?, 2)?, rest.get(3..)?);
    let (sec, rest) = match rest.strip_prefix(':') {
        Some(r) => (digits(r.get(..2)?, 2)?, r.get(2..)?),
        None => (0, rest),
    };
    // Fractions of a second are dropped.
    let rest = match rest.strip_prefix('.') {
        Some(r) => r.trim_start_matches(|c: char| c.is_ascii_digit()),
        None => rest,
    };
    if h > 23 || mi > 59 || sec > 59 {
        return None;
    }
    let offset = match rest {
        "" => i64::from(zone_offset_minutes),
        "Z" | "z" => 0,
        o => {
            let sign = match o.get(..1)? {
                "+" => 1,
                "-" => -1,
                _ => return None,
            };
            let o = o.get(1..)?;
            let (oh, om) = match o.len() {
                5 if o.as_bytes()[2] == b':' => (digits(o.get(..2)?, 2)?, digits(o.get(3..)?, 2)?),
                4 => (digits(o.get(..2)?, 2)?, digits(o.get(2..)?, 2)?),
                2 => (digits(o, 2)?, 0),
                _ => return None,
            };
            sign * (oh * 60 + om)
        }
    };
    let days = days_from_civil(y, m, d);
    Some(((days * 24 + h) * 60 + mi - offset) * 60_000 + sec * 1000)
}

enum Column {
    Time,
    Nodes,
    Metric(Metric),
}

/// Reads a CSV file for a cluster of type `kind` whose zone is `zone_offset_minutes` east of UTC.
pub fn parse(text: &str, kind: ClusterType, zone_offset_minutes: i32) -> Result<CsvSeries, Vec<CsvProblem>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l)).filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with('#'));
    let file = |problem: Problem| Err(vec![CsvProblem { line: 0, problem }]);
    let Some((header_line, header)) = lines.next() else { return file(Problem::new("scaling.csv.empty")) };
    let sep = if header.contains('\t') {
        '\t'
    } else if !header.contains(',') && header.contains(';') {
        ';'
    } else {
        ','
    };
    let allowed = metrics_for(kind);
    let names = || allowed.iter().map(|m| m.name()).collect::<Vec<_>>().join(", ");
    let mut problems = Vec::new();
    let mut columns = Vec::new();
    for name in split_row(header, sep) {
        let col = if name.eq_ignore_ascii_case("time") {
            Column::Time
        } else if name.eq_ignore_ascii_case("nodes") {
            Column::Nodes
        } else {
            match Metric::ALL.into_iter().find(|m| m.name().eq_ignore_ascii_case(&name)) {
                Some(m) if allowed.contains(&m) => Column::Metric(m),
                Some(m) => {
                    problems.push(Problem::new("scaling.csv.metric_not_on_type").with("metric", m.name()).with("type", kind.as_str()).with("metrics", names()));
                    continue;
                }
                None => {
                    problems.push(Problem::new("scaling.csv.column_unknown").with("column", &name).with("metrics", names()));
                    continue;
                }
            }
        };
        let same = |c: &Column| match (c, &col) {
            (Column::Time, Column::Time) | (Column::Nodes, Column::Nodes) => true,
            (Column::Metric(a), Column::Metric(b)) => a == b,
            _ => false,
        };
        if columns.iter().any(same) {
            problems.push(Problem::new("scaling.csv.column_twice").with("column", &name));
        }
        columns.push(col);
    }
    if !columns.iter().any(|c| matches!(c, Column::Time)) {
        problems.push(Problem::new("scaling.csv.no_time"));
    }
    if !columns.iter().any(|c| matches!(c, Column::Metric(_))) {
        problems.push(Problem::new("scaling.csv.no_metric").with("metrics", names()));
    }
    if !problems.is_empty() {
        return Err(problems.into_iter().map(|problem| CsvProblem { line: header_line, problem }).collect());
    }

    let metrics: Vec<Metric> = columns.iter().filter_map(|c| if let Column::Metric(m) = c { Some(*m) } else { None }).collect();
    let has_nodes = columns.iter().any(|c| matches!(c, Column::Nodes));
    let mut out = CsvSeries { samples: Vec::new(), metrics, nodes: has_nodes.then(Vec::new) };
    let mut bad: Vec<CsvProblem> = Vec::new();
    let mut last_time: Option<i64> = None;
    for (line, row) in lines {
        if out.samples.len() >= MAX_ROWS {
            bad.push(CsvProblem { line, problem: Problem::new("scaling.csv.too_many_rows").with("max", MAX_ROWS) });
            break;
        }
        let cells = split_row(row, sep);
        if cells.len() != columns.len() {
            bad.push(CsvProblem { line, problem: Problem::new("scaling.csv.cells").with("expected", columns.len()).with("count", cells.len()) });
            continue;
        }
        let mut sample = Sample { time_ms: 0, values: MetricValues::default() };
        let mut nodes = None;
        let mut ok = true;
        for (col, cell) in columns.iter().zip(&cells) {
            match col {
                Column::Time => match parse_time(cell, zone_offset_minutes) {
                    Some(t) => sample.time_ms = t,
                    None => {
                        bad.push(CsvProblem { line, problem: Problem::new("scaling.csv.time").with("value", cell) });
                        ok = false;
                    }
                },
                _ if cell.is_empty() => {}
                Column::Nodes => match cell.parse::<i64>() {
                    Ok(n) if n >= 0 => nodes = Some(n),
                    _ => {
                        bad.push(CsvProblem { line, problem: Problem::new("scaling.csv.nodes").with("value", cell) });
                        ok = false;
                    }
                },
                Column::Metric(m) => match cell.parse::<f64>() {
                    Ok(v) if v.is_finite() && v >= 0.0 => sample.values.set(*m, v),
                    _ => {
                        bad.push(CsvProblem { line, problem: Problem::new("scaling.csv.number").with("column", m.name()).with("value", cell) });
                        ok = false;
                    }
                },
            }
        }
        if ok {
            if last_time.is_some_and(|t| sample.time_ms <= t) {
                bad.push(CsvProblem { line, problem: Problem::new("scaling.csv.order") });
            } else {
                last_time = Some(sample.time_ms);
                out.samples.push(sample);
                if let Some(n) = out.nodes.as_mut() {
                    n.push(nodes);
                }
            }
        }
        if bad.len() >= MAX_PROBLEMS {
            break;
        }
    }
    if !bad.is_empty() {
        return Err(bad);
    }
    if out.samples.is_empty() {
        return file(Problem::new("scaling.csv.no_rows"));
    }
    Ok(out)
}

/// The CSV of a series (header, then one row per sample in the zone's local time with its offset),
/// so a recorded history can be downloaded, edited and dropped back.
pub fn write(metrics: &[Metric], samples: &[Sample], nodes: Option<&[Option<i64>]>, zone_offset_minutes: i32) -> String {
    let mut out = String::from("time");
    for m in metrics {
        out.push(',');
        out.push_str(m.name());
    }
    if nodes.is_some() {
        out.push_str(",nodes");
    }
    out.push('\n');
    let zone = {
        let a = zone_offset_minutes.unsigned_abs();
        format!("{}{:02}:{:02}", if zone_offset_minutes < 0 { '-' } else { '+' }, a / 60, a % 60)
    };
    for (i, s) in samples.iter().enumerate() {
        let local = s.time_ms.div_euclid(1000) + i64::from(zone_offset_minutes) * 60;
        let (y, mo, d) = crate::sign::civil_from_days(local.div_euclid(86_400));
        let secs = local.rem_euclid(86_400);
        out.push_str(&format!("{y:04}-{mo:02}-{d:02}T{:02}:{:02}:{:02}{zone}", secs / 3600, secs / 60 % 60, secs % 60));
        for m in metrics {
            out.push(',');
            if let Some(v) = s.values.get(*m) {
                out.push_str(&crate::autoscale::format_number(v));
            }
        }
        if let Some(n) = nodes {
            out.push(',');
            if let Some(Some(v)) = n.get(i) {
                out.push_str(&v.to_string());
            }
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const MONDAY_0000_UTC: i64 = 1_772_409_600_000; // 2026-03-02T00:00:00Z

    fn keys(r: Result<CsvSeries, Vec<CsvProblem>>) -> Vec<(usize, &'static str)> {
        r.unwrap_err().into_iter().map(|p| (p.line, p.problem.key)).collect()
    }

    #[test]
    fn times_in_every_accepted_form() {
        assert_eq!(parse_time("2026-03-02T00:00:00Z", 480), Some(MONDAY_0000_UTC));
        assert_eq!(parse_time("2026-03-02T08:00:00+08:00", 0), Some(MONDAY_0000_UTC));
        assert_eq!(parse_time("2026-03-02T08:00+0800", 0), Some(MONDAY_0000_UTC));
        assert_eq!(parse_time("2026-03-01T21:00:00-03", 0), Some(MONDAY_0000_UTC));
        assert_eq!(parse_time("2026-03-02 08:00", 480), Some(MONDAY_0000_UTC));
        assert_eq!(parse_time("2026-03-02T08:00:00.250", 480), Some(MONDAY_0000_UTC));
        assert_eq!(parse_time("1772409600", 0), Some(MONDAY_0000_UTC));
        assert_eq!(parse_time("1772409600000", 0), Some(MONDAY_0000_UTC));
        for bad in ["", "yesterday", "2026-13-01T00:00", "2026-03-02T24:00", "2026-03-02", "2026-03-02T08:00+8", "2026/03/02 08:00"] {
            assert_eq!(parse_time(bad, 0), None, "{bad}");
        }
    }

    #[test]
    fn a_file_reads_into_samples() {
        let text = "\u{feff}# exported\ntime;yarnapppending;YARNMemoryAvailablePercentage;nodes\n\
                    2026-03-02T08:00:00+08:00;0;80.5;2\n\n2026-03-02T08:05:00+08:00;3;;\n\"2026-03-02 08:10\";1;70;4\n";
        let s = parse(text, ClusterType::Analysis, 480).unwrap();
        assert_eq!(s.metrics, [Metric::YarnAppPending, Metric::YarnMemoryAvailablePercentage]);
        assert_eq!(s.samples.len(), 3);
        assert_eq!(s.samples[0].time_ms, MONDAY_0000_UTC);
        assert_eq!(s.samples[2].time_ms, MONDAY_0000_UTC + 2 * PERIOD_MS);
        assert_eq!(s.samples[0].values.get(Metric::YarnMemoryAvailablePercentage), Some(80.5));
        assert_eq!(s.samples[1].values.get(Metric::YarnMemoryAvailablePercentage), None);
        assert_eq!(s.samples[1].values.get(Metric::YarnAppPending), Some(3.0));
        assert_eq!(s.nodes, Some(vec![Some(2), None, Some(4)]));
        assert_eq!(s.interval_note(), None);
        // Written back and read again: the same series.
        let again = parse(&write(&s.metrics, &s.samples, s.nodes.as_deref(), 480), ClusterType::Analysis, 0).unwrap();
        assert_eq!((&again.metrics, &again.nodes), (&s.metrics, &s.nodes));
        for (a, b) in again.samples.iter().zip(&s.samples) {
            assert_eq!(a.time_ms, b.time_ms);
            for m in &s.metrics {
                assert_eq!(a.values.get(*m), b.values.get(*m));
            }
        }
    }

    #[test]
    fn each_problem_names_its_line() {
        assert_eq!(keys(parse("", ClusterType::Analysis, 0)), [(0, "scaling.csv.empty")]);
        assert_eq!(keys(parse("time,YARNAppPending\n", ClusterType::Analysis, 0)), [(0, "scaling.csv.no_rows")]);
        assert_eq!(
            keys(parse("when,CPU,StormSlotUsed,YARNAppPending,yarnapppending\n", ClusterType::Analysis, 0)),
            [(1, "scaling.csv.column_unknown"), (1, "scaling.csv.column_unknown"), (1, "scaling.csv.metric_not_on_type"), (1, "scaling.csv.column_twice"), (1, "scaling.csv.no_time")]
        );
        assert_eq!(keys(parse("time,nodes\n", ClusterType::Analysis, 0)), [(1, "scaling.csv.no_metric")]);
        let text = "time,YARNAppPending,nodes\n2026-03-02 08:00,1,2\n2026-03-02 08:05,x,2\n2026-03-02 08:10,1\nlater,1,2\n\
                    2026-03-02 08:00,1,2\n2026-03-02 08:20,-1,2\n2026-03-02 08:25,1,1.5\n";
        assert_eq!(
            keys(parse(text, ClusterType::Analysis, 0)),
            [(3, "scaling.csv.number"), (4, "scaling.csv.cells"), (5, "scaling.csv.time"), (6, "scaling.csv.order"), (7, "scaling.csv.number"), (8, "scaling.csv.nodes")]
        );
        // Streaming clusters read Storm metrics.
        assert!(parse("time,StormSlotUsed\n1772409600,3\n", ClusterType::Streaming, 0).is_ok());
    }

    #[test]
    fn rows_other_than_five_minutes_apart_are_noted() {
        let s = parse("time,YARNAppPending\n1772409600,1\n1772409660,1\n1772409720,1\n", ClusterType::Analysis, 0).unwrap();
        let note = s.interval_note().unwrap();
        assert_eq!((note.key, note.param("minutes")), ("scaling.csv.interval", Some("1")));
    }
}
