/* libaegispath: the aegisbench attack-path engine in Rust, C ABI.
 *
 * This header is also the engine C ABI (engines/SPEC.md section 9), ABI
 * version AEGIS_ABI_VERSION: any shared library exporting
 * aegis_abi_version, aegis_attack_paths, aegis_free and aegis_version with
 * these signatures can be run as the engine ffi:PATH (loaded at run time).
 * aegis_list_findings, aegis_attack_paths_file(_timed), aegis_echo and aegis_noop
 * are optional for such a library (adding an optional call leaves the
 * version as it is: a library without it is still complete).
 *
 * JSON in, JSON out (engines/SPEC.md). Buffers returned in *out and *err
 * are owned by the library and must be released with aegis_free(ptr, len);
 * an empty result is returned as (NULL, 0). Every call catches Rust panics:
 * nothing unwinds across the boundary. Checked against src/lib.rs by
 * tests/ffi.rs.
 */
#ifndef AEGISPATH_H
#define AEGISPATH_H

#include <stdint.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* The ABI version of this header; aegis_abi_version() of a conforming
   library returns it. Bumped on any change of a signature, status code or
   ownership rule below. */
#define AEGIS_ABI_VERSION   1

/* Status codes returned by every call. */
#define AEGIS_OK            0  /* *out holds the output document */
#define AEGIS_BAD_INPUT     1  /* *err holds the spec's error document (aegis.error.v1) */
#define AEGIS_INTERNAL      2  /* a Rust panic or bug was caught; *err holds {"schema":"aegis.error.v1","code":"internal","message":...} */
#define AEGIS_INVALID_ARG   3  /* a null pointer or bad length was passed; nothing allocated (err may be NULL) */
#define AEGIS_IO_ERROR      4  /* aegis_attack_paths_file only: the file could not be read; *err holds the message (UTF-8 text, not a document) */

/* Attack paths: findings document in, output document out. Options are passed as
   int64 unchecked so that out-of-range values reach the engine's invalid_options rule. */
int32_t aegis_attack_paths(const uint8_t *input, size_t input_len,
                           int64_t max_depth, int64_t top_k,
                           uint8_t **out, size_t *out_len,
                           uint8_t **err, size_t *err_len);

/* Attack paths over the findings file at path (path_len bytes, no NUL needed; any bytes on
   Unix, UTF-8 elsewhere), a regular file that the library maps whole up to 64 MiB
   ($AEGISPATH_MAP_LIMIT bytes) and streams beyond (memory grows with the findings, not
   the file). Same answers and error documents as aegis_attack_paths on the
   file's bytes, plus AEGIS_IO_ERROR when it cannot be opened or read or is not a regular file. */
int32_t aegis_attack_paths_file(const uint8_t *path, size_t path_len,
                                int64_t max_depth, int64_t top_k,
                                uint8_t **out, size_t *out_len,
                                uint8_t **err, size_t *err_len);

/* aegis_attack_paths_file, also writing the wall time of its stages in nanoseconds to
   stage_ns[0..3]: reading and validating, computing, encoding (zeros for stages not
   reached). stage_ns may be NULL. */
int32_t aegis_attack_paths_file_timed(const uint8_t *path, size_t path_len,
                                      int64_t max_depth, int64_t top_k,
                                      uint8_t **out, size_t *out_len,
                                      uint8_t **err, size_t *err_len,
                                      uint64_t *stage_ns);
/* List operation: findings document and query object in, findings page out.
   An empty (or all white space) query is the default query. */
int32_t aegis_list_findings(const uint8_t *input, size_t input_len,
                            const uint8_t *query, size_t query_len,
                            uint8_t **out, size_t *out_len,
                            uint8_t **err, size_t *err_len);

/* Copies input into a new Rust-owned buffer (FFI round-trip cost). input may be NULL when input_len is 0. */
int32_t aegis_echo(const uint8_t *input, size_t input_len,
                   uint8_t **out, size_t *out_len,
                   uint8_t **err, size_t *err_len);

/* Does nothing and returns AEGIS_OK: the bare cost of one cgo call. */
int32_t aegis_noop(void);

/* Frees a buffer returned in *out or *err. NULL is a no-op. len must be the length returned. */
void aegis_free(uint8_t *ptr, size_t len);

/* The ABI version the library implements (AEGIS_ABI_VERSION of the header it
   was built against). A loader calls it first and refuses any other value. */
uint32_t aegis_abi_version(void);

/* Static NUL-terminated version string, e.g. "libaegispath 0.1.0 (rustc 1.95.0)"; never freed. */
const char *aegis_version(void);

#ifdef __cplusplus
}
#endif

#endif /* AEGISPATH_H */
