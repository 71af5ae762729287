//! Programs the sandbox runs for its users: `spark-submit`, `hadoop`, `flink` for jobs and runs,
//! `bash` for SHELL flow jobs and auto-scaling scripts. Each runs in a process group of its own (so
//! a kill reaches the JVMs a launcher script forks), reads nothing from the sandbox's stdin, has its
//! output piped to the job's logs, and never sees the sandbox's own secrets in its environment.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Stdio;

/// Environment variables that hold the sandbox's credentials.
const SECRETS: [&str; 3] = ["LAKEDECK_SANDBOX_TOKEN", "LAKEDECK_SANDBOX_SK", "LAKEDECK_SANDBOX_AK"];

/// A command for `exe` working in `dir`, set up as the module comment says; killed when dropped.
pub fn user_command(exe: &Path, dir: &Path) -> tokio::process::Command {
    let mut cmd = tokio::process::Command::new(exe);
    cmd.current_dir(dir).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped()).kill_on_drop(true);
    for v in SECRETS {
        cmd.env_remove(v);
    }
    #[cfg(unix)]
    cmd.process_group(0);
    cmd
}

/// The same for a program waited on by a blocking thread.
pub fn user_command_blocking(exe: &Path, dir: &Path) -> std::process::Command {
    let mut cmd = std::process::Command::new(exe);
    cmd.current_dir(dir).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    for v in SECRETS {
        cmd.env_remove(v);
    }
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        cmd.process_group(0);
    }
    cmd
}

#[cfg(unix)]
pub fn kill_group(pgid: i32) {
    // The whole group: spark-submit is a script that starts a JVM, which must die with it.
    // SAFETY: kill(2) has no memory-safety preconditions; a stale id only yields ESRCH.
    unsafe {
        libc::kill(-pgid, libc::SIGKILL);
    }
}

#[cfg(not(unix))]
pub fn kill_group(_pgid: i32) {}

pub fn find_on_path(program: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(program)).find(|p| is_executable(p))
}

#[cfg(unix)]
fn is_executable(p: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(p).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

#[cfg(not(unix))]
fn is_executable(p: &Path) -> bool {
    p.is_file()
}

/// Copies a program's output stream into its own file and the combined log as it arrives.
pub async fn tee(mut stream: impl tokio::io::AsyncRead + Unpin, own: PathBuf, combined: PathBuf) {
    use tokio::io::AsyncReadExt;
    let open = |p: &Path| std::fs::OpenOptions::new().create(true).append(true).open(p);
    let (Ok(mut a), Ok(mut b)) = (open(&own), open(&combined)) else { return };
    let mut buf = vec![0u8; 8192];
    while let Ok(n) = stream.read(&mut buf).await {
        if n == 0 {
            break;
        }
        let _ = a.write_all(&buf[..n]);
        let _ = b.write_all(&buf[..n]);
    }
}
