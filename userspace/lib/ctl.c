// SPDX-License-Identifier: GPL-2.0
/* meshup control protocol, client side: see ctl.h. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "ctl.h"

const char *mu_ctl_socket_path(const char *opt)
{
	const char *e;

	if (opt)
		return opt;
	e = getenv("MESHUP_SOCKET");
	if (e && *e)
		return e;
	return MU_CTL_DEFAULT_SOCKET;
}

int mu_ctl_call(const char *path, struct json_object *req,
		struct json_object **resp, char *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	const char *txt;
	char *buf;
	size_t len = 0;
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path))
		return mu_errf(err, "cannot reach meshupd at %s: path too long", path);
	strcpy(sa.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return mu_errf(err, "cannot reach meshupd at %s: %s", path, strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		int e = errno;

		close(fd);
		return mu_errf(err, "cannot reach meshupd at %s: %s", path, strerror(e));
	}
	txt = json_object_to_json_string_ext(req, JSON_C_TO_STRING_PLAIN);
	if (mu_write_full(fd, txt, strlen(txt), err) || mu_write_full(fd, "\n", 1, err)) {
		close(fd);
		return mu_errprefix(err, "meshupd");
	}
	shutdown(fd, SHUT_WR);
	buf = malloc(MU_CTL_RESP_MAX + 1);
	if (!buf) {
		close(fd);
		return mu_errf(err, "out of memory");
	}
	for (;;) {
		ssize_t n = read(fd, buf + len, MU_CTL_RESP_MAX - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			int e = errno;

			free(buf);
			close(fd);
			return mu_errf(err, "meshupd: read: %s", strerror(e));
		}
		if (n == 0)
			break;
		len += (size_t)n;
		if (len == MU_CTL_RESP_MAX) {
			free(buf);
			close(fd);
			return mu_errf(err, "meshupd: answer too long");
		}
	}
	close(fd);
	buf[len] = '\0';
	*resp = len ? json_tokener_parse(buf) : NULL;
	free(buf);
	if (!*resp || !json_object_is_type(*resp, json_type_object)) {
		if (*resp)
			json_object_put(*resp);
		*resp = NULL;
		return mu_errf(err, "meshupd: malformed answer%s",
			       len ? "" : " (connection closed; is the caller root?)");
	}
	return 0;
}
