/* loop.h: one epoll event loop for the whole run.
 *
 * File watchers (for c-ares, libcurl and our own sockets), timers kept in a
 * binary heap, and a hook run before the loop sleeps (where finished records
 * are written and synced in one go). Single-threaded: nothing here locks.
 */
#ifndef PRB_LOOP_H
#define PRB_LOOP_H

#include <stddef.h>
#include <stdbool.h>

#include "common/clock.h"

#define PRB_IO_READ 1u
#define PRB_IO_WRITE 2u
#define PRB_IO_ERROR 4u   /* EPOLLERR / EPOLLHUP, reported with the others */

struct prb_loop;

/* Called with the events that are ready on fd. */
typedef void (*prb_io_cb)(void *arg, int fd, unsigned events);
typedef void (*prb_timer_cb)(void *arg);

/* A timer lives in its owner's memory; zero-initialise it before first use
 * (or call prb_timer_init). */
struct prb_timer {
  double when;                  /* monotonic seconds */
  size_t slot;                  /* heap position + 1; 0 when not armed */
  prb_timer_cb cb;
  void *arg;
};

struct prb_loop *prb_loop_new(void);
/* Frees the loop; watchers and armed timers are simply forgotten. */
void prb_loop_free(struct prb_loop *loop);

/* Watches fd for events (PRB_IO_READ|PRB_IO_WRITE), replacing an earlier
 * watch of the same fd; events 0 removes it. Returns false on failure
 * (errno set). The loop never closes fd. */
bool prb_loop_watch(struct prb_loop *loop, int fd, unsigned events,
                    prb_io_cb cb, void *arg);

void prb_timer_init(struct prb_timer *t);
/* Arms t to fire once after delay seconds (re-arms when armed). Returns
 * false only when out of memory. */
bool prb_timer_start(struct prb_loop *loop, struct prb_timer *t, double delay,
                     prb_timer_cb cb, void *arg);
void prb_timer_stop(struct prb_loop *loop, struct prb_timer *t);
bool prb_timer_armed(const struct prb_timer *t);

/* Blocks SIGINT and SIGTERM for the process and delivers them through the
 * loop instead (signalfd): fn(arg, signo) runs from the loop when one
 * comes, so a run or the helper stops between two steps, never inside
 * one. One watcher per loop, closed with it. False when the signalfd
 * cannot be made (the signals stay blocked). */
bool prb_loop_watch_signals(struct prb_loop *loop,
                            void (*fn)(void *arg, int signo), void *arg);

/* Runs fn(arg) each time before the loop waits. One hook. */
void prb_loop_before_sleep(struct prb_loop *loop, void (*fn)(void *),
                           void *arg);

/* Fires the timers that are due, then waits for events or the next timer
 * (at most max_wait seconds; not at all when timers fired, so the caller
 * can look at what they changed) and dispatches them. Returns false when
 * epoll failed other than EINTR. */
bool prb_loop_run_once(struct prb_loop *loop, double max_wait);

/* prb_now(), the clock of timers and deadlines, is in common/clock.h. */

#endif
