#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 600
#
# Bad local input (issue 5): a corrupt state directory, a truncated stored
# bundle, a key file that is not a key, a config with errors. Two nodes
# a - b, channels site and fw. a holds site 1.0.0 (stable: the fallback),
# site 2.0.0 (experimental: newest, active) and fw 1.0.0; b the same. Each
# case stops a, damages one thing, starts a again, and checks: a clear log
# line, nothing deleted (a damaged file is moved aside as NAME.corrupt,
# files that are not meshupd's are left alone), and the daemon runs with
# what is still valid (the other channel stays active without a new hook
# run, the channel falls back to its valid fallback, or fetches the bundle
# again from b). A config with errors: meshupd refuses to start with one
# line naming file:line and a non-zero status, and touches nothing.
. "$(dirname "$0")/lib.sh"

T_START=$(date +%s)
# view NODE: "SITE-ACTIVE SITE-FALLBACK FW-ACTIVE SITE-HELD" in one status
# call (each Python start costs under TCG)
view() {
	q "$1" '" ".join([v(ch("site").get("active")), v(ch("site").get("fallback")), v(ch("fw").get("active")), str(ch("site").get("held", 0))])'
}
# is NODE PATTERN: view NODE matches the shell PATTERN
is() { case $(view "$1") in $2) return 0 ;; esac; return 1; }
node_add a clock=synced
node_add b clock=synced
link a b
node_start a
node_start b
check "daemons answer" wait_up a b

SD=$W/a/state
END=$(($(date +%s) + 10 * 365 * 86400))
mkpayload "$W/p-site1" 100000
mkpayload "$W/p-site2" 300000
mkpayload "$W/p-fw1" 200000
sign "$W/site1.mub" site 1.0.0 "$W/p-site1"
sign "$W/site2.mub" site 2.0.0 "$W/p-site2" --end "$END"
sign "$W/fw1.mub" fw 1.0.0 "$W/p-fw1"
# digest of a bundle = sha256 of its manifest (the file minus the payload)
digest() { head -c $(($(stat -c %s "$1") - $(stat -c %s "$2"))) "$1" | sha256sum | cut -c1-64; }
D_SITE1=$(digest "$W/site1.mub" "$W/p-site1")
D_SITE2=$(digest "$W/site2.mub" "$W/p-site2")
D_FW1=$(digest "$W/fw1.mub" "$W/p-fw1")

check "inject site 1.0.0, site 2.0.0 (experimental), fw 1.0.0 at a" \
	eval 'inject a "$W/site1.mub" >/dev/null && inject a "$W/site2.mub" >/dev/null && inject a "$W/fw1.mub" >/dev/null'
check "b holds site 2.0.0 (fallback 1.0.0) and fw 1.0.0" \
	wait_for 300 is b "2.0.0 1.0.0 1.0.0 *"
check "a: site 2.0.0 active, fallback 1.0.0, fw 1.0.0" \
	wait_for 120 is a "2.0.0 1.0.0 1.0.0 *"

# restart_a [ENV...]: restart a's daemon, wait until it answers; the log
# of this start alone is then in $W/a/meshupd.log
restart_a() {
	node_stop a
	: >"$W/a/meshupd.log"
	node_start a "$@"
	wait_up a
}
# logged REGEX: a's log of this start has a line matching REGEX
logged() { grep -Eq "$1" "$W/a/meshupd.log"; }
# the state dir's names (sorted), to show that nothing vanished
names() { ls -A "$SD" | sort; }
payload_is() { # DIGEST FILE: the stored payload is byte exact
	cmp -s "$SD/$1.payload" "$2"
}
hookruns() { hooks a "$1" "$2" "$3"; }

# --- 1. a truncated payload of the active bundle; b is down: a falls back
# to its valid fallback, fw stays active; b back: a fetches 2.0.0 again.
node_stop b
fw_runs=$(hookruns fw 1.0.0 activate)
rev_runs=$(hookruns site 1.0.0 revert)
act_runs=$(hookruns site 1.0.0 activate)
truncate -s 1000 "$SD/$D_SITE2.payload"
restart_a
check "truncated payload: a log line names the damage" \
	logged "stored bundle ${D_SITE2:0:16} is damaged \(payload of 1000 bytes"
