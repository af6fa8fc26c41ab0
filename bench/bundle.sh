#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Bundle performance: meshupctl sign/verify/inspect of an 8 MiB payload
# against sha256sum of the same file, in the same run, plus an in-process
# comparison of the Merkle tree hash (mu_merkle_*) with one plain SHA-256
# pass (OpenSSL EVP) over the same bytes, and peak RSS of each command.
#
#   bench/bundle.sh            (BENCH_RUNS=N repetitions, default 30;
#                               BENCH_MIB=M payload size, default 8)
#
# Times are the median of N runs with a warm page cache. Not a test: it
# prints figures, nothing fails.
set -u
cd "$(dirname "$0")/.." || exit 2
top=$PWD
runs=${BENCH_RUNS:-30}
mib=${BENCH_MIB:-8}
V=${MESHUP_VECTORS:-$top/../shared/spec/vectors}
CTL=$top/build/meshupctl

make -s -j2 build/meshupctl build/libmeshup.a >&2 || exit 1
W=$(mktemp -d /tmp/meshup-bench.XXXXXX) || exit 2
trap 'rm -rf "$W"' EXIT

head -c $((mib << 20)) /dev/urandom >"$W/payload"
mkdir "$W/keys" && cp "$V/test-key.pub.pem" "$W/keys/"
cat "$W/payload" >/dev/null

# median wall time in microseconds of $runs runs of a command
median_us() {
	local i t0 t1
	for ((i = 0; i < runs; i++)); do
		t0=$(date +%s%N)
		"$@" >/dev/null 2>&1
		t1=$(date +%s%N)
		echo $(((t1 - t0) / 1000))
	done | sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'
}
peak_kib() {
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -n 1
	else
		echo "?"
	fi
}
sign() {
	rm -f "$W/b.mub"
	"$CTL" sign --key "$V/test-key.pem" --channel bench --version 1.0.0 \
		--payload "$W/payload" --out "$W/b.mub"
}

sign >/dev/null || exit 1
t_sha=$(median_us sha256sum "$W/payload")
t_sign=$(median_us sign)
t_verify=$(median_us "$CTL" verify --keys "$W/keys" "$W/b.mub")
t_inspect=$(median_us "$CTL" inspect "$W/b.mub")
t_true=$(median_us "$CTL" --help)

# in process: Merkle root vs one plain SHA-256 pass over the same buffer
cat >"$W/hash.c" <<'EOF'
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/stat.h>
#include <openssl/evp.h>
#include "merkle.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	int fd = open(argv[1], O_RDONLY), reps = atoi(argv[2]), r;
	struct stat st;
	uint8_t *buf, root[32];
	double best_sha = 1e9, best_mk = 1e9, t;
	unsigned int n;

	fstat(fd, &st);
	buf = malloc(st.st_size);
	if (read(fd, buf, st.st_size) != st.st_size)
		return 1;
	for (r = 0; r < reps; r++) {
		t = now();
		EVP_Digest(buf, st.st_size, root, &n, EVP_sha256(), NULL);
		t = now() - t;
		if (t < best_sha)
			best_sha = t;
		t = now();
		if (mu_merkle_root_buf(buf, st.st_size, root, NULL))
			return 1;
		t = now() - t;
		if (t < best_mk)
			best_mk = t;
	}
	printf("%.0f %.0f\n", best_sha * 1e6, best_mk * 1e6);
	return 0;
}
EOF
cc -O2 -D_GNU_SOURCE -Iuserspace/lib -o "$W/hash" "$W/hash.c" build/libmeshup.a -lcrypto || exit 1
read -r t_evp t_mk < <("$W/hash" "$W/payload" "$runs")

rm -f "$W/b2.mub"
r_sign=$(peak_kib "$CTL" sign --key "$V/test-key.pem" --channel bench --version 1.0.0 --payload "$W/payload" --out "$W/b2.mub")
r_verify=$(peak_kib "$CTL" verify --keys "$W/keys" "$W/b.mub")
r_sha=$(peak_kib sha256sum "$W/payload")
r_floor=$(peak_kib openssl dgst -sha256 "$W/payload")

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
echo "bundle bench: ${mib} MiB payload, median of $runs runs, warm cache, $(nproc) CPU(s)"
printf '  %-34s %8s us\n' "sha256sum" "$t_sha" \
	"meshupctl sign (hash+copy+sign)" "$t_sign" \
	"meshupctl verify (hash+verify)" "$t_verify" \
	"meshupctl inspect (hash)" "$t_inspect" \
	"meshupctl --help (process start)" "$t_true"
echo "  ratio sign/sha256sum:    $(ratio "$t_sign" "$t_sha")"
echo "  ratio verify/sha256sum:  $(ratio "$t_verify" "$t_sha")"
echo "  in process (best of $runs): SHA-256 ${t_evp} us, Merkle root ${t_mk} us," \
     "ratio $(ratio "$t_mk" "$t_evp")"
echo "  peak RSS KiB: sign $r_sign, verify $r_verify, sha256sum $r_sha," \
     "openssl dgst (OpenSSL 3 floor) $r_floor"
