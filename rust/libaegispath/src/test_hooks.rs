//! Test-only exports, compiled with the `test-hooks` feature and never in
//! the production library: they let the Rust tests and the Go loader's
//! tests prove that a panic inside the library is caught at the boundary.
//! Not part of the C ABI of include/aegispath.h.

use std::ptr;

use crate::call;

/// Panics inside Rust; returns AEGIS_INTERNAL with `*err` set to an
/// `internal` error document.
///
/// # Safety
/// `err` and `err_len` must be valid for writes.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn aegis_panic_for_test(err: *mut *mut u8, err_len: *mut usize) -> i32 {
    let mut out = ptr::null_mut();
    let mut out_len = 0;
    // SAFETY: forwarded caller guarantees; out/out_len are locals.
    unsafe {
        call(&mut out, &mut out_len, err, err_len, || {
            panic!("aegis_panic_for_test: deliberate panic")
        })
    }
}
