//! Settings for glibc's allocator. glibc gives each thread that allocates under contention an
//! arena of its own, and each keeps the memory freed into it: every write replaces the
//! snapshot's entry lists, so a run of writes would leave the peak in many arenas. Two arenas
//! trade some throughput for that memory (BENCHMARKS.md); `MALLOC_ARENA_MAX` in the environment
//! wins, for an operator who would rather spend the memory.

#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn tune() {
    if std::env::var_os("MALLOC_ARENA_MAX").is_none() {
        // SAFETY: mallopt only sets a parameter of the allocator; called before any thread starts.
        unsafe { libc::mallopt(libc::M_ARENA_MAX, 2) };
    }
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn tune() {}

/// Gives memory freed since the last call back to the system. glibc keeps freed pages in its
/// arenas; after a burst (a flood of connections or requests) the process would otherwise stay at
/// its peak for good. Called every few seconds by the server's upkeep.
#[cfg(all(target_os = "linux", target_env = "gnu"))]
pub fn give_back() {
    // SAFETY: malloc_trim only returns free pages of the allocator's own arenas to the system.
    unsafe { libc::malloc_trim(0) };
}

#[cfg(not(all(target_os = "linux", target_env = "gnu")))]
pub fn give_back() {}
