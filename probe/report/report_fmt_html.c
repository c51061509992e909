/* report_fmt_html.c: one self-contained page (inline CSS and SVG, no
 * script, no external resource) to paste into a monthly report or print
 * on A4: the period summary, the change against the previous period, the
 * blocked websites with their categories, the categories, the chart and
 * the grid (report_fmt_html_days.c), each network's websites and the
 * networks. Every status has its own colour, told apart with any common
 * colour-vision deficiency (tests/report/cvd.py checks the legend). Every
 * string from the input is HTML-escaped, in text and in attributes
 * alike. */
#include "report/report_fmt_html.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

void prb_html_esc(FILE *f, const char *s)
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

const char *prb_html_cls(uint8_t s, bool conf)
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

/* The palette: each status its own colour, every pair at least 20
 * CIEDE2000 apart for normal vision and simulated protanopia,
 * deuteranopia and tritanopia (tests/report/test_html.py); "no verdict"
 * is hatched as well, and a confirmed day carries a dot. */
static const char css[] =
  "body{font:15px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
  "margin:0 auto;padding:12px;max-width:1100px;color:#212529;"
  "background:#fff}"
  "h1{font-size:1.5em;margin:.2em 0}h2{font-size:1.15em;margin:1.4em 0 .4em}"
  "h3{font-size:1em;margin:0 0 .3em}"
  ".scroll{overflow-x:auto;-webkit-overflow-scrolling:touch;max-width:100%}"
  "table{border-collapse:collapse}"
  "table.t td,table.t th{border:1px solid #dee2e6;padding:3px 7px;"
  "text-align:left;vertical-align:top;overflow-wrap:break-word}"
  "table.t td.n,table.t th.n{text-align:right}"
  "table.t td.n,table.t td.d{white-space:nowrap}"
  "table.grid{border-spacing:0}"
  "table.grid th{font-weight:normal;font-size:11px;color:#495057;"
  "padding:0 1px;text-align:center}"
  "table.grid th.month{text-align:left;white-space:nowrap;font-size:12px;"
  "border-left:1px solid #adb5bd;padding-left:3px}"
  "table.grid th.site{position:sticky;left:0;background:#fff;"
  "text-align:left;padding-right:6px;white-space:nowrap;font-size:13px;"
  "color:#212529}"
  "td.c{width:14px;min-width:14px;height:18px;padding:0;"
  "border:1px solid #fff}"
  ".ok{background:#46b9a6}.blocked{background:#e34e1c}"
  ".confirmed{background:#5c0a0a}.anomaly{background:#f7d56e}"
  ".throttled{background:#30208a}.down{background:#646464}"
  ".noverdict{background:repeating-linear-gradient(135deg,#9a9a9a 0 1px,"
  "transparent 1px 4px) #dcdcdc}.none{background:#f7f7f7}"
  "td.c.confirmed::after{content:'';display:block;width:4px;height:4px;"
  "margin:auto;border-radius:50%;background:#fff}"
  "i.sw{display:inline-block;width:12px;height:12px;margin-right:4px;"
  "vertical-align:-1px;border:1px solid #495057}"
  ".legend span{display:inline-block;margin:0 10px 4px 0;font-size:13px}"
  "p.note{font-size:13px;color:#495057}"
  ".cards,.charts{display:grid;gap:10px;"
  "grid-template-columns:repeat(auto-fill,minmax(290px,1fr))}"
  ".card{border:1px solid #dee2e6;border-radius:4px;padding:8px 10px;"
  "break-inside:avoid}"
  ".card p{margin:.2em 0;font-size:13px}.card ul{margin:.3em 0;"
  "padding-left:0;list-style:none;font-size:13px}"
  ".card li{margin:2px 0;overflow-wrap:anywhere}"
  "figure.chart{margin:0;border:1px solid #dee2e6;border-radius:4px;"
  "padding:6px 8px;break-inside:avoid}"
  "figure.chart figcaption{font-size:13px;font-weight:600}"
  "figure.chart svg{width:100%;height:auto;display:block}"
  "svg rect.blocked{fill:#e34e1c}svg rect.confirmed{fill:#5c0a0a}"
  "svg line.axis{stroke:#495057;stroke-width:1}"
  "svg line.grid{stroke:#dee2e6;stroke-width:1}"
  "svg text{font-size:9px;fill:#495057}svg text.y{text-anchor:end}"
  "svg text.x1{text-anchor:end}"
  "@media (max-width:600px){body{font-size:14px;padding:8px}"
  "table.t td,table.t th{padding:2px 4px}}"
  "@page{size:A4;margin:14mm 12mm}"
  "@media print{*{-webkit-print-color-adjust:exact;print-color-adjust:exact}"
  "body{max-width:none;padding:0;font-size:10pt}"
  "h2{break-after:avoid}tr,figure,.card{break-inside:avoid}"
  ".scroll{overflow:visible}table.t{width:100%;font-size:8.5pt}"
  "table.t td,table.t th{padding:2px 4px}"
  "table.grid{table-layout:fixed;width:100%}"
  "table.grid th.site{position:static;width:9em;font-size:8pt;"
  "white-space:normal;overflow-wrap:anywhere}"
  "table.grid th{font-size:7pt}th.minor{visibility:hidden}"
  "td.c{width:auto;min-width:0;height:12px}"
  ".cards,.charts{grid-template-columns:1fr 1fr}}";

