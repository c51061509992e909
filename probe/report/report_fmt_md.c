/* report_fmt_md.c: a paragraph and tables a monitor can paste into a
 * monthly report: the summary, the change against the previous period,
 * the blocked websites with their categories, the categories, the
 * problems by network and the networks, all in words. Text from the input
 * (sites, network names, categories, the title) is escaped so it can
 * neither break a table nor become markup or HTML. */
#include "report/report_fmt.h"

#include <stdlib.h>
#include <string.h>

static void text(FILE *f, const char *s)
{
  for(const unsigned char *p = (const unsigned char *)s; *p; p++) {
    switch(*p) {
    case '&': fputs("&amp;", f); break;
    case '<': fputs("&lt;", f); break;
    case '>': fputs("&gt;", f); break;
    case '|': case '\\': case '*': case '_': case '`': case '[': case ']':
    case '#': case '~': case '!': case '(': case ')':
      fputc('\\', f);
      fputc(*p, f);
      break;
    default:
      fputc(*p < 0x20 || *p == 0x7f ? ' ' : *p, f);
    }
  }
}

/* "JSC Kazakhtelecom (AS9198)": the name escaped, the AS number as it is
 * (the scanner let only "AS" and digits through). */
static void net(FILE *f, const struct prb_rep *r, const struct prb_rep_net *n,
                enum prb_lang L)
{
  bool control;
  const char *name = prb_view_net_name(r, n, L, &control);
  if(!name[0]) {
    fputs(prb_rep_str(r, n->asn), f);
    return;
  }
  text(f, name);
  fprintf(f, "%s (%s)", control ? "\\*" : "", prb_rep_str(r, n->asn));
}

/* A table's heading and alignment rows. */
static void head(FILE *f, const struct prb_view_col *cols, size_t n,
                 enum prb_lang L)
{
  for(size_t i = 0; i < n; i++)
    fprintf(f, "| %s ", prb_i18n(L, cols[i].label));
  fputs("|\n", f);
  for(size_t i = 0; i < n; i++)
    fputs(cols[i].num ? "|--:" : "|---", f);
  fputs("|\n", f);
}

static void row(FILE *f, const char *label, const struct prb_rep_figure *x)
{
  fputs("| ", f);
  fputs(label, f);
  fprintf(f, " | %llu | %llu |\n", (unsigned long long)x->sites,
          (unsigned long long)x->measurements);
}

static void summary(FILE *f, const struct prb_rep_totals *t, enum prb_lang L)
{
  char label[200];
  fprintf(f, "## %s\n\n| %s | %s | %s |\n|---|--:|--:|\n",
          prb_i18n(L, PRB_M_SUMMARY), prb_i18n(L, PRB_M_FIGURE),
          prb_i18n(L, PRB_M_SITES), prb_i18n(L, PRB_M_MEASUREMENTS));
  row(f, prb_i18n(L, PRB_M_MEASURED), &t->measured);
  row(f, prb_i18n(L, PRB_M_PROBLEMS), &t->problems);
  row(f, prb_i18n(L, PRB_M_BLOCKED), &t->blocked);
  snprintf(label, sizeof(label), "— %s", prb_i18n(L, PRB_M_CONFIRMED));
  row(f, label, &t->blocked_confirmed);
  snprintf(label, sizeof(label), "— %s", prb_i18n(L, PRB_M_UNCONFIRMED));
  row(f, label, &t->blocked_unconfirmed);
  for(int m = PRB_METHOD_DNS; m <= PRB_METHOD_COUNT; m++) {
    int mm = m == PRB_METHOD_COUNT ? PRB_METHOD_NONE : m;
    if(mm == PRB_METHOD_NONE && !t->blocked_method[mm].sites)
      continue;
    snprintf(label, sizeof(label), "— %s: %s", prb_i18n(L, PRB_M_BY_METHOD),
             prb_i18n_method(L, (enum prb_method)mm));
    row(f, label, &t->blocked_method[mm]);
  }
  row(f, prb_i18n(L, PRB_M_THROTTLED), &t->throttled);
  row(f, prb_i18n(L, PRB_M_DOWN), &t->down);
  row(f, prb_i18n(L, PRB_M_INCONCLUSIVE), &t->inconclusive);
  fprintf(f, "| %s | %lu | %llu |\n\n", prb_i18n(L, PRB_M_NETWORKS),
          (unsigned long)t->networks,
          (unsigned long long)t->measured.measurements);
}

