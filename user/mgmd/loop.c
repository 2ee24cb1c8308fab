// SPDX-License-Identifier: GPL-2.0
/*
 * loop.c - a small epoll event loop.  File descriptors get callbacks;
 * "tickers" (MGM's dispatch, IGMP's timers, ...) say how long the loop may
 * sleep and run after every wake-up, which keeps timers in their owners.
 */
#include <errno.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "mgmd.h"

struct watch {
	int fd;
	loop_fd_cb cb;
	void *arg;
	struct watch *next;
};

struct ticker {
	loop_timeout_cb timeout;
	loop_tick_cb tick;
	void *arg;
};

struct loop {
	int ep;
	struct watch *watches;
	struct watch *dead; /* removed during a round: freed after it */
	struct ticker tickers[8];
	int n_tickers;
};

int loop_create(struct loop **out)
{
	struct loop *l = calloc(1, sizeof(*l));

	if (!l)
		return -ENOMEM;
	l->ep = epoll_create1(EPOLL_CLOEXEC);
	if (l->ep < 0) {
		free(l);
		return -errno;
	}
	*out = l;
	return 0;
}

void loop_destroy(struct loop *l)
{
	struct watch *w, *n;

	if (!l)
		return;
	for (w = l->watches; w; w = n) {
		n = w->next;
		free(w);
	}
	for (w = l->dead; w; w = n) {
		n = w->next;
		free(w);
	}
	close(l->ep);
	free(l);
}

int loop_add(struct loop *l, int fd, uint32_t events, loop_fd_cb cb, void *arg)
{
	struct epoll_event ev = { .events = events };
	struct watch *w = calloc(1, sizeof(*w));

	if (!w)
		return -ENOMEM;
	w->fd = fd;
	w->cb = cb;
	w->arg = arg;
	ev.data.ptr = w;
	if (epoll_ctl(l->ep, EPOLL_CTL_ADD, fd, &ev)) {
		free(w);
		return -errno;
	}
	w->next = l->watches;
	l->watches = w;
	return 0;
}

static struct watch *find(struct loop *l, int fd)
{
	struct watch *w;

	for (w = l->watches; w; w = w->next)
		if (w->fd == fd)
			return w;
	return NULL;
}

int loop_mod(struct loop *l, int fd, uint32_t events)
{
	struct watch *w = find(l, fd);
	struct epoll_event ev = { .events = events };

	if (!w)
		return -ENOENT;
	ev.data.ptr = w;
	return epoll_ctl(l->ep, EPOLL_CTL_MOD, fd, &ev) ? -errno : 0;
}

void loop_del(struct loop *l, int fd)
{
	struct watch **pp, *w;

	for (pp = &l->watches; (w = *pp); pp = &w->next) {
		if (w->fd != fd)
			continue;
		epoll_ctl(l->ep, EPOLL_CTL_DEL, fd, NULL);
		*pp = w->next;
		/* Events already fetched for it are ignored (cb == NULL);
		 * the memory goes after the round. */
		w->cb = NULL;
		w->next = l->dead;
		l->dead = w;
		return;
	}
}

int loop_add_ticker(struct loop *l, loop_timeout_cb timeout, loop_tick_cb tick,
		    void *arg)
{
	if (l->n_tickers == (int)(sizeof(l->tickers) / sizeof(l->tickers[0])))
		return -ENOSPC;
	l->tickers[l->n_tickers++] = (struct ticker){ timeout, tick, arg };
	return 0;
}

int loop_run_once(struct loop *l, int max_ms)
{
	struct epoll_event evs[32];
	int i, n, t = max_ms;

	for (i = 0; i < l->n_tickers; i++) {
		int ti = l->tickers[i].timeout ?
				 l->tickers[i].timeout(l->tickers[i].arg) :
				 -1;

		if (ti >= 0 && (t < 0 || ti < t))
			t = ti;
	}
	n = epoll_wait(l->ep, evs, 32, t);
	if (n < 0 && errno != EINTR)
		return -errno;
	for (i = 0; i < n; i++) {
		struct watch *w = evs[i].data.ptr;

		if (w->cb)
			w->cb(w->arg, w->fd, evs[i].events);
	}
	while (l->dead) {
		struct watch *w = l->dead;

		l->dead = w->next;
		free(w);
	}
	for (i = 0; i < l->n_tickers; i++)
		if (l->tickers[i].tick)
			l->tickers[i].tick(l->tickers[i].arg);
	return 0;
}
