/* report_fmt_html.h: the parts of the HTML page, shared by
 * report_fmt_html.c (the page, its tables and the networks) and
 * report_fmt_html_days.c (the day-by-day grid and chart). Private to
 * them. */
#ifndef PRB_REPORT_FMT_HTML_H
#define PRB_REPORT_FMT_HTML_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "report/report_fmt.h"

/* s escaped for HTML text and attributes alike. */
void prb_html_esc(FILE *f, const char *s);

/* The CSS class of a status ("blocked", "confirmed", ...). */
const char *prb_html_cls(uint8_t status, bool confirmed);

/* The colour legend. */
void prb_html_legend(FILE *f, enum prb_lang L);

/* The site x day grid, its legend and, when it shows fewer days than the
 * period, a note saying which. -1 when out of memory. */
int prb_html_grid(FILE *f, const struct prb_rep *r, enum prb_lang L);

/* Blocked websites per network and day, one inline SVG chart a network
 * that blocked any (no script, no external resource). -1 out of memory. */
int prb_html_chart(FILE *f, const struct prb_rep *r, enum prb_lang L);

#endif
