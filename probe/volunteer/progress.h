/* progress.h: what a run shows while it measures.
 *
 * On a terminal (text format): one line redrawn in place with the counts
 * by verdict and an ETA. Not on a terminal: nothing per record here (run.c
 * prints its plain per-URL lines), and a closing line with the counts.
 * --log-format json: one JSON object per line on the stream, "progress"
 * per record and "summary" at the end, for machines. Nothing printed here
 * ever holds an address of the probe: only inputs, verdicts and counts.
 */
#ifndef PRB_PROGRESS_H
#define PRB_PROGRESS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <jansson.h>
#include "volunteer/state.h"

enum prb_log_format { PRB_LOG_TEXT = 0, PRB_LOG_JSON };

struct prb_progress;

/* A display on out (usually stderr). already is the number of inputs
 * recorded by an earlier attempt of the same run (resume), all the size of
 * the whole list; run_id may be NULL. NULL when out of memory. */
struct prb_progress *prb_progress_new(enum prb_log_format fmt, FILE *out,
                                      size_t already, size_t all,
                                      const char *run_id);

/* True when the display replaces run.c's own per-URL lines (set quiet). */
bool prb_progress_owns_output(const struct prb_progress *p);

/* The prb_run_opts.on_record hook; ctx is the struct prb_progress. */
void prb_progress_on_record(void *ctx, const char *input, const json_t *rec,
                            size_t done, size_t total);

/* A message in the chosen format (level: "info", "warning", "error"). */
void prb_progress_message(struct prb_progress *p, const char *level,
                          const char *text);

/* Ends the display: clears the terminal line, prints the summary. left is
 * the number of inputs not measured, exit the run's exit status. */
void prb_progress_finish(struct prb_progress *p, size_t left, int exit,
                         const char *output);

/* The verdict counts of this attempt. */
const size_t *prb_progress_counts(const struct prb_progress *p);

void prb_progress_free(struct prb_progress *p);

#endif
