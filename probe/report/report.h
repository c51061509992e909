/* report.h: `accessprobe report`, access counts for a period from any
 * number of JSON Lines files (ours or OONI Probe's web_connectivity).
 *
 * The pieces: report_read (lines, plain or gzip), report_scan (one record
 * to the fields counted), report_count (the counting rule and every
 * figure), report_fmt_* (md, csv, json, html) and report_i18n (en, ru, kk).
 */
#ifndef PRB_REPORT_H
#define PRB_REPORT_H

#include "common/errors.h"

/* argv[0] is "report"; the options and files follow. Writes the report to
 * -o FILE or standard output, names skipped lines on standard error as
 * FILE:LINE: reason. Returns PRB_EXIT_OK, PRB_EXIT_USAGE, PRB_EXIT_INPUT
 * when an input could not be opened or read to its end (the rest were
 * counted and the report was still written), PRB_EXIT_OUTPUT when the
 * report cannot be written, or PRB_EXIT_INTERNAL (out of memory). */
enum prb_exit prb_report_main(int argc, char **argv);

#endif
