/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshup control protocol between meshupctl and meshupd (a Unix stream
 * socket, mode 0600, root only: the daemon checks SO_PEERCRED).
 *
 * One request per connection: the client writes one JSON object on one
 * line, the daemon answers one JSON object on one line and closes.
 *   {"cmd":"status"}
 *       -> {"ok":true,"mesh_time_ms":..,"clock_quality":..,
 *           "channels":[...],"peers":[...],"store_bytes_written":..}
 *   {"cmd":"inject","path":"/abs/B.mub"}
 *       -> {"ok":true,"result":"accepted","channel":..,"version":..,
 *           "digest":..}  or  {"ok":false,"error":"rejected: REASON"}
 * Any failure: {"ok":false,"error":"one line"}. Requests are at most
 * MU_CTL_REQ_MAX bytes, answers at most MU_CTL_RESP_MAX.
 */
#ifndef MESHUP_CTL_H
#define MESHUP_CTL_H

#include <stddef.h>
#include <json-c/json.h>

#include "util.h"

#define MU_CTL_DEFAULT_SOCKET	"/run/meshup/meshupd.sock"
#define MU_CTL_REQ_MAX		8192
#define MU_CTL_RESP_MAX		(1024 * 1024)

/**
 * mu_ctl_socket_path() - @opt if non-NULL, else $MESHUP_SOCKET if set and
 * non-empty, else MU_CTL_DEFAULT_SOCKET.
 */
const char *mu_ctl_socket_path(const char *opt);

/**
 * mu_ctl_call() - connect to @path, send @req, read and parse the answer.
 * On failure to connect: "cannot reach meshupd at PATH: REASON".
 * *@resp is the parsed answer (caller puts it); the "ok" member is not
 * interpreted here.
 */
int mu_ctl_call(const char *path, struct json_object *req,
		struct json_object **resp, char *err);

#endif
