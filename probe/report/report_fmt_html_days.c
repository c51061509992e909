/* report_fmt_html_days.c: the HTML page's day-by-day parts: the site x
 * day grid with its legend, and the chart of blocked websites per
 * network and day as inline SVG (small multiples: one small chart a
 * network, one scale for all, so any number of networks fits and
 * prints). */
#include "report/report_fmt_html.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The grid has a column per day and a cell per site and day: one stray
 * old record must not make it years wide (gigabytes of HTML). It shows the
 * period asked for (--month, --from and --to) or, without one, the last
 * GRID_DAYS_DEFAULT days ending on the last day with data; never more than
 * GRID_DAYS_MAX columns, the last ones (results/README.md). The chart
 * shows the same days. */
#define GRID_DAYS_DEFAULT 92     /* three months */
#define GRID_DAYS_MAX 366        /* a leap year */

/* The grid's first and last day; false when there is nothing to show. */
static bool window(const struct prb_rep *r, int32_t *first, int32_t *last)
{
  const struct prb_rep_totals *t = prb_rep_totals(r);
  int32_t hi = prb_rep_last_data_day(r);
  if(t->last_day < t->first_day || hi == INT32_MIN)
    return false;
  int64_t want = prb_rep_options(r)->period_set ? GRID_DAYS_MAX
                                                : GRID_DAYS_DEFAULT;
  int32_t a = t->first_day, b = t->last_day;
  if((int64_t)b - a + 1 > want) {
    if(hi < b)
      b = hi;
    if((int64_t)b - a + 1 > want)
      a = (int32_t)(b - want + 1);
  }
  *first = a;
  *last = b;
  return true;
}

void prb_html_legend(FILE *f, enum prb_lang L)
{
  static const uint8_t order[][2] = {
    {PRB_REP_S_BLOCKED, 1}, {PRB_REP_S_BLOCKED, 0}, {PRB_REP_S_ANOMALY, 0},
    {PRB_REP_S_THROTTLED, 0}, {PRB_REP_S_DOWN, 0}, {PRB_REP_S_OK, 0},
    {PRB_REP_S_NOVERDICT, 0}, {PRB_REP_S_NONE, 0}
  };
  fprintf(f, "<p class=\"legend\" id=\"legend\"><b>%s:</b> ",
          prb_i18n(L, PRB_M_LEGEND));
  for(size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
    const char *c = prb_html_cls(order[i][0], order[i][1]);
    fprintf(f, "<span data-status=\"%s\"><i class=\"sw %s\"></i>%s</span>", c,
            c, prb_i18n(L, prb_view_status_msg(order[i][0], order[i][1],
                                               false)));
  }
  fputs("</p>\n", f);
}

/* Day i of the window is a day of the month to label under the month
 * row: all of them for a month's grid, every fifth for longer ones. */
static bool day_labelled(int day_of_month, size_t ndays)
{
  return ndays <= 31 || day_of_month == 1 || day_of_month % 5 == 0;
}

/* The header: a row of months (spanning their days), a row of days. */
static void grid_head(FILE *f, enum prb_lang L, int32_t first, size_t ndays)
{
  char iso[16], month[64];
  fputs("<thead><tr><th class=\"site\"></th>", f);
  for(size_t i = 0; i < ndays;) {
    size_t span = 1;
    prb_scan_day_str(first + (int32_t)i, iso, sizeof(iso));
    for(char next[16]; i + span < ndays; span++) {
      prb_scan_day_str(first + (int32_t)(i + span), next, sizeof(next));
      if(memcmp(next, iso, 7))
        break;
    }
    prb_i18n_month(L, first + (int32_t)i, month, sizeof(month));
    fprintf(f, "<th class=\"month\" colspan=\"%zu\">%s</th>", span,
            span >= 5 ? month : "");
    i += span;
  }
  fputs("</tr>\n<tr><th class=\"site\"></th>", f);
  for(size_t i = 0; i < ndays; i++) {
    char date[16];
    prb_scan_day_str(first + (int32_t)i, iso, sizeof(iso));
    prb_i18n_date(L, first + (int32_t)i, date, sizeof(date));
    int dom = atoi(iso + 8);
    fprintf(f, "<th title=\"%s\"%s>%d</th>", date,
            day_labelled(dom, ndays) ? "" : " class=\"minor\"", dom);
  }
  fputs("</tr></thead>\n", f);
}

