// SPDX-License-Identifier: GPL-2.0
/*
 * meshup userspace library: errors, versions, names, times, I/O helpers.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>

#include "util.h"

int mu_errf(char *err, const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	va_start(ap, fmt);
	vsnprintf(err, MU_ERR_LEN, fmt, ap);
	va_end(ap);
	return -1;
}

int mu_errprefix(char *err, const char *prefix)
{
	char tmp[MU_ERR_LEN];

	if (!err)
		return -1;
	snprintf(tmp, sizeof(tmp), "%s: %s", prefix, err);
	memcpy(err, tmp, MU_ERR_LEN);
	return -1;
}

/* Parse decimal digits of s[0..] up to a non-digit; *end receives it. */
static int parse_dec(const char *s, uint64_t max, uint64_t *out,
		     const char **end)
{
	uint64_t v = 0;
	const char *p = s;

	if (*p < '0' || *p > '9')
		return -1;
	for (; *p >= '0' && *p <= '9'; p++) {
		if (v > (max - (uint64_t)(*p - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	*out = v;
	*end = p;
	return 0;
}

int mu_version_parse(const char *s, uint64_t *out, char *err)
{
	static const uint64_t max[3] = { 0xffff, 0xffff, 0xffffffffULL };
	uint64_t part[3];
	const char *p = s;
	int i;

	for (i = 0; i < 3; i++) {
		if (parse_dec(p, max[i], &part[i], &p))
			goto bad;
		if (i < 2) {
			if (*p != '.')
				goto bad;
			p++;
		}
	}
	if (*p)
		goto bad;
	*out = part[0] << 48 | part[1] << 32 | part[2];
	return 0;
bad:
	return mu_errf(err, "version '%.40s' is not X.Y.Z (X, Y <= 65535, Z <= 4294967295)",
		       s);
}

char *mu_version_str(uint64_t v, char buf[MU_VERSION_STRLEN])
{
	snprintf(buf, MU_VERSION_STRLEN, "%u.%u.%u",
		 (unsigned int)(v >> 48), (unsigned int)((v >> 32) & 0xffff),
		 (unsigned int)(v & 0xffffffffu));
	return buf;
}

int mu_channel_name_check(const char *name, size_t len, char *err)
{
	size_t i;

	if (len < 1 || len > MU_NAME_MAX)
		return mu_errf(err, "channel name length %zu is not 1..%d",
			       len, MU_NAME_MAX);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];

		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
		    c == '.' || c == '_' || c == '-')
			continue;
		if (c >= 0x21 && c < 0x7f)
			return mu_errf(err, "channel name has character '%c' at %zu, allowed are [a-z0-9._-]",
				       c, i);
		return mu_errf(err, "channel name has byte 0x%02x at %zu, allowed are [a-z0-9._-]",
			       c, i);
	}
	return 0;
}

static int parse_fixed(const char **p, int digits, int *out)
{
	int v = 0, i;

	for (i = 0; i < digits; i++) {
		char c = (*p)[i];

		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	*p += digits;
	*out = v;
	return 0;
}

static int days_in_month(int y, int m)
{
	static const int d[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return 29;
	return d[m - 1];
}

int mu_time_parse(const char *s, uint64_t *out, char *err)
{
	const char *p = s;
	int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
	struct tm tm;
	int64_t t;
	uint64_t v;

	if (!*s)
		return mu_errf(err, "time is empty");
	/* all digits: Unix seconds */
	if (strspn(s, "0123456789") == strlen(s)) {
		if (parse_dec(s, INT64_MAX, &v, &p))
			return mu_errf(err, "time '%.40s' is out of range", s);
		*out = v;
		return 0;
	}
	if (parse_fixed(&p, 4, &y) || *p++ != '-' || parse_fixed(&p, 2, &mo) ||
	    *p++ != '-' || parse_fixed(&p, 2, &d))
		goto bad;
	if (*p == 'T' || *p == 't' || *p == ' ') {
		p++;
		if (parse_fixed(&p, 2, &h) || *p++ != ':' ||
		    parse_fixed(&p, 2, &mi))
			goto bad;
		if (*p == ':') {
			p++;
			if (parse_fixed(&p, 2, &sec))
				goto bad;
		}
		if (*p == 'Z' || *p == 'z') {
			p++;
		} else if (*p == '+' || *p == '-') {
			sign = *p++ == '-' ? -1 : 1;
			if (parse_fixed(&p, 2, &oh))
				goto bad;
			if (*p == ':')
				p++;
			if (*p && parse_fixed(&p, 2, &om))
				goto bad;
		}
	}
	if (*p)
		goto bad;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) ||
	    h > 23 || mi > 59 || sec > 60 || oh > 23 || om > 59)
		return mu_errf(err, "time '%.40s' is not a valid date/time", s);
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = (int64_t)timegm(&tm);
	t -= (int64_t)sign * (oh * 3600 + om * 60);
	if (t < 0)
		return mu_errf(err, "time '%.40s' is before 1970", s);
	*out = (uint64_t)t;
	return 0;
bad:
	return mu_errf(err, "time '%.40s' is neither Unix seconds nor ISO 8601 (YYYY-MM-DD[THH:MM[:SS]][Z|+HH:MM])",
		       s);
}

char *mu_hex(const uint8_t *buf, size_t len, char *out)
{
	static const char digits[] = "0123456789abcdef";
	size_t i;

	for (i = 0; i < len; i++) {
		out[2 * i] = digits[buf[i] >> 4];
		out[2 * i + 1] = digits[buf[i] & 15];
	}
	out[2 * len] = 0;
	return out;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int mu_unhex(const char *s, uint8_t *out, size_t len)
{
	size_t i;

	if (strlen(s) != 2 * len)
		return -1;
	for (i = 0; i < len; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

void mu_sha256(const void *data, size_t len, uint8_t out[32])
{
	unsigned int n = 32;

	if (!EVP_Digest(data, len, out, &n, EVP_sha256(), NULL))
		abort();	/* only on allocation failure inside OpenSSL */
}

int mu_read_full(int fd, void *buf, size_t len, off_t off, char *err)
{
	uint8_t *p = buf;

	while (len) {
		ssize_t r = pread(fd, p, len, off);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return mu_errf(err, "read at offset %jd: %s",
				       (intmax_t)off, strerror(errno));
		}
		if (r == 0)
			return mu_errf(err, "unexpected end of file at offset %jd",
				       (intmax_t)off);
		p += r;
		len -= (size_t)r;
		off += r;
	}
	return 0;
}

int mu_write_full(int fd, const void *buf, size_t len, char *err)
{
	const uint8_t *p = buf;

	while (len) {
		ssize_t r = write(fd, p, len);

		if (r < 0) {
			if (errno == EINTR)
				continue;
			return mu_errf(err, "write: %s", strerror(errno));
		}
		p += r;
		len -= (size_t)r;
	}
	return 0;
}

int mu_atomic_open(struct mu_atomic *a, const char *path, mode_t mode,
		   char *err)
{
	a->fd = -1;
	if (strlen(path) >= sizeof(a->path))
		return mu_errf(err, "%s: path too long", path);
	strcpy(a->path, path);
	snprintf(a->tmp, sizeof(a->tmp), "%s.tmp.XXXXXX", path);
	a->fd = mkostemp(a->tmp, O_CLOEXEC);
	if (a->fd < 0)
		return mu_errf(err, "%s: cannot create temporary file: %s",
			       path, strerror(errno));
	if (fchmod(a->fd, mode) < 0) {
		int e = errno;

		mu_atomic_abort(a);
		return mu_errf(err, "%s: chmod: %s", path, strerror(e));
	}
	return 0;
}

int mu_atomic_commit(struct mu_atomic *a, char *err)
{
	char dir[sizeof(a->path)];
	int dfd;

	if (a->fd < 0)
		return mu_errf(err, "%s: not open", a->path);
	if (fsync(a->fd) < 0) {
		int e = errno;

		mu_atomic_abort(a);
		return mu_errf(err, "%s: fsync: %s", a->path, strerror(e));
	}
	if (close(a->fd) < 0) {
		int e = errno;

		a->fd = -1;
		unlink(a->tmp);
		return mu_errf(err, "%s: close: %s", a->path, strerror(e));
	}
	a->fd = -1;
	if (rename(a->tmp, a->path) < 0) {
		int e = errno;

		unlink(a->tmp);
		return mu_errf(err, "%s: rename: %s", a->path, strerror(e));
	}
	strcpy(dir, a->path);
	dfd = open(dirname(dir), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd >= 0) {
		fsync(dfd);
		close(dfd);
	}
	return 0;
}

void mu_atomic_abort(struct mu_atomic *a)
{
	if (a->fd >= 0) {
		close(a->fd);
		unlink(a->tmp);
		a->fd = -1;
	}
}

int mu_write_file_atomic(const char *path, const void *buf, size_t len,
			 mode_t mode, char *err)
{
	struct mu_atomic a;

	if (mu_atomic_open(&a, path, mode, err))
		return -1;
	if (mu_write_full(a.fd, buf, len, err)) {
		mu_atomic_abort(&a);
		return mu_errprefix(err, path);
	}
	return mu_atomic_commit(&a, err);
}
