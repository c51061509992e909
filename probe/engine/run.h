/* run.h: `accessprobe run`: measure a list of URLs, write one record each.
 *
 * Checks first that the probe's own network works (canary hosts), then
 * keeps up to `parallel` measurements in flight in one event loop, writes
 * each finished record durably, and stops promptly on SIGINT/SIGTERM with
 * every finished record intact.
 */
#ifndef PRB_RUN_H
#define PRB_RUN_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>

#include "common/caps.h"
#include "common/errors.h"
#include "engine/engine.h"
#include "lists/inputs.h"

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
  bool quiet;                   /* no progress lines of run.c's own */
  double max_runtime;           /* seconds; 0: no budget */
  /* Control vantage points (OONI test-helper URLs), tried in order; none
   * (or no_control) measures without one. */
  const char *controls[PRB_MAX_CONTROLS];
  size_t n_controls;
  bool no_control;
  /* Called once each record is durable (may be NULL): progress display,
   * run bookkeeping. rec is borrowed; done counts records written. */
  void (*on_record)(void *ctx, const char *input, const json_t *rec,
                    size_t done, size_t total);
  void *on_record_ctx;
  /* The run's own messages (errors, budget, summary), one sentence each,
   * without a trailing newline, as a printf format and its arguments (so
   * that the caller may print a translation of fmt with the same
   * conversions); NULL prints "accessprobe: TEXT" on stderr. error is
   * true for problems, false for information. */
  void (*on_message)(void *ctx, bool error, const char *fmt, va_list ap);
  void *on_message_ctx;
  /* The report_id to write (a resumed run keeps its own); NULL makes a
   * new one. */
  const char *report_id;
};

/* What the run did, for the caller's bookkeeping; filled by prb_run. */
struct prb_run_stats {
  size_t written;               /* complete records kept */
  size_t not_started;           /* inputs left (budget, signal, error) */
  double seconds;
  char output[4096];            /* the results file, "" if none */
  int write_errno;              /* errno of a failed write, 0 if none */
  char report_id[96];           /* the records' report_id */
};

/* Runs the whole measurement. stats may be NULL. */
enum prb_exit prb_run(const struct prb_run_opts *o, struct prb_run_stats *stats);

#endif