struct list {
  FILE *f;
  enum prb_lang lang;
  enum prb_msg label;
  size_t n;
};

/* One site of a list of those blocked in one period and not the other. */
static void list_site(void *ctx, const char *site, bool measured)
{
  struct list *l = ctx;
  if(!l->n++)
    fprintf(l->f, "**%s:** ", prb_i18n(l->lang, l->label));
  else
    fputs(", ", l->f);
  text(l->f, site);
  if(!measured && l->label == PRB_M_NO_LONGER_BLOCKED)
    fprintf(l->f, " (%s)", prb_i18n(l->lang, PRB_M_NOT_MEASURED_NOW));
}

static void site_list(FILE *f, const struct prb_rep *a, const struct prb_rep *b,
                      enum prb_lang L, enum prb_msg label)
{
  struct list l = {f, L, label, 0};
  if(prb_view_blocked_not_in(a, b, list_site, &l))
    fputs(".\n\n", f);
}

static void change(FILE *f, const struct prb_rep *r, const struct prb_rep *prev,
                   enum prb_lang L)
{
  struct prb_view_change rows[PRB_VIEW_CHANGES];
  char from[16], to[16], delta[32];
  prb_view_period(prev, L, from, to, sizeof(from));
  prb_view_changes(r, prev, rows);
  fprintf(f, "## %s (%s – %s)\n\n", prb_i18n(L, PRB_M_CHANGE), from, to);
  head(f, prb_view_change_cols, PRB_VIEW_CHANGE_COLS, L);
  for(size_t i = 0; i < PRB_VIEW_CHANGES; i++) {
    prb_view_delta(rows[i].now, rows[i].before, delta, sizeof(delta));
    fprintf(f, "| %s%s | %llu | %llu | %s |\n", rows[i].indent ? "— " : "",
            prb_i18n(L, rows[i].label), (unsigned long long)rows[i].now,
            (unsigned long long)rows[i].before, delta);
  }
  fputc('\n', f);
  site_list(f, r, prev, L, PRB_M_NEWLY_BLOCKED);
  site_list(f, prev, r, L, PRB_M_NO_LONGER_BLOCKED);
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
  fputs(first ? "" : ", ", w->f);
  if(w->asn_only)
    fputs(prb_rep_str(w->r, n->asn), w->f);
  else
    net(w->f, w->r, n, w->lang);
}

static void blocked_sites(FILE *f, const struct prb_rep *r, enum prb_lang L)
{
  size_t nsites;
  const struct prb_rep_site *sites = prb_rep_sites(r, &nsites);
  struct prb_view_blocked_row row;
  fprintf(f, "## %s\n\n", prb_i18n(L, PRB_M_BLOCKED_SITES));
  if(!prb_rep_totals(r)->blocked.sites) {
    fprintf(f, "%s\n\n", prb_i18n(L, PRB_M_NONE_BLOCKED));
    return;
  }
  head(f, prb_view_blocked_cols, PRB_VIEW_BLOCKED_COLS, L);
  for(size_t i = 0; i < nsites; i++) {
    if(!prb_view_blocked_row(r, &sites[i], L, &row))
      continue;
    struct where w = {f, r, L, row.asn_only};
    fputs("| ", f);
    text(f, row.site);
    fputs(" | ", f);
    text(f, row.category);
    fprintf(f, " | %s | %s | %s", row.methods, row.confirmed, row.nets_count);
    prb_view_each_blocking_net(r, &sites[i], where_net, &w);
    fprintf(f, " | %s | %s | %lu | %llu |\n", row.first, row.last, row.days,
            row.measurements);
  }
  fputc('\n', f);
}

static int categories(FILE *f, const struct prb_rep *r, enum prb_lang L)
{
  struct prb_view_cat *rows;
  long n = prb_view_categories(r, &rows);
  if(n < 0)
    return -1;
  fprintf(f, "## %s\n\n", prb_i18n(L, PRB_M_CATEGORIES));
  head(f, prb_view_category_cols, PRB_VIEW_CATEGORY_COLS, L);
  for(long i = 0; i < n; i++) {
    fputs("| ", f);
    text(f, prb_i18n_category(L, rows[i].code));
    fprintf(f, " | %llu | %llu | %llu | %llu | %llu |\n",
            (unsigned long long)rows[i].sites,
            (unsigned long long)rows[i].blocked,
            (unsigned long long)rows[i].other_problems,
            (unsigned long long)rows[i].ok,
            (unsigned long long)rows[i].measurements);
  }
  fputc('\n', f);
  free(rows);
  return 0;
}

