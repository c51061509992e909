/* report.h: `accessprobe report`, access counts for a period from any
 * number of JSON Lines files (ours or OONI Probe's web_connectivity).
 *
 * The pieces: report_read (lines, plain or gzip), report_scan (one record
 * to the fields counted), report_count (the counting rule and every
 * figure), report_fmt_* (md, csv, json, html) and report_i18n (en, ru, kk).
 */
#ifndef PRB_REPORT_H
#define PRB_REPORT_H

/* Exit statuses of prb_report_main. */
#define PRB_REPORT_OK 0
#define PRB_REPORT_INTERNAL 1   /* out of memory */
#define PRB_REPORT_USAGE 2
#define PRB_REPORT_UNREADABLE 3 /* an input could not be opened or read to
                                   its end; the rest were counted and the
                                   report was still written */
#define PRB_REPORT_UNWRITABLE 4

/* argv[0] is "report"; the options and files follow. Writes the report to
 * -o FILE or standard output, names skipped lines on standard error as
 * FILE:LINE: reason. Returns one of the statuses above. */
int prb_report_main(int argc, char **argv);

#endif
