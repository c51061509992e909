/* run.h: `accessprobe run`: measure a list of URLs, write one record each.
 *
 * Checks first that the probe's own network works (canary hosts), then
 * keeps up to `parallel` measurements in flight in one event loop, writes
 * each finished record durably, and stops promptly on SIGINT/SIGTERM with
 * every finished record intact.
 */
#ifndef PRB_RUN_H
#define PRB_RUN_H

#include <stdbool.h>
#include <stddef.h>
#include "engine.h"
#include "inputs.h"

#define PRB_DEFAULT_PARALLEL 64
#define PRB_MAX_PARALLEL 1024

struct prb_run_opts {
  struct prb_inputs *inputs;    /* what to measure (borrowed) */
  const char *output;           /* NULL: a new file under results/ */
  long parallel;
  const char *ca_file;          /* NULL: PRB_DEFAULT_CA */
  const char *resolvers[PRB_MAX_RESOLVERS];
  size_t n_resolvers;
  const char *probe_asn, *probe_cc, *probe_network_name; /* may be NULL */
  const char *canaries;         /* NULL: lists/canaries.csv */
  bool no_preflight;
  double step_timeout;          /* seconds */
  const char *decoy_sni;
  bool quiet;
};

/* Runs the whole measurement; returns an enum prb_exit. */
int prb_run(const struct prb_run_opts *o);

#endif
