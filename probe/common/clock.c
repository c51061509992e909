/* clock.c: clock_gettime, in seconds. */
#include "common/clock.h"

#include <time.h>

static double seconds(clockid_t id)
{
  struct timespec ts;
  clock_gettime(id, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

double prb_now(void)
{
  return seconds(CLOCK_MONOTONIC);
}

double prb_wall(void)
{
  return seconds(CLOCK_REALTIME);
}
