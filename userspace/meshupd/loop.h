/* SPDX-License-Identifier: GPL-2.0 */
/*
 * meshupd event loop: one epoll set for file descriptors (netlink, control
 * socket and its clients, signalfd) and a list of one-shot timers on the
 * monotonic clock. Everything runs in this one thread; nothing blocks.
 */
#ifndef MESHUPD_LOOP_H
#define MESHUPD_LOOP_H

#include <stdbool.h>
#include <stdint.h>

typedef void (*d_fd_cb)(int fd, uint32_t events, void *arg);

struct d_timer {
	void (*cb)(struct d_timer *t);
	void *arg;
	uint64_t due;			/* monotonic ms */
	bool armed;
	struct d_timer *next;
};

int d_loop_init(void);
void d_loop_fini(void);
/** d_loop_add_fd() - watch @fd for @events (EPOLLIN...). */
int d_loop_add_fd(int fd, uint32_t events, d_fd_cb cb, void *arg);
int d_loop_mod_fd(int fd, uint32_t events);
void d_loop_del_fd(int fd);

/** d_mono_ms() - CLOCK_MONOTONIC in ms. */
uint64_t d_mono_ms(void);

/** d_timer_arm() - (re)arm @t to fire @delay_ms from now. */
void d_timer_arm(struct d_timer *t, uint64_t delay_ms);
/** d_timer_arm_at() - (re)arm @t for monotonic time @due. */
void d_timer_arm_at(struct d_timer *t, uint64_t due);
void d_timer_cancel(struct d_timer *t);

/** d_loop_once() - wait for and dispatch events, at most @max_wait_ms. */
int d_loop_once(int max_wait_ms);

#endif
