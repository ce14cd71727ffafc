//! A real SMTP server on 127.0.0.1 that keeps every message it is given, so browser
//! tests can check the email a journey sent. The server's own `lettre` client talks to
//! it over TCP exactly as it would to a mail relay (no TLS, no auth).

use std::sync::{Arc, Mutex};

use leadflow::domain::email::{SmtpConfig, SmtpTls};
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// One delivered message: its recipients and the raw text after `DATA`.
#[derive(Debug, Clone)]
pub struct Received {
    pub to: Vec<String>,
    pub raw: String,
}

impl Received {
    /// The `Subject:` header as sent (ASCII subjects are not encoded).
    pub fn subject(&self) -> String {
        self.raw
            .lines()
            .find_map(|l| l.strip_prefix("Subject: "))
            .unwrap_or_default()
            .to_owned()
    }
}

#[derive(Clone, Default)]
pub struct SmtpSink {
    pub port: u16,
    messages: Arc<Mutex<Vec<Received>>>,
}

impl SmtpSink {
    pub async fn start() -> anyhow::Result<SmtpSink> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let sink = SmtpSink {
            port: listener.local_addr()?.port(),
            ..SmtpSink::default()
        };
        let shared = sink.clone();
        tokio::spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                tokio::spawn(shared.clone().session(stream));
            }
        });
        Ok(sink)
    }

    /// The server configuration that sends through this sink.
    pub fn config(&self) -> SmtpConfig {
        SmtpConfig {
            host: "127.0.0.1".into(),
            port: self.port,
            tls: SmtpTls::None,
            from: "Leadflow <news@leadflow.test>".into(),
            username: None,
            password: None,
            timeout_secs: 10,
        }
    }

    pub fn messages(&self) -> Vec<Received> {
        self.messages.lock().map(|m| m.clone()).unwrap_or_default()
    }

    async fn session(self, stream: TcpStream) {
        let (read, mut write) = stream.into_split();
        let mut read = BufReader::new(read);
        let mut to = Vec::new();
        if write.write_all(b"220 sink.test ESMTP\r\n").await.is_err() {
            return;
        }
        let mut line = String::new();
        loop {
            line.clear();
            if read.read_line(&mut line).await.unwrap_or(0) == 0 {
                return;
            }
            let command = line.trim_end().to_ascii_uppercase();
            let reply: &[u8] = if command.starts_with("EHLO") {
                b"250-sink.test\r\n250 8BITMIME\r\n"
            } else if command.starts_with("HELO") {
                b"250 sink.test\r\n"
            } else if command.starts_with("MAIL FROM") {
                to.clear();
                b"250 2.1.0 OK\r\n"
            } else if command.starts_with("RCPT TO") {
                let addr = line.trim_end().get(8..).unwrap_or_default();
                to.push(addr.trim().trim_matches(['<', '>']).to_owned());
                b"250 2.1.5 OK\r\n"
            } else if command == "DATA" {
                if write.write_all(b"354 go ahead\r\n").await.is_err() {
                    return;
                }
                let mut raw = String::new();
                loop {
                    let mut l = String::new();
                    if read.read_line(&mut l).await.unwrap_or(0) == 0 {
                        return;
                    }
                    if l == ".\r\n" {
                        break;
                    }
                    let l = if l.starts_with("..") { &l[1..] } else { &l[..] };
                    raw.push_str(&l.replace("\r\n", "\n"));
                }
                if let Ok(mut messages) = self.messages.lock() {
                    messages.push(Received {
                        to: std::mem::take(&mut to),
                        raw,
                    });
                }
                b"250 2.0.0 queued\r\n"
            } else if command == "QUIT" {
                let _ = write.write_all(b"221 bye\r\n").await;
                return;
            } else if command == "RSET" || command == "NOOP" {
                b"250 OK\r\n"
            } else {
                b"502 not implemented\r\n"
            };
            if write.write_all(reply).await.is_err() {
                return;
            }
        }
    }
}
