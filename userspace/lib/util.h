/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshup userspace library: small helpers shared by meshupctl and meshupd.
 *
 * Error convention of the whole library: a function that can fail takes a
 * caller-provided "char *err" buffer of MU_ERR_LEN bytes (may be NULL) and
 * returns 0 on success or -1 on failure, after writing one line (no newline)
 * that names the field and the reason, e.g.
 *   "manifest: end_time 1700 is not after start_time 1800".
 * Functions returning a boolean say so in their comment.
 *
 * Every wire/file integer is read and written byte by byte in big-endian
 * order with the helpers below: no struct overlays, no unaligned access.
 */
#ifndef MESHUP_UTIL_H
#define MESHUP_UTIL_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define MU_ERR_LEN		256

/* "65535.65535.4294967295" plus NUL */
#define MU_VERSION_STRLEN	24

#define MU_NAME_MAX		32	/* channel name: 1..32 of [a-z0-9._-] */

/**
 * mu_errf() - format an error message into @err (MU_ERR_LEN bytes, or NULL).
 * Return: always -1, so that "return mu_errf(err, ...);" reads naturally.
 */
int mu_errf(char *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * mu_errprefix() - prepend "@prefix: " to the message already in @err
 * (e.g. a file name). Return: always -1.
 */
int mu_errprefix(char *err, const char *prefix);

/* Big-endian access to byte buffers (any alignment). */
static inline uint16_t mu_get_be16(const uint8_t *p)
{
	return (uint16_t)((uint16_t)p[0] << 8 | p[1]);
}

static inline uint32_t mu_get_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t mu_get_be64(const uint8_t *p)
{
	return (uint64_t)mu_get_be32(p) << 32 | mu_get_be32(p + 4);
}

static inline void mu_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void mu_put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static inline void mu_put_be64(uint8_t *p, uint64_t v)
{
	mu_put_be32(p, (uint32_t)(v >> 32));
	mu_put_be32(p + 4, (uint32_t)v);
}

/**
 * mu_version_parse() - parse "X.Y.Z" (decimal, X and Y <= 65535,
 * Z <= 4294967295) into X<<48 | Y<<32 | Z. Nothing else is accepted
 * (no sign, no spaces, no missing or extra component).
 */
int mu_version_parse(const char *s, uint64_t *out, char *err);

/** mu_version_str() - format @v as "X.Y.Z" into @buf; returns @buf. */
char *mu_version_str(uint64_t v, char buf[MU_VERSION_STRLEN]);

/**
 * mu_channel_name_check() - check a channel name of @len bytes (not
 * necessarily NUL-terminated): 1..32 bytes of [a-z0-9._-].
 */
int mu_channel_name_check(const char *name, size_t len, char *err);

/**
 * mu_time_parse() - parse a TIME argument: Unix seconds ("1800000000") or
 * ISO 8601: "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS]" (a space may replace the T),
 * optionally followed by "Z" or an offset "+HH:MM", "-HHMM", "+HH". A time
 * without an offset is UTC. Times before 1970 are rejected.
 */
int mu_time_parse(const char *s, uint64_t *out, char *err);

/** mu_hex() - write 2*@len lowercase hex digits and a NUL to @out. */
char *mu_hex(const uint8_t *buf, size_t len, char *out);

/**
 * mu_unhex() - parse exactly 2*@len hex digits (any case) from @s.
 * Return: 0, or -1 if @s is not that.
 */
int mu_unhex(const char *s, uint8_t *out, size_t len);

/** mu_sha256() - one-shot SHA-256 of @len bytes (OpenSSL EVP). */
void mu_sha256(const void *data, size_t len, uint8_t out[32]);

/**
 * mu_read_full() - pread exactly @len bytes at @off; a short file is an
 * error ("unexpected end of file at offset N").
 */
int mu_read_full(int fd, void *buf, size_t len, off_t off, char *err);

/** mu_write_full() - write all @len bytes to @fd (retrying on EINTR/short). */
int mu_write_full(int fd, const void *buf, size_t len, char *err);

/*
 * Atomic file replacement: write to a temporary file in the same directory
 * ("PATH.tmp.XXXXXX"), then mu_atomic_commit() fsyncs it, renames it over
 * PATH and fsyncs the directory. mu_atomic_abort() removes the temporary
 * file. Either way nothing half-written is ever visible at PATH.
 */
struct mu_atomic {
	int fd;			/* write here; -1 when not open */
	char path[4096];	/* the final name */
	char tmp[4096 + 16];	/* the temporary name */
};

/** mu_atomic_open() - create the temporary file with permissions @mode. */
int mu_atomic_open(struct mu_atomic *a, const char *path, mode_t mode,
		   char *err);
/** mu_atomic_commit() - fsync, close, rename into place, fsync the dir. */
int mu_atomic_commit(struct mu_atomic *a, char *err);
/** mu_atomic_abort() - close and unlink the temporary file (safe to repeat). */
void mu_atomic_abort(struct mu_atomic *a);

/** mu_write_file_atomic() - the three steps above for a buffer. */
int mu_write_file_atomic(const char *path, const void *buf, size_t len,
			 mode_t mode, char *err);

#endif /* MESHUP_UTIL_H */
