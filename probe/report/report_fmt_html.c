/* report_fmt_html.c: one self-contained page (inline CSS, no script, no
 * external resource): the period summary, a site x day grid in OONI
 * Explorer's colours (blocked/confirmed red, anomaly amber, down grey, ok
 * green), a site x network table and the networks. Every string from the
 * input is HTML-escaped, in text and in attributes alike. */
#include "report/report_fmt.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

/* The grid has a column per day and a cell per site and day: one stray
 * old record must not make it years wide (gigabytes of HTML). It shows the
 * period asked for (--month, --from and --to) or, without one, the last
 * GRID_DAYS_DEFAULT days ending on the last day with data; never more than
 * GRID_DAYS_MAX columns, the last ones (results/README.md). */
#define GRID_DAYS_DEFAULT 92     /* three months */
#define GRID_DAYS_MAX 366        /* a leap year */

static void esc(FILE *f, const char *s)
{
  for(const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch(*p) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '"': fputs("&quot;", f); break;
    case '\'': fputs("&#39;", f); break;
    default: fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, f);
    }
  }
}

/* CSS class and i18n label of a cell status. */
static const char *cls(uint8_t s, bool conf)
{
  switch(s) {
  case PRB_REP_S_OK: return "ok";
  case PRB_REP_S_DOWN: return "down";
  case PRB_REP_S_ANOMALY: return "anomaly";
  case PRB_REP_S_THROTTLED: return "throttled";
  case PRB_REP_S_BLOCKED: return conf ? "confirmed" : "blocked";
  case PRB_REP_S_NOVERDICT: return "noverdict";
  default: return "none";
  }
}

static enum prb_msg label(uint8_t s, bool conf, bool site)
{
  switch(s) {
  case PRB_REP_S_OK: return PRB_M_S_OK;
  case PRB_REP_S_DOWN: return PRB_M_S_DOWN;
  case PRB_REP_S_ANOMALY:
    return site ? PRB_M_S_INCONCLUSIVE : PRB_M_S_ANOMALY;
  case PRB_REP_S_THROTTLED: return PRB_M_S_THROTTLED;
  case PRB_REP_S_BLOCKED: return conf ? PRB_M_S_CONFIRMED : PRB_M_S_BLOCKED;
  case PRB_REP_S_NOVERDICT: return PRB_M_S_NOVERDICT;
  default: return PRB_M_S_NONE;
  }
}

static const char css[] =
  "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
  "margin:0 auto;padding:12px;max-width:1100px;color:#212529;"
  "background:#fff}"
  "h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1.4em 0 .4em}"
  ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;"
  "max-width:100%}"
  "table{border-collapse:collapse}"
  "table.t td,table.t th{border:1px solid #dee2e6;padding:3px 7px;"
  "text-align:left;vertical-align:top}"
  "table.t td.n{text-align:right}"
  "table.grid{border-spacing:0}"
  "table.grid th{font-weight:normal;font-size:11px;color:#495057;"
  "padding:0 1px;text-align:center}"
  "table.grid th.site,table.sxn th.site{position:sticky;left:0;"
  "background:#fff;text-align:left;padding-right:6px;white-space:nowrap;"
  "font-size:13px;color:#212529}"
  "td.c{width:14px;min-width:14px;height:18px;padding:0;"
  "border:1px solid #fff}"
  ".ok{background:#40c057}.blocked,.confirmed{background:#e03131}"
  ".anomaly,.throttled{background:#f59f00}.down{background:#adb5bd}"
  ".noverdict{background:#e9ecef}.none{background:#f8f9fa}"
  "td.c.confirmed{box-shadow:inset 0 0 0 3px #a51111}"
  "table.sxn td{border:1px solid #fff;padding:2px 6px;font-size:13px;"
  "white-space:nowrap;color:#111}"
  "table.sxn td.blocked,table.sxn td.confirmed{color:#fff}"
  ".legend span{display:inline-block;margin:0 10px 4px 0;font-size:13px}"
  ".legend i{display:inline-block;width:12px;height:12px;margin-right:4px;"
  "vertical-align:-1px}"
  "p.note{font-size:13px;color:#495057}"
  "@media (max-width:600px){body{font-size:14px;padding:8px}"
  "table.t td,table.t th{padding:2px 4px}}";

