//! Settings for glibc's allocator, made once at start. A write builds a new snapshot whose
//! service list (eight bytes per service: 800 KB at 100,000) replaces the old one. glibc gives
//! each thread that allocates under contention an arena of its own (up to sixteen on two
//! cores), and each keeps the memory freed into it: a run of vendor writes at 100,000 services
//! added 40 MiB to the peak. Two arenas keep that to a few MiB. Measured with `VmHWM` after the
//! same reads and 8 s of writes: 203 MiB before, 176 MiB after. It costs throughput: at 10,000
//! services, alternating runs by hand, profiles 72,300 req/s against 83,900 with sixteen arenas,
//! filtered lists 49,400 against 55,200. `MALLOC_ARENA_MAX` in the environment wins over this, for
//! an operator who would rather spend the memory. (A fixed mmap threshold of 128 KiB did as well
//! for memory but halved the throughput of answers over 128 KB.)

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
