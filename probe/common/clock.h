/* clock.h: the probe's two clocks, read the same way everywhere. */
#ifndef PRB_CLOCK_H
#define PRB_CLOCK_H

/* Monotonic clock, seconds: for durations and deadlines (never jumps). */
double prb_now(void);

/* Wall clock, seconds since the epoch: for what the record says. */
double prb_wall(void);

#endif
