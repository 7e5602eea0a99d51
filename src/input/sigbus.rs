//! Protection against SIGBUS on memory-mapped files. A file that another process truncates while
//! we have it mapped makes every access past its new end raise SIGBUS, whose default action kills
//! the whole scan. Each mapping is registered here as a `Watch` for as long as it is read; a
//! process-wide SIGBUS handler that finds the faulting address inside a watched mapping maps
//! anonymous zero pages over the rest of that mapping (`MAP_FIXED`, so the faulting load is simply
//! retried and reads zeros), marks the watch as faulted and returns. The reader then reports the
//! file as an error ("truncated while scanning") instead of as scanned. A fault outside every
//! watched mapping is handed to the handler that was installed before ours (Rust's own stack
//! overflow handler), or to the default action: real bugs still crash.
//!
//! The handler only touches atomics and calls `mmap`, a plain system call: nothing that allocates
//! or locks. Watches live in a fixed table of `SLOTS` entries; when every slot is taken the caller
//! reads the file instead of mapping it.

/// Watched mappings at once: one per scanning thread is needed, 1,024 covers any machine we know
/// of; past that, files are read instead of mapped (slower, never unsafe).
pub const SLOTS: usize = 1024;

#[cfg(unix)]
mod imp {
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering::SeqCst};
    use std::sync::Once;

    use super::SLOTS;

    struct Slot {
        /// Start address of the mapping; 0 when the slot is free.
        start: AtomicUsize,
        len: AtomicUsize,
        faulted: AtomicBool,
    }

    static TABLE: [Slot; SLOTS] =
        [const { Slot { start: AtomicUsize::new(0), len: AtomicUsize::new(0), faulted: AtomicBool::new(false) } };
            SLOTS];
    /// Set while a slot is being claimed, so two threads never take the same one.
    static CLAIMED: [AtomicBool; SLOTS] = [const { AtomicBool::new(false) }; SLOTS];
    /// Faults repaired since start (all files), for tests and diagnostics.
    static FAULTS: AtomicUsize = AtomicUsize::new(0);
    static INSTALL: Once = Once::new();
    static mut PREVIOUS: Option<libc::sigaction> = None;

    fn page_size() -> usize {
        // SAFETY: sysconf has no preconditions.
        let p = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
        if p > 0 {
            p as usize
        } else {
            4096
        }
    }

    extern "C" fn on_sigbus(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut libc::c_void) {
        // SAFETY: the kernel passes a valid siginfo for SA_SIGINFO handlers.
        let addr = unsafe { (*info).si_addr() } as usize;
        for slot in TABLE.iter() {
            let start = slot.start.load(SeqCst);
            let len = slot.len.load(SeqCst);
            if start == 0 || addr < start || addr >= start + len {
                continue;
            }
            let page = page_size();
            let from = addr & !(page - 1);
            let end = (start + len).div_ceil(page) * page;
            // SAFETY: [from, end) lies inside a mapping this process owns and is reading; replacing
            // it with private zero pages is exactly the intent (the file's bytes there are gone).
            let p = unsafe {
                libc::mmap(
                    from as *mut libc::c_void,
                    end - from,
                    libc::PROT_READ,
                    libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_FIXED,
                    -1,
                    0,
                )
            };
            if p != libc::MAP_FAILED {
                slot.faulted.store(true, SeqCst);
                FAULTS.fetch_add(1, SeqCst);
                return;
            }
            break;
        }
        // Not ours (or the repair failed): behave as if we had never been installed.
        // SAFETY: PREVIOUS is written once, before the handler is installed, and only read after.
        let prev = unsafe { *std::ptr::addr_of!(PREVIOUS) };
        match prev {
            Some(p) if p.sa_sigaction != libc::SIG_DFL && p.sa_sigaction != libc::SIG_IGN => {
                if p.sa_flags & libc::SA_SIGINFO != 0 {
                    // SAFETY: the previous handler was installed with SA_SIGINFO, so it has this type.
                    let f: extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut libc::c_void) =
                        unsafe { std::mem::transmute(p.sa_sigaction) };
                    f(sig, info, ctx);
                } else {
                    // SAFETY: a handler installed without SA_SIGINFO takes only the signal number.
                    let f: extern "C" fn(libc::c_int) = unsafe { std::mem::transmute(p.sa_sigaction) };
                    f(sig);
                }
            }
            _ => {
                // SAFETY: resetting to the default action; the faulting access is retried on return
                // and then terminates the process as SIGBUS normally does.
                unsafe {
                    libc::signal(libc::SIGBUS, libc::SIG_DFL);
                }
            }
        }
    }

    fn install() {
        INSTALL.call_once(|| {
            // SAFETY: plain sigaction calls with zero-initialised structs; PREVIOUS is written
            // before our handler can run.
            unsafe {
                let mut old: libc::sigaction = std::mem::zeroed();
                let mut new: libc::sigaction = std::mem::zeroed();
                new.sa_sigaction = on_sigbus as *const () as usize;
                new.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
                libc::sigemptyset(&mut new.sa_mask);
                if libc::sigaction(libc::SIGBUS, std::ptr::null(), &mut old) == 0 {
                    *std::ptr::addr_of_mut!(PREVIOUS) = Some(old);
                }
                libc::sigaction(libc::SIGBUS, &new, std::ptr::null_mut());
            }
        });
    }

    /// A mapping being read; unwatched when dropped.
    pub struct Watch {
        slot: usize,
    }

    impl Watch {
        /// Watches `len` bytes at `ptr`; None when every slot is taken (then do not map).
        pub fn new(ptr: *const u8, len: usize) -> Option<Watch> {
            if ptr.is_null() || len == 0 {
                return None;
            }
            install();
            for (i, claimed) in CLAIMED.iter().enumerate() {
                if claimed.compare_exchange(false, true, SeqCst, SeqCst).is_ok() {
                    let s = &TABLE[i];
                    s.faulted.store(false, SeqCst);
                    s.len.store(len, SeqCst);
                    s.start.store(ptr as usize, SeqCst);
                    return Some(Watch { slot: i });
                }
            }
            None
        }

        /// Whether part of the mapping vanished (and was replaced by zeros) since it was watched.
        pub fn faulted(&self) -> bool {
            TABLE[self.slot].faulted.load(SeqCst)
        }
    }

    impl Drop for Watch {
        fn drop(&mut self) {
            let s = &TABLE[self.slot];
            s.start.store(0, SeqCst);
            s.len.store(0, SeqCst);
            CLAIMED[self.slot].store(false, SeqCst);
        }
    }

    /// Faults repaired since the process started.
    pub fn faults() -> usize {
        FAULTS.load(SeqCst)
    }
}

#[cfg(not(unix))]
mod imp {
    /// Without POSIX signals there is nothing to watch: callers read instead of mapping.
    pub struct Watch;

    impl Watch {
        pub fn new(_ptr: *const u8, _len: usize) -> Option<Watch> {
            None
        }

        pub fn faulted(&self) -> bool {
            false
        }
    }

    pub fn faults() -> usize {
        0
    }
}

pub use imp::{faults, Watch};

#[cfg(all(test, unix))]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn truncated_mapping_reads_zeros_and_is_flagged() {
        let mut f = tempfile::tempfile().unwrap();
        f.write_all(&vec![b'x'; 64 * 1024]).unwrap();
        // SAFETY: test-only mapping of a private temp file, truncated on purpose below.
        let map = unsafe { memmap2::Mmap::map(&f).unwrap() };
        let w = Watch::new(map.as_ptr(), map.len()).unwrap();
        assert!(!w.faulted());
        f.set_len(100).unwrap();
        assert_eq!(map[10], b'x');
        // Past the new end: SIGBUS, repaired to zeros.
        assert_eq!(map[40_000], 0);
        assert_eq!(map[map.len() - 1], 0);
        assert!(w.faulted());
        assert!(faults() >= 1);
    }
}