/* A table's heading row (in <thead>, repeated on each printed page) and
 * the start of its body. */
static void head(FILE *f, const char *id, const struct prb_view_col *cols,
                 size_t n, enum prb_lang L)
{
  fprintf(f, "<div class=\"scroll\"><table class=\"t\" id=\"%s\">\n"
          "<thead><tr>", id);
  for(size_t i = 0; i < n; i++)
    fprintf(f, "<th%s>%s</th>", cols[i].num ? " class=\"n\"" : "",
            prb_i18n(L, cols[i].label));
  fputs("</tr></thead>\n<tbody>\n", f);
}

/* A table cell with a number. */
static void num_td(FILE *f, uint64_t n)
{
  fprintf(f, "<td class=\"n\">%llu</td>", (unsigned long long)n);
}

static void fig(FILE *f, const char *name, const struct prb_rep_figure *x,
                const char *id)
{
  fprintf(f, "<tr id=\"%s\"><td>", id);
  prb_html_esc(f, name);
  fputs("</td>", f);
  num_td(f, x->sites);
  num_td(f, x->measurements);
  fputs("</tr>\n", f);
}

static void summary(FILE *f, const struct prb_rep_totals *t, enum prb_lang L)
{
  char buf[200];
  fprintf(f, "<h2>%s</h2>\n<div class=\"scroll\"><table class=\"t\" "
          "id=\"summary\">\n<thead><tr><th>%s</th><th class=\"n\">%s</th>"
          "<th class=\"n\">%s</th></tr></thead>\n"
          "<tbody>\n",
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
             prb_i18n_method(L, (enum prb_method)mm));
    snprintf(id, sizeof(id), "f-%s",
             prb_scan_method_name((enum prb_method)mm));
    fig(f, buf, &t->blocked_method[mm], id);
  }
  fig(f, prb_i18n(L, PRB_M_THROTTLED), &t->throttled, "f-throttled");
  fig(f, prb_i18n(L, PRB_M_DOWN), &t->down, "f-down");
  fig(f, prb_i18n(L, PRB_M_INCONCLUSIVE), &t->inconclusive, "f-inconclusive");
  fprintf(f, "<tr id=\"f-networks\"><td>%s</td>", prb_i18n(L, PRB_M_NETWORKS));
  num_td(f, t->networks);
  num_td(f, t->measured.measurements);
  fputs("</tr>\n</tbody></table></div>\n", f);
}

struct list {
  FILE *f;
  enum prb_lang lang;
  enum prb_msg label;
  const char *id;
  size_t n;
};

/* One site of a list of those blocked in one period and not the other. */
static void list_site(void *ctx, const char *site, bool measured)
{
  struct list *l = ctx;
  if(!l->n++)
    fprintf(l->f, "<p id=\"%s\"><b>%s:</b> ", l->id,
            prb_i18n(l->lang, l->label));
  else
    fputs(", ", l->f);
  fputs("<span class=\"site\">", l->f);
  prb_html_esc(l->f, site);
  fputs("</span>", l->f);
  if(!measured && l->label == PRB_M_NO_LONGER_BLOCKED)
    fprintf(l->f, " (%s)", prb_i18n(l->lang, PRB_M_NOT_MEASURED_NOW));
}