check "truncated payload: its files are moved aside, not deleted" \
	eval '[ -f "$SD/$D_SITE2.payload.corrupt" ] && [ -f "$SD/$D_SITE2.manifest.corrupt" ] && [ "$(stat -c %s "$SD/$D_SITE2.payload.corrupt")" = 1000 ]'
# (a revert: the state record keeps the version of the vanished bundle)
check "truncated payload: site falls back to 1.0.0 (hook once, reason revert)" \
	wait_for 30 eval 'is a "1.0.0 * *" && [ "$(hookruns site 1.0.0 revert)" = $((rev_runs + 1)) ] && [ "$(hookruns site 1.0.0 activate)" = "$act_runs" ]'
check "truncated payload: fw stays active, its hook does not run again" \
	eval 'is a "* * 1.0.0 *" && [ "$(hookruns fw 1.0.0 activate)" = "$fw_runs" ]'
node_start b
check "truncated payload: a fetches site 2.0.0 again from b, byte exact" \
	wait_for 120 eval 'is a "2.0.0 *" && payload_is "$D_SITE2" "$W/p-site2"'
check "b answers again" wait_up b

# --- 2. a garbage, then a truncated state record
for kind in garbage truncated; do
	site_runs=$(hookruns site 2.0.0 activate)
	fw_runs=$(hookruns fw 1.0.0 activate)
	node_stop a
	if [ $kind = garbage ]; then
		head -c 300 /dev/urandom >"$SD/site.state"
	else
		head -c 60 "$SD/site.state" >"$SD/site.state.new" && mv "$SD/site.state.new" "$SD/site.state"
	fi
	cp "$SD/site.state" "$W/damaged.state"
	before=$(names)
	restart_a
	check "$kind state record: a log line names it" logged "site.state: corrupt state record, moved aside"
	check "$kind state record: kept aside as site.state.corrupt, a fresh record written" \
		eval 'cmp -s "$SD/site.state.corrupt" "$W/damaged.state" && [ "$(head -n1 "$SD/site.state")" = "meshup-state 1" ]'
	# (no process substitution: the guest has no /dev/fd)
	echo "$before" >"$W/names.before"
	names >"$W/names.after"
	check "$kind state record: every bundle file is still there" \
		eval '[ -s "$W/names.before" ] && [ -z "$(comm -23 "$W/names.before" "$W/names.after")" ]'
	check "$kind state record: site 2.0.0 active again (hook once more), fw untouched" \
		wait_for 30 eval 'is a "2.0.0 * 1.0.0 *" && [ "$(hookruns site 2.0.0 activate)" = $((site_runs + 1)) ] && [ "$(hookruns fw 1.0.0 activate)" = "$fw_runs" ]'
	rm -f "$SD/site.state.corrupt"
done