int prb_html_grid(FILE *f, const struct prb_rep *r, enum prb_lang L)
{
  const struct prb_rep_totals *t = prb_rep_totals(r);
  size_t nsites;
  const struct prb_rep_site *sites = prb_rep_sites(r, &nsites);
  int32_t first, last;
  fprintf(f, "<h2>%s</h2>\n", prb_i18n(L, PRB_M_GRID));
  prb_html_legend(f, L);
  if(!nsites || !window(r, &first, &last))
    return 0;
  size_t ndays = (size_t)((int64_t)last - first + 1);
  char d[16], e[16];
  if(first != t->first_day || last != t->last_day) {
    prb_i18n_date(L, first, d, sizeof(d));
    prb_i18n_date(L, last, e, sizeof(e));
    fprintf(f, "<p class=\"note\" id=\"grid-window\">%s: %s – %s (%zu "
            "%s).</p>\n", prb_i18n(L, PRB_M_GRID_PART), d, e, ndays,
            prb_i18n_noun(L, PRB_N_DAY, ndays));
  }
  uint8_t *row = malloc(ndays);
  bool *conf = malloc(ndays * sizeof(*conf));
  if(!row || !conf) {
    free(row);
    free(conf);
    return -1;
  }
  fputs("<div class=\"scroll\"><table class=\"grid\" id=\"grid\">\n", f);
  grid_head(f, L, first, ndays);
  fputs("<tbody>\n", f);
  for(size_t s = 0; s < nsites; s++) {
    const char *name = prb_rep_str(r, sites[s].name);
    prb_rep_site_row(r, s, first, row, conf, ndays);
    fputs("<tr><th class=\"site\">", f);
    prb_html_esc(f, name);
    fputs("</th>", f);
    for(size_t i = 0; i < ndays; i++) {
      prb_scan_day_str(first + (int32_t)i, d, sizeof(d));
      prb_i18n_date(L, first + (int32_t)i, e, sizeof(e));
      const char *c = prb_html_cls(row[i], conf[i]);
      fprintf(f, "<td class=\"c %s\" data-day=\"%s\" data-status=\"%s\" "
              "title=\"", c, d, c);
      prb_html_esc(f, name);
      fprintf(f, " %s: %s\"></td>", e,
              prb_i18n(L, prb_view_status_msg(row[i], conf[i], false)));
    }
    fputs("</tr>\n", f);
  }
  fputs("</tbody></table></div>\n", f);
  free(row);
  free(conf);
  return 0;
}

/* ---- the chart ----------------------------------------------------------- */

/* Geometry in SVG user units: one STEP a day, a bar BAR wide. */
#define STEP 10
#define BAR 8
#define LEFT 26
#define TOP 8
#define PLOT_H 60
#define BOTTOM 16

/* blocked[n * ndays + d], confirmed likewise: (site) cells blocked on
 * network n on day first + d. */
static void count_blocked(const struct prb_rep *r, int32_t first,
                          size_t ndays, uint32_t *blocked, uint32_t *confirmed)
{
  size_t ncells;
  const struct prb_rep_cell *cells = prb_rep_cells(r, &ncells);
  for(size_t i = 0; i < ncells; i++) {
    const struct prb_rep_cell *c = &cells[i];
    int64_t d = (int64_t)c->day - first;
    if(c->status != PRB_REP_S_BLOCKED || d < 0 || (uint64_t)d >= ndays)
      continue;
    blocked[(size_t)c->net * ndays + (size_t)d]++;
    if(c->conf)
      confirmed[(size_t)c->net * ndays + (size_t)d]++;
  }
}

static void bar(FILE *f, const char *cls, size_t i, uint32_t from,
                uint32_t n, uint32_t ymax)
{
  if(!n)
    return;
  double y0 = TOP + PLOT_H - (double)(from + n) * PLOT_H / ymax;
  fprintf(f, "<rect class=\"%s\" x=\"%zu\" y=\"%.1f\" width=\"%d\" "
          "height=\"%.1f\"/>", cls, LEFT + i * STEP + 1, y0, BAR,
          (double)n * PLOT_H / ymax);
}

