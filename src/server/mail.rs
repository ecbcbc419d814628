//! Outgoing e-mail: through SMTP when `SHENGYUAN_SMTP_URL` is set, otherwise into the outbox
//! folder (one UTF-8 `.eml` file per message) so the flow works and can be tested locally.

use super::Config;
use lettre::message::{Mailbox, header::ContentType};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

pub struct Mail<'a> {
    pub to: &'a str,
    pub subject: &'a str,
    pub body: String,
}

/// Sends (or files) one message. Errors are logged here and reported as a plain string.
pub async fn send(config: &Config, mail: Mail<'_>) -> Result<(), String> {
    match &config.smtp_url {
        Some(url) => send_smtp(config, url, mail).await,
        None => write_outbox(config, mail).await,
    }
}

async fn send_smtp(config: &Config, url: &str, mail: Mail<'_>) -> Result<(), String> {
    let from: Mailbox = config
        .mail_from
        .parse()
        .map_err(|e| format!("SHENGYUAN_MAIL_FROM: {e}"))?;
    let to: Mailbox = mail.to.parse().map_err(|e| format!("recipient: {e}"))?;
    let message = Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject)
        .header(ContentType::TEXT_PLAIN)
        .body(mail.body)
        .map_err(|e| format!("building the message: {e}"))?;
    let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
        .map_err(|e| format!("SHENGYUAN_SMTP_URL: {e}"))?
        .build();
    transport.send(message).await.map_err(|e| {
        tracing::error!(error = %e, "SMTP delivery failed");
        format!("SMTP: {e}")
    })?;
    Ok(())
}

/// `<outbox>/<UTC time>-<random>.eml`, readable with any text editor or mail program — by the
/// service user only (the folder is 0700, each file 0600), and removed once the code it carries
/// has expired.
async fn write_outbox(config: &Config, mail: Mail<'_>) -> Result<(), String> {
    let dir = &config.outbox_dir;
    super::private_dir(dir)?;
    sweep_outbox(config);
    let now = chrono::Utc::now();
    let suffix: u32 = rand::random();
    let path = dir.join(format!(
        "{}-{suffix:08x}.eml",
        now.format("%Y%m%dT%H%M%S%.3fZ")
    ));
    let text = format!(
        "From: {}\r\nTo: {}\r\nDate: {}\r\nSubject: {}\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{}\r\n",
        config.mail_from,
        mail.to,
        now.to_rfc2822(),
        mail.subject,
        mail.body.replace('\n', "\r\n")
    );
    write_private(&path, text.as_bytes()).map_err(|e| format!("outbox {}: {e}", path.display()))?;
    tracing::info!(path = %path.display(), "e-mail written to the outbox (no SMTP configured)");
    Ok(())
}

fn write_private(path: &std::path::Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)?;
    file.write_all(bytes)
}

/// Removes outbox messages older than a code lives: what they carry is of no use any more, and
/// a recovery code must not lie around in plain text.
pub fn sweep_outbox(config: &Config) {
    let lifetime = std::time::Duration::from_secs(config.reset_code_minutes.max(1) as u64 * 60);
    let Ok(entries) = std::fs::read_dir(&config.outbox_dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let old = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > lifetime);
        if old
            && path.extension().is_some_and(|e| e == "eml")
            && let Err(e) = std::fs::remove_file(&path)
        {
            tracing::warn!(path = %path.display(), error = %e, "an expired outbox message could not be removed");
        }
    }
}