# --- 3. a truncated and a garbage manifest (fw: no other fw bundle held,
# so it comes back from b)
for kind in truncated garbage; do
	site_runs=$(hookruns site 2.0.0 activate)
	node_stop a
	if [ $kind = truncated ]; then
		truncate -s 50 "$SD/$D_FW1.manifest"
	else
		head -c 400 /dev/urandom >"$SD/$D_FW1.manifest"
	fi
	restart_a
	check "$kind manifest: a log line names the damage" \
		logged "stored bundle ${D_FW1:0:16} is damaged"
	check "$kind manifest: its files are moved aside" \
		eval '[ -f "$SD/$D_FW1.manifest.corrupt" ] && [ -f "$SD/$D_FW1.payload.corrupt" ]'
	check "$kind manifest: site stays active, its hook does not run again" \
		eval 'is a "2.0.0 *" && [ "$(hookruns site 2.0.0 activate)" = "$site_runs" ]'
	check "$kind manifest: fw 1.0.0 fetched again from b, byte exact" \
		wait_for 120 eval 'is a "* * 1.0.0 *" && payload_is "$D_FW1" "$W/p-fw1"'
	rm -f "$SD"/*.corrupt
done

# --- 4. stray files: left alone, named in the log
node_stop a
echo "admin notes" >"$SD/README"
echo x >"$SD/notes.tmp.1"
echo x >"$SD/site.payload"
restart_a
check "stray files: left alone" eval '[ -f "$SD/README" ] && [ -f "$SD/notes.tmp.1" ] && [ -f "$SD/site.payload" ]'
check "stray files: each named in the log" \
	eval 'logged "README: not a meshupd file, left alone" && logged "notes.tmp.1: not a meshupd file" && logged "site.payload: not a meshupd file"'
check "stray files: both channels still active" \
	is a "2.0.0 * 1.0.0 *"
rm -f "$SD/README" "$SD/notes.tmp.1" "$SD/site.payload"

# --- 5. a key file that is not a key, beside the valid one(s)
node_stop a
printf -- '-----BEGIN PUBLIC KEY-----\nbm90IGEga2V5\n-----END PUBLIC KEY-----\n' >"$W/a/keys/broken.pem"
head -c 200 /dev/urandom >"$W/a/keys/random.pem"
before=$(names)
check "bad key file: meshupd -t refuses, naming the file" \
	eval '! "$MESHUPD" -t -c "$W/a/meshupd.conf" 2>"$W/t.err" >/dev/null && grep -q "broken.pem" "$W/t.err"'
restart_a
check "bad key file: the daemon starts, each bad file named in the log" \
	eval 'logged "broken.pem.*skipped" && logged "random.pem.*skipped"'
check "bad key file: the bundles signed by the valid key stay, both channels active" \
	eval 'is a "2.0.0 1.0.0 1.0.0 *" && [ "$(names)" = "$before" ]'
# the only trusted key replaced by a broken one: nothing verifies, and
# nothing is deleted either
node_stop a
mkdir -p "$W/a/keys-saved"
mv "$W/a/keys/test-key.pub.pem" "$W/a/keys-saved/"
restart_a
check "no valid key left: bundles not loaded, files left in place, a log line each" \
	eval 'is a "- - - 0" && [ "$(names)" = "$before" ] && logged "ignored stored bundle site 2.0.0.*left in place"'
node_stop a
mv "$W/a/keys-saved/test-key.pub.pem" "$W/a/keys/"
rm -f "$W/a/keys/broken.pem" "$W/a/keys/random.pem"
restart_a
check "valid key back: everything loads again" \
	wait_for 120 is a "2.0.0 1.0.0 1.0.0 *"

# --- 6. configs with errors: refused with one line naming file:line
conf_case() { # name expected-line text
	local name=$1 line=$2 out rc
	printf '%s\n' "$3" >"$W/bad.conf"
	before=$(names)
	out=$(timeout 20 "$MESHUPD" -f -c "$W/bad.conf" 2>&1 </dev/null)
	rc=$?
	if [ "$rc" != 0 ] && [ "$rc" != 124 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] &&
		printf '%s\n' "$out" | grep -q "^meshupd: $W/bad.conf:$line: " &&
		[ "$(names)" = "$before" ]; then
		ok "config with $name: refused (status $rc): ${out//$W\//}"
	else
		notok "config with $name: refused with one line naming bad.conf:$line (status $rc): ${out//$W\//}"
	fi
}
node_stop a
HEAD="[meshupd]
state_dir = $SD
keys_dir = $W/a/keys"
conf_case "an unknown key" 4 "$HEAD
colour = blue
[channel site]"
conf_case "a bad value" 5 "$HEAD
[channel site]
max_size = lots"
conf_case "a bad threshold" 4 "$HEAD
threshold = 0"
conf_case "a key outside any section" 1 "state_dir = $SD
[channel site]"
conf_case "an unknown section" 4 "$HEAD
[chanel site]"
conf_case "a section header without ]" 4 "$HEAD
[channel site"
conf_case "no 'key = value'" 4 "$HEAD
just words"
check "config errors: a with its good config starts and holds everything" \
	eval 'node_start a && wait_up a && wait_for 30 is a "2.0.0 1.0.0 1.0.0 *"'
note "35-bad-input: wall time $(($(date +%s) - T_START)) s"
finish
