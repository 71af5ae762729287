//! Runs `lakedeck-server gateway` with a configuration written by the test.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use super::{raw_request, Resp};

pub struct Gateway {
    child: Child,
    pub addr: String,
    pub url: String,
    /// Everything the gateway printed before serving.
    pub banner: Vec<String>,
    pub config: PathBuf,
}

/// Hex SHA-256 of a token, for `token_sha256` (the test side of the check, written out plainly).
pub fn sha256_hex(s: &str) -> String {
    lakedeck_api::sign::sha256_hex(s.as_bytes())
}

impl Gateway {
    /// Writes `config` to `dir/gateway.toml` and starts the gateway on a free port with `env`.
    pub fn start(dir: &Path, config: &str, env: &[(&str, &str)]) -> Gateway {
        let path = dir.join("gateway.toml");
        std::fs::write(&path, config).unwrap();
        let mut child = Gateway::command(&path, env).stdout(Stdio::piped()).stderr(Stdio::inherit()).spawn().expect("start the gateway");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut banner = Vec::new();
        loop {
            let mut line = String::new();
            out.read_line(&mut line).unwrap();
            assert!(!line.is_empty(), "gateway exited early; printed so far: {banner:?}");
            let line = line.trim_end().to_string();
            let done = line.starts_with("audit log:");
            banner.push(line);
            if done {
                break;
            }
        }
        std::thread::spawn(move || std::io::copy(&mut out, &mut std::io::sink()));
        let url = banner[0].strip_prefix("Lakedeck gateway listening on ").expect("first line names the URL").to_string();
        let addr = url.trim_start_matches("http://").to_string();
        Gateway { child, addr, url, banner, config: path }
    }

    pub fn command(config: &Path, env: &[(&str, &str)]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_lakedeck-server"));
        cmd.args(["gateway", "--config"]).arg(config).args(["--listen", "127.0.0.1:0"]);
        for (k, v) in env {
            cmd.env(k, v);
        }
        cmd
    }

    /// Runs the gateway on `config` expecting it to refuse to start; returns what it said.
    pub fn refuse_to_start(dir: &Path, config: &str, env: &[(&str, &str)]) -> String {
        let path = dir.join("refused.toml");
        std::fs::write(&path, config).unwrap();
        let out = Gateway::command(&path, env).output().unwrap();
        assert!(!out.status.success(), "the gateway started: {}", String::from_utf8_lossy(&out.stdout));
        String::from_utf8_lossy(&out.stderr).into_owned()
    }

    pub fn request(&self, method: &str, path: &str, headers: &[(&str, &str)], body: Option<&[u8]>) -> Resp {
        raw_request(&self.addr, method, path, headers, body)
    }

    /// A call as the console makes it: the user's token and a JSON content type.
    pub fn call(&self, token: &str, method: &str, path: &str, body: Option<&serde_json::Value>) -> Resp {
        let bytes = body.map(|b| serde_json::to_vec(b).unwrap());
        self.request(method, path, &[("X-Auth-Token", token), ("Content-Type", "application/json")], bytes.as_deref())
    }
}

impl Drop for Gateway {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