static void site_list(FILE *f, const struct prb_rep *a, const struct prb_rep *b,
                      enum prb_lang L, enum prb_msg label, const char *id)
{
  struct list l = {f, L, label, id, 0};
  if(prb_view_blocked_not_in(a, b, list_site, &l))
    fputs(".</p>\n", f);
}

static void change(FILE *f, const struct prb_rep *r, const struct prb_rep *prev,
                   enum prb_lang L)
{
  struct prb_view_change rows[PRB_VIEW_CHANGES];
  char from[16], to[16], delta[32];
  prb_view_period(prev, L, from, to, sizeof(from));
  prb_view_changes(r, prev, rows);
  fprintf(f, "<h2>%s (%s – %s)</h2>\n", prb_i18n(L, PRB_M_CHANGE), from, to);
  head(f, "change", prb_view_change_cols, PRB_VIEW_CHANGE_COLS, L);
  for(size_t i = 0; i < PRB_VIEW_CHANGES; i++) {
    prb_view_delta(rows[i].now, rows[i].before, delta, sizeof(delta));
    fprintf(f, "<tr><td>%s%s</td>", rows[i].indent ? "— " : "",
            prb_i18n(L, rows[i].label));
    num_td(f, rows[i].now);
    num_td(f, rows[i].before);
    fprintf(f, "<td class=\"n\">%s</td></tr>\n", delta);
  }
  fputs("</tbody></table></div>\n", f);
  site_list(f, r, prev, L, PRB_M_NEWLY_BLOCKED, "newly-blocked");
  site_list(f, prev, r, L, PRB_M_NO_LONGER_BLOCKED, "no-longer-blocked");
}

static void net_label(FILE *f, const struct prb_rep *r,
                      const struct prb_rep_net *n, enum prb_lang L)
{
  char label[320];
  prb_view_net_label(r, n, L, label, sizeof(label));
  prb_html_esc(f, label);
}

struct where {
  FILE *f;
  const struct prb_rep *r;
  enum prb_lang lang;
  bool asn_only;
};

/* One network of a blocked site's "blocked on" cell. */
static void where_net(void *ctx, const struct prb_rep_net *n, bool first)
{
  struct where *w = ctx;
  if(w->asn_only) {
    fputs(first ? "" : ", ", w->f);
    prb_html_esc(w->f, prb_rep_str(w->r, n->asn));
  } else {
    fputs(first ? "" : "<br>", w->f);
    net_label(w->f, w->r, n, w->lang);
  }
}

static void blocked_sites(FILE *f, const struct prb_rep *r, enum prb_lang L)
{
  size_t nsites;
  const struct prb_rep_site *sites = prb_rep_sites(r, &nsites);
  struct prb_view_blocked_row row;
  fprintf(f, "<h2>%s</h2>\n", prb_i18n(L, PRB_M_BLOCKED_SITES));
  if(!prb_rep_totals(r)->blocked.sites) {
    fprintf(f, "<p>%s</p>\n", prb_i18n(L, PRB_M_NONE_BLOCKED));
    return;
  }
  head(f, "blocked", prb_view_blocked_cols, PRB_VIEW_BLOCKED_COLS, L);
  for(size_t i = 0; i < nsites; i++) {
    if(!prb_view_blocked_row(r, &sites[i], L, &row))
      continue;
    struct where w = {f, r, L, row.asn_only};
    fputs("<tr><td>", f);
    prb_html_esc(f, row.site);
    fputs("</td><td>", f);
    prb_html_esc(f, row.category);
    fprintf(f, "</td><td>%s</td><td>%s</td><td>%s", row.methods,
            row.confirmed, row.nets_count);
    prb_view_each_blocking_net(r, &sites[i], where_net, &w);
    fprintf(f, "</td><td class=\"d\">%s</td><td class=\"d\">%s</td>",
            row.first, row.last);
    num_td(f, row.days);
    num_td(f, row.measurements);
    fputs("</tr>\n", f);
  }
  fputs("</tbody></table></div>\n", f);
}

