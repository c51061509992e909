/* report_input.h: one record into the report's counts, by one rule for
 * every record whatever made it.
 *
 * A line is scanned (report_scan.h: the fast path, enough for records
 * that carry our x_analysis); a record without x_analysis (OONI Probe's,
 * or ours stripped) is then judged by the same code as `accessprobe
 * analyze` (analysis/reanalyze.h: the classifier and the fingerprints);
 * a record without a category gets the one lists/ give its site
 * (kz-media.csv, citizenlab-kz.csv, citizenlab-global.csv when present);
 * then it is counted (report_count.h, where duplicates are dropped).
 * Lines come from files here, but any source of record text (a database
 * row) can feed the same function.
 */
#ifndef PRB_REPORT_INPUT_H
#define PRB_REPORT_INPUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report/report_count.h"
#include "report/report_names.h"

struct prb_rep_input;

/* A new input path into rep (borrowed); loads the category lists now and
 * the evidence lists at the first record that needs them (their problems
 * named on err). NULL when out of memory. */
struct prb_rep_input *prb_rep_input_new(struct prb_rep *rep, FILE *err);
void prb_rep_input_free(struct prb_rep_input *in);

/* Every record is counted into also (borrowed) as well, by its own
 * period and filters: the previous period's report, read in the same
 * pass. */
void prb_rep_input_also(struct prb_rep_input *in, struct prb_rep *also);

/* What each counted record says of networks' names goes to names too
 * (borrowed; report_names.h). */
void prb_rep_input_names(struct prb_rep_input *in, struct prb_rep_names *names);

/* Counts one record line (no newline) read from file (an id from
 * prb_rep_file) at lineno. Returns PRB_SCAN_OK (counted or filtered),
 * PRB_SCAN_OTHER_TEST, PRB_SCAN_BAD with *why (a static string), or -1
 * when out of memory. */
int prb_rep_input_line(struct prb_rep_input *in, const char *line,
                       size_t len, uint32_t file, uint64_t lineno,
                       const char **why);

#endif
