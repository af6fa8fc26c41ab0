#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# timeout: 300
#
# Two nodes: a bundle injected at one is fetched, verified, installed and
# activated at the other (hook once); the store writes at most bundle size +
# 8 KiB; a restart keeps the state without running the hook again; a module
# reload is survived (re-register, re-advertise, next bundle propagates).
. "$(dirname "$0")/lib.sh"

node_add a clock=unsynced
node_add b clock=unsynced
link a b
node_start a
node_start b
check "daemons answer on their control sockets" wait_up a b

mkpayload "$W/p1" 70000
sign "$W/s1.mub" site 1.0.0 "$W/p1"
size=$(stat -c %s "$W/s1.mub")
t0=$(now_ms)
check "inject at a" inject a "$W/s1.mub"
if wait_for 120 hooked_all site 1.0.0 activate; then
	ok "bundle reached b and was activated"
	t1=$(last_hook_time site 1.0.0 activate)
	note "two nodes: 70000-byte payload activated at both $(awk -v a="$t1" -v b="$t0" 'BEGIN{printf "%d", a*1000-b}') ms after inject"
else
	notok "bundle reached b and was activated"
fi
check "b: active site 1.0.0" [ "$(active b site)" = 1.0.0 ]
check "each hook ran exactly once" exactly_once site 1.0.0 activate
check "b: payload stored byte-exact" cmp -s "$W/p1" "$W/b/state/$(q b "ch('site')['active']['digest']").payload"

# bytes written to state_dir: the daemon's own count of bytes it wrote there
# (write() of payload, manifest, state records), and the files left there
written=$(q b "s['store_bytes_written']")
files=$(cat "$W/b/state/"* | wc -c)
note "b: bundle $size bytes, written to state_dir $written bytes (daemon count), files $files bytes"
check "b: bytes written <= bundle size + 8 KiB" [ "$written" -le $((size + 8192)) ]
check "b: files in state_dir <= bundle size + 8 KiB" [ "$files" -le $((size + 8192)) ]

regs() { grep -c "registered with the meshup module" "$W/$1/meshupd.log"; }

# restart: state from disk, no second hook run
node_stop b
node_start b
wait_up b
wait_for 30 eq 2 regs b
sleep 2
check "b after restart: active site 1.0.0" [ "$(active b site)" = 1.0.0 ]
check "b after restart: hook not run again" exactly_once site 1.0.0 activate

# module reload: daemons re-register and keep propagating
if rmmod meshup && insmod "$MESHUP_KO"; then
	ok "module reloaded"
else
	notok "module reloaded"
	lsmod | grep -q '^meshup' || insmod "$MESHUP_KO"
fi
check "a re-registered after the reload" wait_for 30 eq 2 regs a
check "b re-registered after the reload" wait_for 30 eq 3 regs b
mkpayload "$W/p2" 5000
sign "$W/s2.mub" site 1.1.0 "$W/p2"
sleep 1
check "inject 1.1.0 at a" inject a "$W/s2.mub"
check "1.1.0 activated at b after the module reload" wait_for 120 hooked_all site 1.1.0 activate
check "b keeps newest 1.1.0, deletes 1.0.0" wait_for 10 eq 1 held b site
finish
