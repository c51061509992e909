/* loop.c: epoll watchers, a timer heap and a before-sleep hook. */
#include "engine/loop.h"
#include "common/buf.h"

#include <errno.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

struct watch {
  prb_io_cb cb;
  void *arg;
  unsigned events;
  uint32_t generation;          /* bumped each time the fd is unwatched */
};

/* epoll data: the fd and the generation of its watch, so an event that
 * was queued for a closed fd is not delivered to a new socket that reused
 * the number within the same batch. */
static uint64_t tag(int fd, uint32_t generation)
{
  return (uint64_t)generation << 32 | (uint32_t)fd;
}

struct prb_loop {
  int epfd;
  struct watch *watches;        /* indexed by fd */
  size_t n_watches;
  struct prb_timer **heap;      /* min-heap on when */
  size_t n_heap, cap_heap;
  void (*before_sleep)(void *);
  void *before_sleep_arg;
  int sigfd;                    /* SIGINT and SIGTERM, or -1 */
  void (*on_signal)(void *, int);
  void *on_signal_arg;
};

struct prb_loop *prb_loop_new(void)
{
  struct prb_loop *loop = calloc(1, sizeof(*loop));
  if(!loop)
    return NULL;
  loop->epfd = epoll_create1(EPOLL_CLOEXEC);
  if(loop->epfd < 0) {
    free(loop);
    return NULL;
  }
  loop->sigfd = -1;
  return loop;
}

void prb_loop_free(struct prb_loop *loop)
{
  if(!loop)
    return;
  for(size_t i = 0; i < loop->n_heap; i++)
    loop->heap[i]->slot = 0;
  if(loop->sigfd >= 0)
    close(loop->sigfd);
  close(loop->epfd);
  free(loop->watches);
  free(loop->heap);
  free(loop);
}

static bool grow_watches(struct prb_loop *loop, size_t fd)
{
  size_t n = loop->n_watches;
  if(!prb_array_reserve(&loop->watches, &n, fd + 1, sizeof(*loop->watches),
                        SIZE_MAX))
    return false;
  memset(loop->watches + loop->n_watches, 0,
         (n - loop->n_watches) * sizeof(*loop->watches));
  loop->n_watches = n;
  return true;
}

bool prb_loop_watch(struct prb_loop *loop, int fd, unsigned events,
                    prb_io_cb cb, void *arg)
{
  if(fd < 0) {
    errno = EBADF;
    return false;
  }
  if((size_t)fd >= loop->n_watches && !grow_watches(loop, (size_t)fd)) {
    errno = ENOMEM;
    return false;
  }
  struct watch *w = &loop->watches[fd];
  if(!events) {
    if(w->events)
      epoll_ctl(loop->epfd, EPOLL_CTL_DEL, fd, NULL); /* ENOENT if closed */
    uint32_t generation = w->generation + 1;
    memset(w, 0, sizeof(*w));
    w->generation = generation;
    return true;
  }
  struct epoll_event ev;
  memset(&ev, 0, sizeof(ev));
  ev.events = ((events & PRB_IO_READ) ? EPOLLIN : 0u) |
              ((events & PRB_IO_WRITE) ? EPOLLOUT : 0u);
  ev.data.u64 = tag(fd, w->generation);
  int op = w->events ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
  if(epoll_ctl(loop->epfd, op, fd, &ev) < 0) {
    /* A closed and reused fd leaves our table stale: try the other op. */
    op = (op == EPOLL_CTL_MOD) ? EPOLL_CTL_ADD : EPOLL_CTL_MOD;
    if(epoll_ctl(loop->epfd, op, fd, &ev) < 0)
      return false;
  }
  w->cb = cb;
  w->arg = arg;
  w->events = events;
  return true;
}

/* Timer heap: slot is the 1-based position, 0 when unarmed. */
static bool earlier(const struct prb_timer *a, const struct prb_timer *b)
{
  return a->when < b->when;
}

static void heap_set(struct prb_loop *loop, size_t i, struct prb_timer *t)
{
  loop->heap[i] = t;
  t->slot = i + 1;
}

static void sift_up(struct prb_loop *loop, size_t i)
{
  struct prb_timer *t = loop->heap[i];
  while(i > 0) {
    size_t parent = (i - 1) / 2;
    if(!earlier(t, loop->heap[parent]))
      break;
    heap_set(loop, i, loop->heap[parent]);
    i = parent;
  }
  heap_set(loop, i, t);
}

static void sift_down(struct prb_loop *loop, size_t i)
{
  struct prb_timer *t = loop->heap[i];
  for(;;) {
    size_t child = 2 * i + 1;
    if(child >= loop->n_heap)
      break;
    if(child + 1 < loop->n_heap &&
       earlier(loop->heap[child + 1], loop->heap[child]))
      child++;
    if(!earlier(loop->heap[child], t))
      break;
    heap_set(loop, i, loop->heap[child]);
    i = child;
  }
  heap_set(loop, i, t);
}

