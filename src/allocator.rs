//! Settings for glibc's allocator, made once at start. A write builds a new snapshot whose
//! service list (eight bytes per service: 800 KB at 100,000) replaces the old one. glibc raises
//! its mmap threshold after such blocks are freed, so later ones come from per-thread arenas,
//! which keep the freed memory: a run of vendor writes at 100,000 services added 41 MiB to the
//! peak. A fixed threshold returns each large block to the system when freed, and two arenas
//! keep threads from each holding freed memory of their own. Measured with `VmHWM` after the
//! same reads and 8 s of writes: 208 MB before, 177 MB with both (and 295 to 392 writes/s).
//! `MALLOC_MMAP_THRESHOLD_` or `MALLOC_ARENA_MAX` in the environment win over these.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn tune() {
    if std::env::var_os("MALLOC_MMAP_THRESHOLD_").is_none() {
        // SAFETY: mallopt only sets a parameter of the allocator; called before any thread starts.
        unsafe { libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024) };
    }
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: as above.
        unsafe { libc::mallopt(libc::M_ARENA_MAX, 2) };
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune() {}