/* Only pairs with a problem: the CSV has every pair. */
static void by_network(FILE *f, const struct prb_rep *r, enum prb_lang L)
{
  size_t nsites, npairs, nnets;
  const struct prb_rep_site *sites = prb_rep_sites(r, &nsites);
  const struct prb_rep_pair *pairs = prb_rep_pairs(r, &npairs);
  const struct prb_rep_net *nets = prb_rep_nets(r, &nnets);
  bool any = false;
  for(size_t i = 0; i < npairs; i++) {
    const struct prb_rep_pair *p = &pairs[i];
    if(p->status == PRB_REP_S_OK)
      continue;
    if(!any) {
      fprintf(f, "## %s\n\n| %s | %s | %s | %s | %s | %s |\n"
              "|---|---|---|---|--:|--:|\n",
              prb_i18n(L, PRB_M_SITE_NETWORK), prb_i18n(L, PRB_M_SITE),
              prb_i18n(L, PRB_M_NETWORK), prb_i18n(L, PRB_M_STATUS),
              prb_i18n(L, PRB_M_METHOD), prb_i18n(L, PRB_M_DAYS_BLOCKED),
              prb_i18n(L, PRB_M_MEASUREMENTS));
      any = true;
    }
    fputs("| ", f);
    text(f, prb_rep_str(r, sites[p->site].name));
    fputs(" | ", f);
    net(f, r, &nets[p->net], L);
    fprintf(f, " | %s | %s | %lu | %llu |\n",
            prb_i18n(L, prb_view_status_msg(p->status, p->confirmed, false)),
            p->status == PRB_REP_S_BLOCKED
              ? prb_i18n_method(L, (enum prb_method)p->method) : "–",
            (unsigned long)p->days[PRB_REP_S_BLOCKED],
            (unsigned long long)prb_view_total(&p->c));
  }
  if(any)
    fputc('\n', f);
}

static void networks(FILE *f, const struct prb_rep *r, enum prb_lang L)
{
  size_t nnets;
  const struct prb_rep_net *nets = prb_rep_nets(r, &nnets);
  fprintf(f, "## %s\n\n", prb_i18n(L, PRB_M_NETWORKS));
  head(f, prb_view_network_cols, PRB_VIEW_NETWORK_COLS, L);
  for(size_t i = 0; i < nnets; i++) {
    bool control;
    const char *name = prb_view_net_name(r, &nets[i], L, &control);
    fprintf(f, "| %s | ", prb_rep_str(r, nets[i].asn));
    text(f, name);
    fprintf(f, "%s | %lu | %lu | %llu |\n", control ? "\\*" : "",
            (unsigned long)nets[i].sites, (unsigned long)nets[i].sites_blocked,
            (unsigned long long)prb_view_total(&nets[i].c));
  }
  fputc('\n', f);
}

int prb_report_fmt_md(const struct prb_rep *r, const struct prb_report_view *v,
                      FILE *f)
{
  enum prb_lang L = v->lang;
  const struct prb_rep_totals *t = prb_rep_totals(r);
  char from[16], to[16], para[2048];
  fputs("# ", f);
  text(f, prb_view_title(v));
  fputs("\n\n", f);
  if(prb_view_period(r, L, from, to, sizeof(from)))
    fprintf(f, "**%s:** %s – %s\n\n", prb_i18n(L, PRB_M_PERIOD), from, to);
  if(!t->measured.sites) {
    prb_i18n_no_data(L, t, para, sizeof(para));
    fprintf(f, "%s\n", para);
  } else {
    prb_i18n_summary(L, t, from, to, para, sizeof(para));
    fprintf(f, "%s\n\n", para);
    summary(f, t, L);
    if(v->prev)
      change(f, r, v->prev, L);
    blocked_sites(f, r, L);
    if(categories(f, r, L))
      return -1;
    by_network(f, r, L);
    networks(f, r, L);
    fprintf(f, "%s %u.\n\n%s\n", prb_i18n(L, PRB_M_RULE),
            prb_rep_options(r)->min_blocked, prb_i18n(L, PRB_M_SOURCES));
    if(prb_view_names_from_control(r))
      fprintf(f, "\n%s\n", prb_i18n(L, PRB_M_NAMES_NOTE));
  }
  if(t->malformed)
    fprintf(f, "\n%s: %llu.\n", prb_i18n(L, PRB_M_SKIPPED),
            (unsigned long long)t->malformed);
  return 0;
}