void prb_timer_init(struct prb_timer *t)
{
  memset(t, 0, sizeof(*t));
}

bool prb_timer_armed(const struct prb_timer *t)
{
  return t->slot != 0;
}

void prb_timer_stop(struct prb_loop *loop, struct prb_timer *t)
{
  if(!t->slot)
    return;
  size_t i = t->slot - 1;
  t->slot = 0;
  loop->n_heap--;
  if(i == loop->n_heap)
    return;
  struct prb_timer *moved = loop->heap[loop->n_heap];
  heap_set(loop, i, moved);
  sift_up(loop, i);
  sift_down(loop, moved->slot - 1);
}

bool prb_timer_start(struct prb_loop *loop, struct prb_timer *t, double delay,
                     prb_timer_cb cb, void *arg)
{
  prb_timer_stop(loop, t);
  if(!prb_array_reserve(&loop->heap, &loop->cap_heap, loop->n_heap + 1,
                        sizeof(*loop->heap), SIZE_MAX))
    return false;
  t->when = prb_now() + (delay > 0 ? delay : 0);
  t->cb = cb;
  t->arg = arg;
  heap_set(loop, loop->n_heap, t);
  loop->n_heap++;
  sift_up(loop, loop->n_heap - 1);
  return true;
}

void prb_loop_before_sleep(struct prb_loop *loop, void (*fn)(void *),
                           void *arg)
{
  loop->before_sleep = fn;
  loop->before_sleep_arg = arg;
}

/* Fires every timer due now; true when one fired. A callback may arm or
 * stop any timer. */
static bool run_timers(struct prb_loop *loop)
{
  double now = prb_now();
  bool fired = false;
  /* Bounded: timers armed by callbacks for "now" wait for the next turn. */
  size_t budget = loop->n_heap;
  while(loop->n_heap && budget--) {
    struct prb_timer *t = loop->heap[0];
    if(t->when > now)
      break;
    prb_timer_stop(loop, t);
    t->cb(t->arg);
    fired = true;
  }
  return fired;
}

#define PRB_MAX_EVENTS 256

bool prb_loop_run_once(struct prb_loop *loop, double max_wait)
{
  /* A turn whose timers fired does not sleep: their callbacks may have
   * ended what the caller waits for (the last measurement of a run), and
   * it should look before waiting up to max_wait for nothing. */
  bool fired = run_timers(loop);
  if(loop->before_sleep)
    loop->before_sleep(loop->before_sleep_arg);

  double wait = fired ? 0 : max_wait;
  if(loop->n_heap) {
    double due = loop->heap[0]->when - prb_now();
    if(due < wait)
      wait = due;
  }
  if(wait < 0)
    wait = 0;
  /* Round up so a timer is not polled for repeatedly just before it is due.*/
  int ms = (int)(wait * 1000.0 + 0.999);

  struct epoll_event evs[PRB_MAX_EVENTS];
  int n = epoll_wait(loop->epfd, evs, PRB_MAX_EVENTS, ms);
  if(n < 0)
    return errno == EINTR;
  for(int i = 0; i < n; i++) {
    int fd = (int)(uint32_t)evs[i].data.u64;
    uint32_t generation = (uint32_t)(evs[i].data.u64 >> 32);
    if(fd < 0 || (size_t)fd >= loop->n_watches)
      continue;
    struct watch *w = &loop->watches[fd];
    if(!w->cb || w->generation != generation)
      continue;                 /* unwatched (and maybe reused) meanwhile */
    unsigned ev = 0;
    if(evs[i].events & EPOLLIN)
      ev |= PRB_IO_READ;
    if(evs[i].events & EPOLLOUT)
      ev |= PRB_IO_WRITE;
    if(evs[i].events & (EPOLLERR | EPOLLHUP))
      ev |= PRB_IO_ERROR;
    w->cb(w->arg, fd, ev);
  }
  run_timers(loop);
  return true;
}

static void on_sigfd(void *arg, int fd, unsigned events)
{
  struct prb_loop *loop = arg;
  struct signalfd_siginfo si;
  if(read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si))
    loop->on_signal(loop->on_signal_arg, (int)si.ssi_signo);
}

bool prb_loop_watch_signals(struct prb_loop *loop,
                            void (*fn)(void *arg, int signo), void *arg)
{
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, NULL);
  if(loop->sigfd < 0)
    loop->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if(loop->sigfd < 0)
    return false;
  loop->on_signal = fn;
  loop->on_signal_arg = arg;
  return prb_loop_watch(loop, loop->sigfd, PRB_IO_READ, on_sigfd, loop);
}
