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

#include "analysis/verdict.h"
#include "common/caps.h"
#include "common/errors.h"
#include "engine/engine.h"
#include "lists/inputs.h"

/* Seconds between a measurement and its second look, by default. */
#define PRB_SECOND_LOOK_PAUSE 60.0

/* A second look: an input measured again at the end of a run because its
 * first verdict was blocked without confirmation, or down (one lone
 * measurement is never counted as a blocked day, two agreeing ones are).
 * The second record names the first in test_keys.x_second_look. A resumed
 * run is handed the looks its interrupted part still owes. */
struct prb_run_look {
  char input[PRB_URL_MAX];
  char category_code[PRB_CATEGORY_MAX];
  char first_start[20];         /* the first's measurement_start_time */
  enum prb_verdict verdict;     /* the first's: blocked or down */
  char detail[PRB_DETAIL_MAX];  /* the first's x_analysis.detail, or "" */
};

/* Whether a first verdict earns a second look. */
bool prb_run_wants_second_look(enum prb_verdict v, bool confirmed);

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
  /* Second looks (struct prb_run_look): after second_look_pause seconds
   * (0 allowed), within max_runtime; none with no_second_look. looks
   * (n_looks, borrowed) are those a resumed run still owes, taken after
   * its inputs. */
  bool no_second_look;
  double second_look_pause;
  const struct prb_run_look *looks;
  size_t n_looks;
};

/* What the run did, for the caller's bookkeeping; filled by prb_run. */
struct prb_run_stats {
  size_t written;               /* complete records kept */
  size_t not_started;           /* inputs left (budget, signal, error) */
  double seconds;
  char output[4096];            /* the results file, "" if none */
  int write_errno;              /* errno of a failed write, 0 if none */
  char report_id[96];           /* the records' report_id */
  size_t second_looks;          /* of written: second looks */
  size_t looks_owed;            /* second looks not taken (budget, signal) */
  /* Measurements whose control could not be reached, and how the last
   * one failed ("timeout", "reset", "refused", "dns", "tls", "other"). */
  size_t control_unreachable;
  char control_how[16];
};

/* Runs the whole measurement. stats may be NULL. */
enum prb_exit prb_run(const struct prb_run_opts *o, struct prb_run_stats *stats);

#endif