static int categories(FILE *f, const struct prb_rep *r, enum prb_lang L)
{
  struct prb_view_cat *rows;
  long n = prb_view_categories(r, &rows);
  if(n < 0)
    return -1;
  fprintf(f, "<h2>%s</h2>\n", prb_i18n(L, PRB_M_CATEGORIES));
  head(f, "categories", prb_view_category_cols, PRB_VIEW_CATEGORY_COLS, L);
  for(long i = 0; i < n; i++) {
    fputs("<tr><td>", f);
    prb_html_esc(f, prb_i18n_category(L, rows[i].code));
    fputs("</td>", f);
    num_td(f, rows[i].sites);
    num_td(f, rows[i].blocked);
    num_td(f, rows[i].other_problems);
    num_td(f, rows[i].ok);
    num_td(f, rows[i].measurements);
    fputs("</tr>\n", f);
  }
  fputs("</tbody></table></div>\n", f);
  free(rows);
  return 0;
}

/* One network's websites: its problems, worst first, then the sites that
 * were accessible, in one line. */
static void card(FILE *f, const struct prb_rep *r, size_t n, enum prb_lang L)
{
  static const uint8_t worst_first[] = {
    PRB_REP_S_BLOCKED, PRB_REP_S_THROTTLED, PRB_REP_S_DOWN,
    PRB_REP_S_ANOMALY, PRB_REP_S_NOVERDICT
  };
  size_t nsites, npairs, nnets;
  const struct prb_rep_site *sites = prb_rep_sites(r, &nsites);
  const struct prb_rep_pair *pairs = prb_rep_pairs(r, &npairs);
  const struct prb_rep_net *nets = prb_rep_nets(r, &nnets);
  const struct prb_rep_net *net = &nets[n];
  fputs("<section class=\"card\" data-asn=\"", f);
  prb_html_esc(f, prb_rep_str(r, net->asn));
  fputs("\"><h3>", f);
  net_label(f, r, net, L);
  fprintf(f, "</h3><p>%s: %lu · %s: %lu · %s: %llu</p>",
          prb_i18n(L, PRB_M_SITES), (unsigned long)net->sites,
          prb_i18n(L, PRB_M_SITES_BLOCKED), (unsigned long)net->sites_blocked,
          prb_i18n(L, PRB_M_MEASUREMENTS),
          (unsigned long long)prb_view_total(&net->c));
  bool any = false;
  for(size_t k = 0; k < sizeof(worst_first); k++)
    for(size_t p = 0; p < npairs; p++) {
      const struct prb_rep_pair *x = &pairs[p];
      if(x->net != n || x->status != worst_first[k])
        continue;
      const char *c = prb_html_cls(x->status, x->confirmed);
      fprintf(f, "%s<li data-status=\"%s\"><i class=\"sw %s\"></i>",
              any ? "" : "<ul>", c, c);
      any = true;
      prb_html_esc(f, prb_rep_str(r, sites[x->site].name));
      fprintf(f, " — %s", prb_i18n(L, prb_view_status_msg(x->status,
                                                           x->confirmed,
                                                           false)));
      if(x->status == PRB_REP_S_BLOCKED)
        fprintf(f, " (%s, %lu %s)",
                prb_i18n_method(L, (enum prb_method)x->method),
                (unsigned long)x->days[PRB_REP_S_BLOCKED],
                prb_i18n_noun(L, PRB_N_DAY, x->days[PRB_REP_S_BLOCKED]));
      fputs("</li>", f);
    }
  fputs(any ? "</ul>" : "", f);
  if(!any)
    fprintf(f, "<p>%s</p>", prb_i18n(L, PRB_M_NONE_THIS_NET));
  bool ok = false;
  for(size_t p = 0; p < npairs; p++) {
    if(pairs[p].net != n || pairs[p].status != PRB_REP_S_OK)
      continue;
    if(!ok)
      fprintf(f, "<p class=\"ok-list\"><i class=\"sw ok\"></i><b>%s:</b> ",
              prb_i18n(L, PRB_M_ACCESSIBLE));
    fputs(ok ? ", " : "", f);
    prb_html_esc(f, prb_rep_str(r, sites[pairs[p].site].name));
    ok = true;
  }
  fputs(ok ? ".</p>" : "", f);
  fputs("</section>\n", f);
}

