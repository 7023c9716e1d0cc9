//! Password hashing with argon2id, shared by the sign-in page and the CLI.
//!
//! Each hash or check takes about 19 MiB and tens of milliseconds by design. The web server
//! runs them through [`hash_off_thread`] and [`verify_off_thread`], which keep them off the
//! async workers and let only a few run at once, so a burst of sign-ins queues instead of
//! exhausting memory.

use argon2::Argon2;
use argon2::password_hash::{
    PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng,
};

pub fn hash_password(password: &str) -> Result<String, argon2::password_hash::Error> {
    let salt = SaltString::generate(&mut OsRng);
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)?
        .to_string())
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|parsed| {
            Argon2::default()
                .verify_password(password.as_bytes(), &parsed)
                .is_ok()
        })
        .unwrap_or(false)
}

/// Verifies against a fixed hash so an unknown email takes as long as a wrong password.
pub fn burn_time(password: &str) {
    use std::sync::OnceLock;
    static DUMMY: OnceLock<String> = OnceLock::new();
    let hash = DUMMY.get_or_init(|| hash_password("not a real password").unwrap_or_default());
    let _ = verify_password(password, hash);
}

/// A random password for generated accounts: 20 characters from an unambiguous alphabet.
pub fn generate_password() -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    let mut rng = rand::thread_rng();
    (0..20)
        .map(|_| ALPHABET[rng.gen_range(0..ALPHABET.len())] as char)
        .collect()
}

/// How many argon2 computations may run at once; more wait their turn.
fn argon2_permits() -> &'static tokio::sync::Semaphore {
    use std::sync::OnceLock;
    static PERMITS: OnceLock<tokio::sync::Semaphore> = OnceLock::new();
    PERMITS.get_or_init(|| {
        let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
        tokio::sync::Semaphore::new(cores * 2)
    })
}

/// Runs one argon2 computation on the blocking pool, waiting for a permit first.
async fn limited<T: Send + 'static>(
    work: impl FnOnce() -> T + Send + 'static,
) -> Result<T, String> {
    let _permit = argon2_permits()
        .acquire()
        .await
        .map_err(|e| e.to_string())?;
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| e.to_string())
}

/// Hashes a new password away from the async workers.
pub async fn hash_off_thread(password: String) -> Result<String, crate::error::AppError> {
    limited(move || hash_password(&password))
        .await
        .map_err(crate::error::AppError::Internal)?
        .map_err(|e| crate::error::AppError::Internal(format!("could not hash a password: {e}")))
}

/// Checks a password against a stored hash away from the async workers. With no hash (no
/// such account) it spends the same time, so the answer does not reveal whether one exists.
pub async fn verify_off_thread(
    password: String,
    hash: Option<String>,
) -> Result<bool, crate::error::AppError> {
    limited(move || match hash {
        Some(hash) => verify_password(&password, &hash),
        None => {
            burn_time(&password);
            false
        }
    })
    .await
    .map_err(crate::error::AppError::Internal)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify() {
        let h = hash_password("correct horse battery").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert!(!verify_password("x", "not a hash"));
        assert_eq!(generate_password().len(), 20);
    }
}