static void fig(FILE *f, const char *name, const struct prb_rep_figure *x,
                const char *id)
{
  fprintf(f, "<tr id=\"%s\"><td>", id);
  esc(f, name);
  fprintf(f, "</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td></tr>\n",
          (unsigned long long)x->sites, (unsigned long long)x->measurements);
}

static uint64_t total(const struct prb_rep_counts *c)
{
  return c->v[PRB_VERDICT_OK] + c->v[PRB_VERDICT_BLOCKED] +
    c->v[PRB_VERDICT_THROTTLED] + c->v[PRB_VERDICT_DOWN] +
    c->v[PRB_VERDICT_INCONCLUSIVE];
}

static void summary(FILE *f, const struct prb_rep_totals *t, enum prb_lang L)
{
  char buf[200];
  fprintf(f, "<h2>%s</h2>\n<div class=\"scroll\"><table class=\"t\" "
          "id=\"summary\">\n<tr><th>%s</th><th>%s</th><th>%s</th></tr>\n",
          prb_i18n(L, PRB_M_SUMMARY), prb_i18n(L, PRB_M_FIGURE),
          prb_i18n(L, PRB_M_SITES), prb_i18n(L, PRB_M_MEASUREMENTS));
  fig(f, prb_i18n(L, PRB_M_MEASURED), &t->measured, "f-measured");
  fig(f, prb_i18n(L, PRB_M_PROBLEMS), &t->problems, "f-problems");
  fig(f, prb_i18n(L, PRB_M_BLOCKED), &t->blocked, "f-blocked");
  snprintf(buf, sizeof(buf), "— %s", prb_i18n(L, PRB_M_CONFIRMED));
  fig(f, buf, &t->blocked_confirmed, "f-confirmed");
  snprintf(buf, sizeof(buf), "— %s", prb_i18n(L, PRB_M_UNCONFIRMED));
  fig(f, buf, &t->blocked_unconfirmed, "f-unconfirmed");
  for(int m = PRB_METHOD_DNS; m <= PRB_METHOD_COUNT; m++) {
    int mm = m == PRB_METHOD_COUNT ? PRB_METHOD_NONE : m;
    if(mm == PRB_METHOD_NONE && !t->blocked_method[mm].sites)
      continue;
    char id[32];
    snprintf(buf, sizeof(buf), "— %s: %s", prb_i18n(L, PRB_M_BY_METHOD),
             prb_scan_method_name((enum prb_method)mm));
    snprintf(id, sizeof(id), "f-%s",
             prb_scan_method_name((enum prb_method)mm));
    fig(f, buf, &t->blocked_method[mm], id);
  }
  fig(f, prb_i18n(L, PRB_M_THROTTLED), &t->throttled, "f-throttled");
  fig(f, prb_i18n(L, PRB_M_DOWN), &t->down, "f-down");
  fig(f, prb_i18n(L, PRB_M_INCONCLUSIVE), &t->inconclusive, "f-inconclusive");
  fprintf(f, "<tr id=\"f-networks\"><td>%s</td><td class=\"n\">%lu</td>"
          "<td class=\"n\">%llu</td></tr>\n</table></div>\n",
          prb_i18n(L, PRB_M_NETWORKS), (unsigned long)t->networks,
          (unsigned long long)t->measured.measurements);
}

