/* progress.h: what a run shows while it measures.
 *
 * On a terminal (text format): one line redrawn in place with the counts
 * by verdict and an ETA. Not on a terminal: one line per record. Either
 * way a closing summary with the counts, whether a control answered, and
 * what a run without one means. Text is in the volunteer's language
 * (words.h). --log-format json: one JSON object per line on the stream,
 * "progress" per record, "message" and "summary" at the end, in English,
 * for machines. Nothing printed here ever holds an address of the probe:
 * only inputs, verdicts and counts.
 */
#ifndef PRB_PROGRESS_H
#define PRB_PROGRESS_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "volunteer/state.h"

enum prb_log_format { PRB_LOG_TEXT = 0, PRB_LOG_JSON };

struct prb_progress;

/* A display on out (usually stderr). already is the number of inputs
 * recorded by an earlier attempt of the same run (resume), all the size of
 * the whole list; run_id may be NULL; controls is how many controls the
 * run asks (0: it measures without one). NULL when out of memory. */
struct prb_progress *prb_progress_new(enum prb_log_format fmt, FILE *out,
                                      size_t already, size_t all,
                                      const char *run_id, size_t controls);

/* The prb_run_opts.on_record hook; ctx is the struct prb_progress. */
void prb_progress_on_record(void *ctx, const char *input, const json_t *rec,
                            size_t done, size_t total);

/* A message in the chosen format (level: "info", "warning", "error"):
 * fmt in the volunteer's language on text, in English in JSON. */
void prb_progress_message(struct prb_progress *p, const char *level,
                          const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));
void prb_progress_vmessage(struct prb_progress *p, const char *level,
                           const char *fmt, va_list ap)
  __attribute__((format(printf, 3, 0)));

/* Says at the start of a run without a control what that means for its
 * verdicts. */
void prb_progress_no_control(struct prb_progress *p);

/* Ends the display: clears the terminal line, prints the summary. left is
 * the number of inputs not measured, exit the run's exit status. */
void prb_progress_finish(struct prb_progress *p, size_t left, int exit,
                         const char *output);

/* The verdict counts of this attempt. */
const size_t *prb_progress_counts(const struct prb_progress *p);

void prb_progress_free(struct prb_progress *p);

/* Why a record got its verdict, in a few words ("tls: timeout after
 * ClientHello", "dns: dns_nxdomain_error", "HTTP 200"). */
void prb_progress_reason(const json_t *rec, char *buf, size_t len);

/* True when the record holds the control's answer. */
bool prb_progress_control_answered(const json_t *rec);

#endif
