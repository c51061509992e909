/* test_loop.c: timers fire in order, can be stopped and re-armed from
 * callbacks; file watchers report readiness. */
#include "check.h"
#include "engine/loop.h"

#include <stdlib.h>
#include <unistd.h>

#define N 200

static int order[N];
static int n_fired;
static struct prb_loop *loop;
static struct prb_timer timers[N];

static void fired(void *arg)
{
  order[n_fired++] = (int)(size_t)arg;
}

static struct prb_timer victim, killer, again;
static int victim_fired, again_count;

static void kill_victim(void *arg)
{
  prb_timer_stop(loop, &victim);
}

static void victim_cb(void *arg)
{
  victim_fired = 1;
}

static void rearm(void *arg)
{
  if(++again_count < 3)
    prb_timer_start(loop, &again, 0.001, rearm, NULL);
}

static int readable;
static void on_read(void *arg, int fd, unsigned ev)
{
  char c;
  if((ev & PRB_IO_READ) && read(fd, &c, 1) == 1)
    readable++;
}

int main(void)
{
  loop = prb_loop_new();
  CHECK(loop != NULL);

  /* Timers armed in scrambled order fire in deadline order. */
  for(int i = 0; i < N; i++) {
    int k = (i * 37) % N;
    prb_timer_init(&timers[k]);
    prb_timer_start(loop, &timers[k], 0.0001 * k, fired, (void *)(size_t)k);
  }
  /* Stopping some in the middle of the heap keeps it consistent. */
  for(int k = 10; k < N; k += 10)
    prb_timer_stop(loop, &timers[k]);
  double until = prb_now() + 2;
  while(n_fired < N - (N / 10 - 1) && prb_now() < until)
    prb_loop_run_once(loop, 0.01);
  CHECK_INT(n_fired, N - (N / 10 - 1));
  int sorted = 1;
  for(int i = 1; i < n_fired; i++)
    if(order[i] < order[i - 1] || (order[i] % 10 == 0 && order[i]))
      sorted = 0;
  CHECK(sorted);

  /* A callback may stop another due timer before it fires. */
  prb_timer_init(&victim);
  prb_timer_init(&killer);
  prb_timer_start(loop, &killer, 0.001, kill_victim, NULL);
  prb_timer_start(loop, &victim, 0.002, victim_cb, NULL);
  until = prb_now() + 0.1;
  while(prb_now() < until)
    prb_loop_run_once(loop, 0.01);
  CHECK(!victim_fired);
  CHECK(!prb_timer_armed(&victim));

  /* A callback may re-arm its own timer. */
  prb_timer_init(&again);
  prb_timer_start(loop, &again, 0.001, rearm, NULL);
  until = prb_now() + 1;
  while(again_count < 3 && prb_now() < until)
    prb_loop_run_once(loop, 0.01);
  CHECK_INT(again_count, 3);

  /* A turn whose timers fired before it would sleep returns without
   * sleeping: the timer may have ended what the caller waits for (a
   * run's last measurement), and nothing else is due for a long while. */
  prb_timer_init(&again);
  again_count = 3;              /* rearm() will not re-arm */
  prb_timer_start(loop, &again, 0, rearm, NULL);
  double t0 = prb_now();
  prb_loop_run_once(loop, 5.0);
  CHECK(!prb_timer_armed(&again));
  CHECK(prb_now() - t0 < 2.5);

  /* A pipe becomes readable; removing the watch silences it. */
  int fds[2];
  CHECK(pipe(fds) == 0);
  CHECK(prb_loop_watch(loop, fds[0], PRB_IO_READ, on_read, NULL));
  CHECK(write(fds[1], "xy", 2) == 2);
  prb_loop_run_once(loop, 0.1);
  CHECK_INT(readable, 1);
  CHECK(prb_loop_watch(loop, fds[0], 0, NULL, NULL));
  prb_loop_run_once(loop, 0.05);
  CHECK_INT(readable, 1);
  close(fds[0]);
  close(fds[1]);

  prb_loop_free(loop);
  return test_summary();
}
