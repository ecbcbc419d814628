//! Password hashing (argon2id) with a cap on how many hashes run at once: each takes 19 MiB, so
//! a flood of logins must queue briefly and then be told the server is busy, never pile up.

use crate::error::AppError;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::{Algorithm, Argon2, Params, Version};
use std::sync::Arc;
use std::sync::OnceLock;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Semaphore;

/// argon2id with the OWASP minimum: 19 MiB, 2 passes, 1 lane.
fn hasher() -> Argon2<'static> {
    Argon2::new(
        Algorithm::Argon2id,
        Version::V0x13,
        Params::new(19_456, 2, 1, None).expect("valid argon2 parameters"),
    )
}

/// Hashes on the calling thread (the CLI, and inside the limiter's blocking tasks).
pub fn hash_blocking(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt_bytes: [u8; 16] = rand::random();
    let salt = SaltString::encode_b64(&salt_bytes)?;
    Ok(hasher()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

/// A hash of nothing in particular, verified when an account is unknown or still on its default
/// password, so that the answer takes as long as for a real account.
fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("not-a-password").expect("hashing a constant works"))
}

fn verify_blocking(stored: Option<&str>, fallback: Option<&str>, password: &str) -> bool {
    let hash = stored.unwrap_or_else(|| dummy_hash());
    let hashed_ok = PasswordHash::new(hash)
        .map(|h| hasher().verify_password(password.as_bytes(), &h).is_ok())
        .unwrap_or(false);
    match (stored, fallback) {
        (Some(_), _) => hashed_ok,
        // The only letter of a 身份证号 is its check character X: x logs in like X.
        (None, Some(default)) => constant_time_eq(
            default.as_bytes(),
            password.to_ascii_uppercase().as_bytes(),
        ),
        (None, None) => false,
    }
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// At most `permits` hashes at once on the blocking pool, at most `max_waiting` requests waiting
/// for one, each for at most `wait`; beyond that [`AppError::Busy`] (HTTP 503).
pub struct HashLimiter {
    permits: Arc<Semaphore>,
    waiting: AtomicUsize,
    max_waiting: usize,
    wait: Duration,
}

/// Counts a waiting request for as long as it waits (also when its request is dropped).
struct Waiting<'a>(&'a AtomicUsize);

impl Drop for Waiting<'_> {
    fn drop(&mut self) {
        self.0.fetch_sub(1, Ordering::SeqCst);
    }
}

impl HashLimiter {
    pub fn new(permits: usize, max_waiting: usize, wait: Duration) -> Self {
        HashLimiter {
            permits: Arc::new(Semaphore::new(permits.max(1))),
            waiting: AtomicUsize::new(0),
            max_waiting,
            wait,
        }
    }

    /// One hash per core at a time; a queue of 32 per core, each waiting up to 3 s (a login
    /// hash takes about 50 ms per core, so a full queue drains in under 2 s).
    pub fn for_this_machine() -> Self {
        let cores = std::thread::available_parallelism()
            .map(|n| n.get())
            .unwrap_or(1);
        Self::new(cores, cores * 32, Duration::from_secs(3))
    }

    /// Runs `work` on the blocking pool once a permit is free. The permit goes with the work,
    /// so a request that gives up does not free memory the hash still uses.
    async fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, AppError> {
        if self.waiting.fetch_add(1, Ordering::SeqCst) >= self.max_waiting {
            self.waiting.fetch_sub(1, Ordering::SeqCst);
            tracing::warn!("password check refused: the queue is full");
            return Err(AppError::Busy);
        }
        let waiting = Waiting(&self.waiting);
        let permit = tokio::time::timeout(self.wait, self.permits.clone().acquire_owned()).await;
        drop(waiting);
        let Ok(Ok(permit)) = permit else {
            tracing::warn!("password check refused: no free slot in time");
            return Err(AppError::Busy);
        };
        tokio::task::spawn_blocking(move || {
            let result = work();
            drop(permit);
            result
        })
        .await
        .map_err(|e| {
            tracing::error!(error = %e, "password hashing task failed");
            AppError::Internal
        })
    }

    pub async fn hash(&self, password: String) -> Result<String, AppError> {
        self.run(move || hash_blocking(&password))
            .await?
            .map_err(|e| {
                tracing::error!(error = %e, "password hashing failed");
                AppError::Internal
            })
    }

    /// Checks `password` against `stored`; with no stored hash, against `fallback` (the default
    /// password), always spending one argon2 verification.
    pub async fn verify(
        &self,
        stored: Option<String>,
        fallback: Option<String>,
        password: String,
    ) -> Result<bool, AppError> {
        self.run(move || verify_blocking(stored.as_deref(), fallback.as_deref(), &password))
            .await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_time_compare_matches_equality() {
        assert!(constant_time_eq(b"12345X", b"12345X"));
        assert!(!constant_time_eq(b"12345X", b"12345x"));
        assert!(!constant_time_eq(b"1234", b"12345"));
    }

    #[tokio::test]
    async fn a_full_queue_is_told_busy_at_once() {
        let limiter = Arc::new(HashLimiter::new(1, 1, Duration::from_millis(200)));
        let slow = |limiter: Arc<HashLimiter>| async move {
            limiter
                .run(|| std::thread::sleep(Duration::from_millis(600)))
                .await
        };
        let first = tokio::spawn(slow(limiter.clone()));
        tokio::time::sleep(Duration::from_millis(50)).await;
        let second = tokio::spawn(slow(limiter.clone()));
        tokio::time::sleep(Duration::from_millis(50)).await;
        // One running, one waiting: the third is refused without waiting.
        assert_eq!(slow(limiter.clone()).await, Err(AppError::Busy));
        // The waiting one gives up after 200 ms, the running one finishes.
        assert_eq!(second.await.unwrap(), Err(AppError::Busy));
        assert_eq!(first.await.unwrap(), Ok(()));
        assert_eq!(limiter.waiting.load(Ordering::SeqCst), 0);
    }
}