static void one_chart(FILE *f, const struct prb_rep *r, size_t n,
                      enum prb_lang L, int32_t first, size_t ndays,
                      const uint32_t *blocked, const uint32_t *confirmed,
                      uint32_t ymax)
{
  size_t nnets;
  const struct prb_rep_net *nets = prb_rep_nets(r, &nnets);
  char label[320], date[16];
  size_t w = LEFT + ndays * STEP + 4;
  prb_view_net_label(r, &nets[n], L, label, sizeof(label));
  fputs("<figure class=\"chart\" data-asn=\"", f);
  prb_html_esc(f, prb_rep_str(r, nets[n].asn));
  fputs("\"><figcaption>", f);
  prb_html_esc(f, label);
  fprintf(f, "</figcaption>\n<svg xmlns=\"http://www.w3.org/2000/svg\" "
          "viewBox=\"0 0 %zu %d\" role=\"img\" aria-label=\"", w,
          TOP + PLOT_H + BOTTOM);
  prb_html_esc(f, label);
  /* axes: the top of the scale, zero, the first and last day */
  fprintf(f, "\"><line class=\"grid\" x1=\"%d\" y1=\"%d\" x2=\"%zu\" "
          "y2=\"%d\"/><line class=\"axis\" x1=\"%d\" y1=\"%d\" x2=\"%zu\" "
          "y2=\"%d\"/><text x=\"%d\" y=\"%d\" class=\"y\">%lu</text>"
          "<text x=\"%d\" y=\"%d\" class=\"y\">0</text>", LEFT, TOP, w - 2,
          TOP, LEFT, TOP + PLOT_H, w - 2, TOP + PLOT_H, LEFT - 4, TOP + 4,
          (unsigned long)ymax, LEFT - 4, TOP + PLOT_H);
  prb_i18n_date(L, first, date, sizeof(date));
  fprintf(f, "<text x=\"%d\" y=\"%d\" class=\"x0\">%s</text>", LEFT,
          TOP + PLOT_H + 12, date);
  prb_i18n_date(L, first + (int32_t)ndays - 1, date, sizeof(date));
  fprintf(f, "<text x=\"%zu\" y=\"%d\" class=\"x1\">%s</text>", w - 2,
          TOP + PLOT_H + 12, date);
  for(size_t i = 0; i < ndays; i++) {
    uint32_t b = blocked[n * ndays + i], c = confirmed[n * ndays + i];
    char iso[16];
    if(!b)
      continue;
    prb_scan_day_str(first + (int32_t)i, iso, sizeof(iso));
    prb_i18n_date(L, first + (int32_t)i, date, sizeof(date));
    fprintf(f, "<g class=\"day\" data-day=\"%s\" data-blocked=\"%lu\" "
            "data-confirmed=\"%lu\"><title>%s: %lu (%s: %lu)</title>", iso,
            (unsigned long)b, (unsigned long)c, date, (unsigned long)b,
            prb_i18n(L, PRB_M_CONFIRMED), (unsigned long)c);
    bar(f, "confirmed", i, 0, c, ymax);
    bar(f, "blocked", i, c, b - c, ymax);
    fputs("</g>", f);
  }
  fputs("</svg></figure>\n", f);
}

int prb_html_chart(FILE *f, const struct prb_rep *r, enum prb_lang L)
{
  size_t nnets;
  prb_rep_nets(r, &nnets);
  int32_t first, last;
  if(!nnets || !window(r, &first, &last))
    return 0;
  size_t ndays = (size_t)((int64_t)last - first + 1);
  uint32_t *blocked = calloc(nnets * ndays, sizeof(*blocked));
  uint32_t *confirmed = calloc(nnets * ndays, sizeof(*confirmed));
  if(!blocked || !confirmed) {
    free(blocked);
    free(confirmed);
    return -1;
  }
  count_blocked(r, first, ndays, blocked, confirmed);
  uint32_t ymax = 0;
  for(size_t i = 0; i < nnets * ndays; i++)
    if(blocked[i] > ymax)
      ymax = blocked[i];
  fprintf(f, "<h2>%s</h2>\n", prb_i18n(L, PRB_M_CHART));
  if(!ymax) {
    fprintf(f, "<p>%s</p>\n", prb_i18n(L, PRB_M_NONE_BLOCKED));
  } else {
    fprintf(f, "<p class=\"note\">%s</p>\n<div class=\"charts\" "
            "id=\"charts\">\n", prb_i18n(L, PRB_M_CHART_NOTE));
    for(size_t n = 0; n < nnets; n++) {
      bool any = false;
      for(size_t i = 0; i < ndays && !any; i++)
        any = blocked[n * ndays + i] > 0;
      if(any)
        one_chart(f, r, n, L, first, ndays, blocked, confirmed, ymax);
    }
    fputs("</div>\n", f);
  }
  free(blocked);
  free(confirmed);
  return 0;
}
