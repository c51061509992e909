/* report_fmt.h: the report's output formats. Each writes the finished
 * report r to f and returns 0, or -1 when out of memory; write errors are
 * left in f's error flag for the caller (ferror) to turn into an exit
 * status. Every string from the input is escaped for its format. */
#ifndef PRB_REPORT_FMT_H
#define PRB_REPORT_FMT_H

#include <stdio.h>

#include "report/report_count.h"
#include "report/report_i18n.h"
#include "report/report_view.h"

/* prev: the previous period's report, or NULL (its summary is added). */
int prb_report_fmt_json(const struct prb_rep *r, const struct prb_rep *prev,
                        FILE *f);
int prb_report_fmt_csv(const struct prb_rep *r, FILE *f);
int prb_report_fmt_md(const struct prb_rep *r, const struct prb_report_view *v,
                      FILE *f);
int prb_report_fmt_html(const struct prb_rep *r,
                        const struct prb_report_view *v, FILE *f);

#endif