static void legend(FILE *f, enum prb_lang L)
{
  static const uint8_t order[][2] = {
    {PRB_REP_S_BLOCKED, 1}, {PRB_REP_S_BLOCKED, 0}, {PRB_REP_S_ANOMALY, 0},
    {PRB_REP_S_THROTTLED, 0}, {PRB_REP_S_DOWN, 0}, {PRB_REP_S_OK, 0},
    {PRB_REP_S_NOVERDICT, 0}, {PRB_REP_S_NONE, 0}
  };
  fprintf(f, "<p class=\"legend\"><b>%s:</b> ", prb_i18n(L, PRB_M_LEGEND));
  for(size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
    fprintf(f, "<span><i class=\"%s\"></i>%s</span>",
            cls(order[i][0], order[i][1]),
            prb_i18n(L, label(order[i][0], order[i][1], false)));
  fputs("</p>\n", f);
}

/* The grid's first and last day; false when there is nothing to show. */
static bool grid_window(const struct prb_rep *r, int32_t *first, int32_t *last)
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

static int grid(FILE *f, const struct prb_rep *r, enum prb_lang L)
{
  const struct prb_rep_totals *t = prb_rep_totals(r);
  size_t nsites;
  const struct prb_rep_site *sites = prb_rep_sites(r, &nsites);
  int32_t first, last;
  fprintf(f, "<h2>%s</h2>\n", prb_i18n(L, PRB_M_GRID));
  legend(f, L);
  if(!nsites || !grid_window(r, &first, &last))
    return 0;
  size_t ndays = (size_t)((int64_t)last - first + 1);
  char d[16], e[16];
  if(first != t->first_day || last != t->last_day) {
    prb_scan_day_str(first, d, sizeof(d));
    prb_scan_day_str(last, e, sizeof(e));
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
  fputs("<div class=\"scroll\"><table class=\"grid\" id=\"grid\">\n<tr><th "
        "class=\"site\"></th>", f);
  for(size_t i = 0; i < ndays; i++) {
    prb_scan_day_str(first + (int32_t)i, d, sizeof(d));
    /* day of month; the month where it starts */
    fprintf(f, "<th title=\"%s\">%s</th>", d,
            i == 0 || !strcmp(d + 8, "01") ? d + 5 : d + 8);
  }
  fputs("</tr>\n", f);
  for(size_t s = 0; s < nsites; s++) {
    const char *name = prb_rep_str(r, sites[s].name);
    prb_rep_site_row(r, s, first, row, conf, ndays);
    fputs("<tr><th class=\"site\">", f);
    esc(f, name);
    fputs("</th>", f);
    for(size_t i = 0; i < ndays; i++) {
      prb_scan_day_str(first + (int32_t)i, d, sizeof(d));
      const char *c = cls(row[i], conf[i]);
      fprintf(f, "<td class=\"c %s\" data-day=\"%s\" data-status=\"%s\" "
              "title=\"", c, d, c);
      esc(f, name);
      fprintf(f, " %s: %s\"></td>", d,
              prb_i18n(L, label(row[i], conf[i], false)));
    }
    fputs("</tr>\n", f);
  }
  fputs("</table></div>\n", f);
  free(row);
  free(conf);
  return 0;
}

static void site_by_network(FILE *f, const struct prb_rep *r, enum prb_lang L)
{
  size_t nsites, npairs, nnets;
  const struct prb_rep_site *sites = prb_rep_sites(r, &nsites);
  const struct prb_rep_pair *pairs = prb_rep_pairs(r, &npairs);
  const struct prb_rep_net *nets = prb_rep_nets(r, &nnets);
  fprintf(f, "<h2>%s</h2>\n<div class=\"scroll\"><table class=\"sxn\" "
          "id=\"sxn\">\n<tr><th class=\"site\">%s</th>",
          prb_i18n(L, PRB_M_SITE_NETWORK), prb_i18n(L, PRB_M_SITE));
  for(size_t n = 0; n < nnets; n++) {
    fputs("<th title=\"", f);
    esc(f, prb_rep_str(r, nets[n].name));
    fputs("\">", f);
    esc(f, prb_rep_str(r, nets[n].asn));
    fputs("</th>", f);
  }
  fputs("</tr>\n", f);
  for(size_t s = 0; s < nsites; s++) {
    fputs("<tr><th class=\"site\">", f);
    esc(f, prb_rep_str(r, sites[s].name));
    fputs("</th>", f);
    size_t p = sites[s].pair_begin;
    for(size_t n = 0; n < nnets; n++) {
      if(p < sites[s].pair_end && pairs[p].net == n) {
        const struct prb_rep_pair *x = &pairs[p++];
        const char *c = cls(x->status, x->confirmed);
        fprintf(f, "<td class=\"%s\" data-status=\"%s\">%s", c, c,
                prb_i18n(L, label(x->status, x->confirmed, false)));
        if(x->status == PRB_REP_S_BLOCKED)
          fprintf(f, " (%s, %lu %s)",
                  prb_scan_method_name((enum prb_method)x->method),
                  (unsigned long)x->days[PRB_REP_S_BLOCKED],
                  prb_i18n_noun(L, PRB_N_DAY, x->days[PRB_REP_S_BLOCKED]));
        fprintf(f, " · %llu</td>", (unsigned long long)total(&x->c));
      } else {
        fputs("<td class=\"none\" data-status=\"none\">–</td>", f);
      }
    }
    fputs("</tr>\n", f);
  }
  fputs("</table></div>\n", f);
}

static void networks(FILE *f, const struct prb_rep *r, enum prb_lang L)
{
  size_t nnets;
  const struct prb_rep_net *nets = prb_rep_nets(r, &nnets);
  fprintf(f, "<h2>%s</h2>\n<div class=\"scroll\"><table class=\"t\" "
          "id=\"networks\">\n<tr><th>%s</th><th>%s</th><th>%s</th><th>%s</th>"
          "<th>%s</th></tr>\n", prb_i18n(L, PRB_M_NETWORKS),
          prb_i18n(L, PRB_M_NETWORK), prb_i18n(L, PRB_M_NET_NAME),
          prb_i18n(L, PRB_M_SITES), prb_i18n(L, PRB_M_SITES_BLOCKED),
          prb_i18n(L, PRB_M_MEASUREMENTS));
  for(size_t n = 0; n < nnets; n++) {
    fputs("<tr><td>", f);
    esc(f, prb_rep_str(r, nets[n].asn));
    fputs("</td><td>", f);
    esc(f, prb_rep_str(r, nets[n].name));
    fprintf(f, "</td><td class=\"n\">%lu</td><td class=\"n\">%lu</td>"
            "<td class=\"n\">%llu</td></tr>\n", (unsigned long)nets[n].sites,
            (unsigned long)nets[n].sites_blocked,
            (unsigned long long)total(&nets[n].c));
  }
  fputs("</table></div>\n", f);
}

int prb_report_fmt_html(const struct prb_rep *r, enum prb_lang L, FILE *f)
{
  const struct prb_rep_totals *t = prb_rep_totals(r);
  char from[16] = "–", to[16] = "–", para[2048];
  if(t->last_day >= t->first_day) {
    prb_scan_day_str(t->first_day, from, sizeof(from));
    prb_scan_day_str(t->last_day, to, sizeof(to));
  }
  prb_i18n_summary(L, t, from, to, para, sizeof(para));
  fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\""
          "utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" "
          "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
          "<title>%s %s – %s</title>\n<style>%s</style>\n</head>\n<body>\n"
          "<h1>%s</h1>\n<p><b>%s:</b> %s – %s</p>\n<p id=\"paragraph\">",
          prb_i18n_code(L), prb_i18n(L, PRB_M_TITLE), from, to, css,
          prb_i18n(L, PRB_M_TITLE), prb_i18n(L, PRB_M_PERIOD), from, to);
  esc(f, para);
  fputs("</p>\n", f);
  summary(f, t, L);
  if(grid(f, r, L))
    return -1;
  site_by_network(f, r, L);
  networks(f, r, L);
  fprintf(f, "<p class=\"note\">%s %u.</p>\n<p class=\"note\">%s</p>\n",
          prb_i18n(L, PRB_M_RULE), prb_rep_options(r)->min_blocked,
          prb_i18n(L, PRB_M_SOURCES));
  if(t->malformed)
    fprintf(f, "<p class=\"note\">%s: %llu.</p>\n", prb_i18n(L, PRB_M_SKIPPED),
            (unsigned long long)t->malformed);
  fputs("</body>\n</html>\n", f);
  return 0;
}
