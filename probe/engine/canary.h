/* canary.h: is the probe's own network up?
 *
 * A few hosts that stay up (lists/canaries.csv, domestic and
 * international) are resolved and connected to; one TCP connect that
 * succeeds is enough. Used before a run starts, and again during a run
 * when a site fails with no control to compare with, so that an offline
 * probe is never mistaken for a blocked site.
 */
#ifndef PRB_CANARY_H
#define PRB_CANARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include "engine/engine.h"

struct prb_canaries;

/* Called once per check, from the loop: reached is true when at least one
 * canary answered. */
typedef void (*prb_canary_done)(void *arg, bool reached);

/* Loads the canary list: file, or lists/canaries.csv when NULL. Bad rows
 * are named on err (FILE:LINE: reason) unless it is NULL. NULL with a
 * reason in why when no canary URL can be read. */
struct prb_canaries *prb_canaries_load(const char *file, FILE *err,
                                       char *why, size_t whylen);
/* Stops a check in progress (done is not called) and frees. */
void prb_canaries_free(struct prb_canaries *c);

/* Starts a check bounded by max_secs. False when one is already running
 * or out of memory. */
bool prb_canaries_check(struct prb_canaries *c, struct prb_engine *e,
                        double max_secs, prb_canary_done done, void *arg);
bool prb_canaries_busy(const struct prb_canaries *c);
size_t prb_canaries_count(const struct prb_canaries *c);
const char *prb_canaries_file(const struct prb_canaries *c);

#endif
