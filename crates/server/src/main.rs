//! `lakedeck-server`: the Lakedeck sandbox. Serves the console bundle and emulates the MRS APIs
//! over a local SQLite state, so the console can be tried without a cloud account.
//! `lakedeck-server gateway` instead serves the console in front of the real clouds (gateway/).

mod alluxio;
mod compress;
mod config;
mod emr;
mod engine;
mod gateway;
mod http;
mod lang;
mod mrs;
mod problems;
mod util;
mod vpc;

use std::io::Write;
use std::process::ExitCode;
use std::sync::Arc;

use config::{ArgsOutcome, USAGE};

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    if argv.first().map(String::as_str) == Some("gateway") {
        return run_gateway(&argv[1..]);
    }
    if argv.first().map(String::as_str) == Some(engine::warehouse::GENERATE_COMMAND) {
        return match argv.get(1).map(|d| engine::warehouse::generate(std::path::Path::new(d))) {
            Some(Ok(())) => ExitCode::SUCCESS,
            Some(Err(e)) => {
                eprintln!("{e}");
                ExitCode::FAILURE
            }
            None => ExitCode::from(2),
        };
    }
    let step_env = std::env::var("LAKEDECK_SANDBOX_STEP_MS").ok();
    let args = match config::parse_args(&argv, step_env.as_deref()) {
        Ok(ArgsOutcome::Run(a)) => *a,
        Ok(ArgsOutcome::Help) => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    match runtime.block_on(serve(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn runtime() -> Result<tokio::runtime::Runtime, ExitCode> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().map_err(|e| {
        eprintln!("error: cannot start the async runtime: {e}");
        ExitCode::FAILURE
    })
}

fn run_gateway(argv: &[String]) -> ExitCode {
    let args = match gateway::parse_args(argv) {
        Ok(gateway::ArgsOutcome::Run(a)) => a,
        Ok(gateway::ArgsOutcome::Help) => {
            println!("{}", gateway::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(e) => {
            eprintln!("error: {e}\n\n{}", gateway::USAGE);
            return ExitCode::from(2);
        }
    };
    let runtime = match runtime() {
        Ok(rt) => rt,
        Err(code) => return code,
    };
    match runtime.block_on(gateway::run(args)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(args: config::Args) -> Result<(), String> {
    config::check_exposure(args.listen, std::env::var("LAKEDECK_SANDBOX_TOKEN").ok().as_deref())?;
    std::fs::create_dir_all(&args.data_dir)
        .map_err(|e| format!("cannot create the data directory {}: {e}", args.data_dir.display()))?;
    let creds = config::load_credentials(&args.data_dir, |k| std::env::var(k).ok())?;
    // LAKEDECK_SANDBOX_CACHE_DIR lets several sandboxes (the test suites) share one generated
    // TPC-H dataset instead of each generating its own.
    let cache_dir = std::env::var_os("LAKEDECK_SANDBOX_CACHE_DIR")
        .filter(|v| !v.is_empty())
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| args.data_dir.join("cache"));
    let metric_env = std::env::var("LAKEDECK_SANDBOX_METRIC_PERIOD_MS").ok();
    let autoscale = engine::autoscaler::AutoscaleConfig {
        period_ms: config::metric_period(args.metric_period_ms, metric_env.as_deref())?,
        allow_scripts: args.allow_scripts,
        clock_start_ms: args.clock_start_ms,
    };
    let cache_cfg = engine::cache::CacheConfig::from_env(|k| std::env::var(k).ok())?;
    let limits = engine::Limits {
        sql_timeout: std::time::Duration::from_secs(args.sql_timeout_secs),
        max_result_bytes: args.max_result_mb * 1024 * 1024,
    };
    let engine = Arc::new(
        engine::Engine::open_with_cache(&args.data_dir, &cache_dir, args.step_ms, cache_cfg)?
            .with_autoscaler(autoscale)
            .with_limits(limits),
    );
    engine.start_clock(util::now_ms()).map_err(|e| format!("cannot start the autoscaler's clock: {e:?}"))?;
    engine.seed(&creds.project_id).map_err(|e| format!("cannot seed the sandbox: {e:?}"))?;
    let lost_sql = engine.recover_sql().map_err(|e| format!("cannot recover the SQL execution records: {e:?}"))?;
    if lost_sql > 0 {
        eprintln!("note: {lost_sql} SQL statement(s) were unfinished when the sandbox stopped; they are now FAILED");
    }
    engine.set_allow_scripts(args.allow_scripts);
    engine.emr_seed().map_err(|e| format!("cannot seed the EMR Serverless Spark workspaces: {e:?}"))?;
    engine
        .flow_seed(&emr::account_uid(&creds.access_key))
        .map_err(|e| format!("cannot seed the EMR data-development projects: {e:?}"))?;
    let lost_emr = engine.emr_recover().map_err(|e| format!("cannot recover the EMR job runs: {e:?}"))?
        + engine.flow_recover().map_err(|e| format!("cannot recover the EMR job instances: {e:?}"))?;
    if lost_emr > 0 {
        eprintln!("note: {lost_emr} EMR job run(s) or instance(s) were unfinished when the sandbox stopped; they are now Failed");
    }
    let lost = engine.recover_jobs().map_err(|e| format!("cannot recover the job records: {e:?}"))?;
    if lost > 0 {
        eprintln!("note: {lost} job(s) were unfinished when the sandbox stopped; they are now FAILED");
    }

    let resumed = engine.start_cache()?;
    if resumed > 0 {
        eprintln!("note: {resumed} cache job(s) were unfinished when the sandbox stopped; they resume now");
    }

    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .map_err(|e| format!("cannot listen on {}: {e}", args.listen))?;
    let bound = listener.local_addr().map_err(|e| e.to_string())?;
    let state = Arc::new(http::AppState {
        engine: engine.clone(),
        creds: creds.clone(),
        dist: args.dist.clone(),
        // The token lets anyone who can load config.json drive the sandbox, so it is only
        // handed out when nothing but this machine can connect.
        expose_token: args.listen.ip().is_loopback(),
        access: http::Access::new(bound, &args.allowed_hosts, &args.allow_origins),
        console: http::ConsoleSite {
            base: args.base_path.clone(),
            embed_origins: args.embed_origins.clone(),
            csp_report_uri: args.csp_report_uri.clone(),
        },
        assets: Arc::new(compress::AssetCache::default()),
        acs_nonces: emr::auth::Nonces::default(),
    });
    state.assets.warm(&args.dist);
    engine.clone().spawn_ticker();
    engine.clone().spawn_autoscaler();

    let mut out = std::io::stdout().lock();
    // Scripts and tests read these lines (the URL has the real port when --listen used port 0).
    // The token and the secret key are never printed: logs and terminals are copied around.
    let _ = writeln!(out, "Lakedeck sandbox listening on http://{bound}");
    let _ = writeln!(out, "project id: {}", creds.project_id);
    let _ = writeln!(out, "access key: {}", creds.access_key);
    let _ = writeln!(
        out,
        "token and secret key: in {} (values set through the environment are not stored there)",
        args.data_dir.join("credentials.json").display()
    );
    if !args.base_path.is_empty() {
        let _ = writeln!(out, "console: http://{bound}{}/", args.base_path);
    }
    if !args.embed_origins.is_empty() {
        let _ = writeln!(out, "may be framed by: {}", args.embed_origins.join(", "));
    }
    if !state.access.cors_origins.is_empty() {
        let _ = writeln!(out, "CORS allowed for: {}", state.access.cors_origins.join(", "));
    }
    let _ = out.flush();
    drop(out);

    axum::serve(listener, http::app(state))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
        .map_err(|e| format!("server error: {e}"))
}