static void cards(FILE *f, const struct prb_rep *r, enum prb_lang L)
{
  size_t nnets;
  prb_rep_nets(r, &nnets);
  fprintf(f, "<h2>%s</h2>\n<div class=\"cards\" id=\"cards\">\n",
          prb_i18n(L, PRB_M_SITE_NETWORK));
  for(size_t n = 0; n < nnets; n++)
    card(f, r, n, L);
  fputs("</div>\n", f);
}

static void networks(FILE *f, const struct prb_rep *r, enum prb_lang L)
{
  size_t nnets;
  const struct prb_rep_net *nets = prb_rep_nets(r, &nnets);
  fprintf(f, "<h2>%s</h2>\n", prb_i18n(L, PRB_M_NETWORKS));
  head(f, "networks", prb_view_network_cols, PRB_VIEW_NETWORK_COLS, L);
  for(size_t n = 0; n < nnets; n++) {
    bool control;
    const char *name = prb_view_net_name(r, &nets[n], L, &control);
    fputs("<tr><td>", f);
    prb_html_esc(f, prb_rep_str(r, nets[n].asn));
    fputs("</td><td>", f);
    prb_html_esc(f, name);
    fprintf(f, "%s</td>", control ? "*" : "");
    num_td(f, nets[n].sites);
    num_td(f, nets[n].sites_blocked);
    num_td(f, prb_view_total(&nets[n].c));
    fputs("</tr>\n", f);
  }
  fputs("</tbody></table></div>\n", f);
}

static void page_head(FILE *f, const struct prb_report_view *v,
                      const char *from, const char *to)
{
  fprintf(f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\""
          "utf-8\">\n<meta name=\"viewport\" content=\"width=device-width, "
          "initial-scale=1\">\n<meta http-equiv=\"Content-Security-Policy\" "
          "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n"
          "<title>", prb_i18n_code(v->lang));
  prb_html_esc(f, prb_view_title(v));
  if(from[0])
    fprintf(f, " %s – %s", from, to);
  fprintf(f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
  prb_html_esc(f, prb_view_title(v));
  fputs("</h1>\n", f);
  if(from[0])
    fprintf(f, "<p id=\"period\"><b>%s:</b> %s – %s</p>\n",
            prb_i18n(v->lang, PRB_M_PERIOD), from, to);
}

int prb_report_fmt_html(const struct prb_rep *r,
                        const struct prb_report_view *v, FILE *f)
{
  enum prb_lang L = v->lang;
  const struct prb_rep_totals *t = prb_rep_totals(r);
  char from[16], to[16], para[2048];
  prb_view_period(r, L, from, to, sizeof(from));
  page_head(f, v, from, to);
  if(!t->measured.sites) {
    prb_i18n_no_data(L, t, para, sizeof(para));
    fputs("<p id=\"paragraph\">", f);
    prb_html_esc(f, para);
    fputs("</p>\n", f);
  } else {
    prb_i18n_summary(L, t, from, to, para, sizeof(para));
    fputs("<p id=\"paragraph\">", f);
    prb_html_esc(f, para);
    fputs("</p>\n", f);
    summary(f, t, L);
    if(v->prev)
      change(f, r, v->prev, L);
    blocked_sites(f, r, L);
    if(categories(f, r, L) || prb_html_chart(f, r, L) ||
       prb_html_grid(f, r, L))
      return -1;
    cards(f, r, L);
    networks(f, r, L);
    fprintf(f, "<p class=\"note\">%s %u.</p>\n<p class=\"note\">%s</p>\n",
            prb_i18n(L, PRB_M_RULE), prb_rep_options(r)->min_blocked,
            prb_i18n(L, PRB_M_SOURCES));
    if(prb_view_names_from_control(r))
      fprintf(f, "<p class=\"note\">%s</p>\n", prb_i18n(L, PRB_M_NAMES_NOTE));
  }
  if(t->malformed)
    fprintf(f, "<p class=\"note\">%s: %llu.</p>\n", prb_i18n(L, PRB_M_SKIPPED),
            (unsigned long long)t->malformed);
  fputs("</body>\n</html>\n", f);
  return 0;
}
