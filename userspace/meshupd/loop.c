// SPDX-License-Identifier: GPL-2.0
/* meshupd event loop: see loop.h. */
#include <errno.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/epoll.h>

#include "log.h"
#include "loop.h"

#define LOOP_MAX_FDS	64

struct fd_ent {
	int fd;
	d_fd_cb cb;
	void *arg;
};

static int epfd = -1;
static struct fd_ent fds[LOOP_MAX_FDS];
static struct d_timer *timers;

uint64_t d_mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

int d_loop_init(void)
{
	for (int i = 0; i < LOOP_MAX_FDS; i++)
		fds[i].fd = -1;
	epfd = epoll_create1(EPOLL_CLOEXEC);
	return epfd < 0 ? -1 : 0;
}

void d_loop_fini(void)
{
	if (epfd >= 0)
		close(epfd);
	epfd = -1;
	timers = NULL;
}

int d_loop_add_fd(int fd, uint32_t events, d_fd_cb cb, void *arg)
{
	struct epoll_event ev = { .events = events };

	for (int i = 0; i < LOOP_MAX_FDS; i++) {
		if (fds[i].fd >= 0)
			continue;
		fds[i] = (struct fd_ent){ fd, cb, arg };
		ev.data.ptr = &fds[i];
		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev)) {
			fds[i].fd = -1;
			return -1;
		}
		return 0;
	}
	errno = EMFILE;
	return -1;
}

int d_loop_mod_fd(int fd, uint32_t events)
{
	for (int i = 0; i < LOOP_MAX_FDS; i++)
		if (fds[i].fd == fd) {
			struct epoll_event ev = { .events = events, .data.ptr = &fds[i] };

			return epoll_ctl(epfd, EPOLL_CTL_MOD, fd, &ev);
		}
	return -1;
}

void d_loop_del_fd(int fd)
{
	for (int i = 0; i < LOOP_MAX_FDS; i++)
		if (fds[i].fd == fd) {
			epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
			fds[i].fd = -1;
		}
}

void d_timer_cancel(struct d_timer *t)
{
	struct d_timer **pp;

	if (!t->armed)
		return;
	for (pp = &timers; *pp; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	t->armed = false;
}

void d_timer_arm_at(struct d_timer *t, uint64_t due)
{
	d_timer_cancel(t);
	t->due = due;
	t->armed = true;
	t->next = timers;
	timers = t;
}

void d_timer_arm(struct d_timer *t, uint64_t delay_ms)
{
	d_timer_arm_at(t, d_mono_ms() + delay_ms);
}

static void run_timers(void)
{
	uint64_t now = d_mono_ms();
	struct d_timer *t;
	bool again = true;

	/* a callback may arm or cancel any timer: restart the scan each time */
	while (again) {
		again = false;
		for (t = timers; t; t = t->next) {
			if (t->due <= now) {
				d_timer_cancel(t);
				t->cb(t);
				again = true;
				break;
			}
		}
	}
}

int d_loop_once(int max_wait_ms)
{
	struct epoll_event evs[16];
	uint64_t now = d_mono_ms();
	int wait = max_wait_ms, n;

	for (struct d_timer *t = timers; t; t = t->next) {
		int64_t d = (int64_t)(t->due - now);

		if (t->due <= now)
			d = 0;
		if (d < wait)
			wait = (int)d;
	}
	n = epoll_wait(epfd, evs, 16, wait);
	if (n < 0 && errno != EINTR)
		return -1;
	for (int i = 0; i < n; i++) {
		struct fd_ent *e = evs[i].data.ptr;

		if (e->fd >= 0)
			e->cb(e->fd, evs[i].events, e->arg);
	}
	run_timers();
	return 0;
}
