/* upload.h: store-and-forward of finished records to collectors, as
 * `accessprobe upload` and scheduled runs (after measuring) do it.
 *
 * The results files are the queue; each collector has its own cursor per
 * file (upload_cursor.h), so each gets every record once it answers, and
 * a dead collector delays no other. Records go in file order, a few at a
 * time per collector, into one OONI report per template (probe_cc,
 * probe_asn, software, test and its start time: a new report whenever it
 * changes). A record the collector acknowledges is marked done before the
 * next answer is looked at; one it refuses (4xx) is marked with the reason
 * and the others go on; one that cannot be sent now is kept.
 *
 * Retries, as OONI's bk-003 asks: a failure to reach the collector is
 * retried at once up to 3 times per record; then the collector is left
 * alone for a growing, jittered pause (from retry_base, doubling, and at
 * least the Retry-After it asked for), never in a tight loop; when the
 * pause would outlast the time budget, the rest waits for the next upload
 * (the next scheduled run).
 */
#ifndef PRB_UPLOAD_H
#define PRB_UPLOAD_H

#include "common/caps.h"
#include "common/errors.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define PRB_UPLOAD_OONI_URL "https://api.ooni.io/"
#define PRB_UPLOAD_PARALLEL 4      /* requests in flight per collector */
#define PRB_UPLOAD_IMMEDIATE 3     /* immediate retries per record */

struct prb_upload_opts {
  const char *state_dir;
  const char *collectors[PRB_MAX_COLLECTORS + 1];
  size_t n_collectors;
  const char *const *files;     /* these files; NULL: every run in the
                                   state folder, oldest first */
  size_t n_files;
  const char *ca_file;          /* NULL: the pristine Mozilla roots */
  double budget;                /* seconds for the whole upload */
  double timeout;               /* seconds per request */
  double retry_base;            /* the first pause, seconds */
  int parallel;
  FILE *log;                    /* what happens; NULL: quiet */
};

/* What one collector took, and what waits for it. */
struct prb_upload_result {
  uint64_t acked, refused, skipped, waiting;
};

/* Uploads. results (may be NULL) gets one entry per collector, in order.
 * Returns PRB_EXIT_OK when nothing waits any more, PRB_EXIT_UPLOAD_WAITING
 * when records still wait (sent next time), PRB_EXIT_INTERRUPTED on
 * SIGINT/SIGTERM, PRB_EXIT_OUTPUT when a cursor cannot be written, or
 * PRB_EXIT_INTERNAL. */
enum prb_exit prb_upload(const struct prb_upload_opts *o,
                         struct prb_upload_result *results);

struct prb_config;

/* The collectors a configuration names: its "collectors", then OONI's
 * when "ooni_upload" is true (the volunteer's explicit choice). Pointers
 * into cf; returns how many (at most PRB_MAX_COLLECTORS + 1). */
size_t prb_upload_collectors(const struct prb_config *cf, const char **out);

/* What collector url took of results file file (relative to state, or
 * absolute), given the file's total of complete records: *st gets the
 * counts and what waits. */
void prb_upload_status(const char *state, const char *url, const char *file,
                       uint64_t total, struct prb_upload_result *st);

struct prb_run_entry;
struct prb_retain_hold;

/* What retention keeps for uploads (state.h's prb_retain_hold) for the
 * collectors urls of state folder state: the arrays must outlive hold. */
struct prb_upload_hold {
  const char *state;
  const char *const *urls;
  size_t n;
};
void prb_upload_hold(struct prb_retain_hold *hold,
                     struct prb_upload_hold *ctx);

#endif
