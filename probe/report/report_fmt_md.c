/* report_fmt_md.c: a paragraph and tables a monitor can paste into a
 * monthly report. Text from the input (sites, network names, categories)
 * is escaped so it can neither break a table nor become markup or HTML. */
#include "report/report_fmt.h"

#include <limits.h>
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

static void day(FILE *f, int32_t d)
{
  char buf[16];
  if(d == INT32_MAX || d == INT32_MIN) {
    fputs("–", f);
    return;
  }
  prb_scan_day_str(d, buf, sizeof(buf));
  fputs(buf, f);
}

static enum prb_msg status_msg(uint8_t s, bool site)
{
  switch(s) {
  case PRB_REP_S_OK: return PRB_M_S_OK;
  case PRB_REP_S_DOWN: return PRB_M_S_DOWN;
  case PRB_REP_S_ANOMALY:
    return site ? PRB_M_S_INCONCLUSIVE : PRB_M_S_ANOMALY;
  case PRB_REP_S_THROTTLED: return PRB_M_S_THROTTLED;
  case PRB_REP_S_BLOCKED: return PRB_M_S_BLOCKED;
  case PRB_REP_S_NOVERDICT: return PRB_M_S_NOVERDICT;
  default: return PRB_M_S_NONE;
  }
}

static void row(FILE *f, const char *label, const struct prb_rep_figure *x)
{
  fputs("| ", f);
  fputs(label, f);
  fprintf(f, " | %llu | %llu |\n", (unsigned long long)x->sites,
          (unsigned long long)x->measurements);
}

static uint64_t total(const struct prb_rep_counts *c)
{
  return c->v[PRB_VERDICT_OK] + c->v[PRB_VERDICT_BLOCKED] +
    c->v[PRB_VERDICT_THROTTLED] + c->v[PRB_VERDICT_DOWN] +
    c->v[PRB_VERDICT_INCONCLUSIVE];
}

int prb_report_fmt_md(const struct prb_rep *r, enum prb_lang L, FILE *f)
{
  const struct prb_rep_totals *t = prb_rep_totals(r);
  size_t nsites, npairs, nnets;
  const struct prb_rep_site *sites = prb_rep_sites(r, &nsites);
  const struct prb_rep_pair *pairs = prb_rep_pairs(r, &npairs);
  const struct prb_rep_net *nets = prb_rep_nets(r, &nnets);
  char from[16] = "–", to[16] = "–";
  if(t->last_day >= t->first_day) {
    prb_scan_day_str(t->first_day, from, sizeof(from));
    prb_scan_day_str(t->last_day, to, sizeof(to));
  }
  char para[2048];
  prb_i18n_summary(L, t, from, to, para, sizeof(para));

  fprintf(f, "# %s\n\n**%s:** %s – %s\n\n%s\n\n", prb_i18n(L, PRB_M_TITLE),
          prb_i18n(L, PRB_M_PERIOD), from, to, para);

  fprintf(f, "## %s\n\n| %s | %s | %s |\n|---|--:|--:|\n",
          prb_i18n(L, PRB_M_SUMMARY), prb_i18n(L, PRB_M_FIGURE),
          prb_i18n(L, PRB_M_SITES), prb_i18n(L, PRB_M_MEASUREMENTS));
  row(f, prb_i18n(L, PRB_M_MEASURED), &t->measured);
  row(f, prb_i18n(L, PRB_M_PROBLEMS), &t->problems);
  row(f, prb_i18n(L, PRB_M_BLOCKED), &t->blocked);
  char label[160];
  snprintf(label, sizeof(label), "— %s", prb_i18n(L, PRB_M_CONFIRMED));
  row(f, label, &t->blocked_confirmed);
  snprintf(label, sizeof(label), "— %s", prb_i18n(L, PRB_M_UNCONFIRMED));
  row(f, label, &t->blocked_unconfirmed);
  for(int m = PRB_METHOD_DNS; m <= PRB_METHOD_COUNT; m++) {
    int mm = m == PRB_METHOD_COUNT ? PRB_METHOD_NONE : m;
    if(mm == PRB_METHOD_NONE && !t->blocked_method[mm].sites)
      continue;
    snprintf(label, sizeof(label), "— %s: %s", prb_i18n(L, PRB_M_BY_METHOD),
             prb_scan_method_name((enum prb_method)mm));
    row(f, label, &t->blocked_method[mm]);
  }
  row(f, prb_i18n(L, PRB_M_THROTTLED), &t->throttled);
  row(f, prb_i18n(L, PRB_M_DOWN), &t->down);
  row(f, prb_i18n(L, PRB_M_INCONCLUSIVE), &t->inconclusive);
  fprintf(f, "| %s | %lu | %llu |\n\n", prb_i18n(L, PRB_M_NETWORKS),
          (unsigned long)t->networks,
          (unsigned long long)t->measured.measurements);

  fprintf(f, "## %s\n\n", prb_i18n(L, PRB_M_BLOCKED_SITES));
  if(!t->blocked.sites) {
    fprintf(f, "%s\n\n", prb_i18n(L, PRB_M_NONE_BLOCKED));
  } else {
    fprintf(f, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n"
            "|---|---|---|---|---|---|---|--:|--:|\n",
            prb_i18n(L, PRB_M_SITE), prb_i18n(L, PRB_M_CATEGORY),
            prb_i18n(L, PRB_M_METHOD), prb_i18n(L, PRB_M_CONFIRMED),
            prb_i18n(L, PRB_M_WHERE), prb_i18n(L, PRB_M_FIRST),
            prb_i18n(L, PRB_M_LAST), prb_i18n(L, PRB_M_DAYS_BLOCKED),
            prb_i18n(L, PRB_M_MEASUREMENTS));
    for(size_t i = 0; i < nsites; i++) {
      const struct prb_rep_site *s = &sites[i];
      if(s->status != PRB_REP_S_BLOCKED)
        continue;
      fputs("| ", f);
      text(f, prb_rep_str(r, s->name));
      fputs(" | ", f);
      text(f, s->category == UINT32_MAX ? "" : prb_rep_str(r, s->category));
      fputs(" | ", f);
      bool first = true;
      uint32_t days_blocked = 0;
      for(int m = 0; m < PRB_METHOD_COUNT; m++) {
        days_blocked += s->method_days[m];
        if(!s->method_days[m])
          continue;
        fprintf(f, "%s%s", first ? "" : ", ",
                prb_scan_method_name((enum prb_method)m));
        first = false;
      }
      fprintf(f, " | %s | ", prb_i18n(L, s->confirmed ? PRB_M_YES : PRB_M_NO));
      first = true;
      for(size_t p = s->pair_begin; p < s->pair_end; p++) {
        if(pairs[p].status != PRB_REP_S_BLOCKED)
          continue;
        fputs(first ? "" : ", ", f);
        text(f, prb_rep_str(r, nets[pairs[p].net].asn));
        first = false;
      }
      fputs(" | ", f);
      day(f, s->first_blocked);
      fputs(" | ", f);
      day(f, s->last_blocked);
      fprintf(f, " | %lu | %llu |\n", (unsigned long)days_blocked,
              (unsigned long long)total(&s->c));
    }
    fputc('\n', f);
  }

  /* Only pairs with a problem: the CSV has every pair. */
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
    text(f, prb_rep_str(r, nets[p->net].asn));
    fprintf(f, " | %s%s | %s | %lu | %llu |\n",
            prb_i18n(L, status_msg(p->status, false)),
            p->confirmed ? " ✓" : "",
            p->status == PRB_REP_S_BLOCKED
              ? prb_scan_method_name((enum prb_method)p->method) : "–",
            (unsigned long)p->days[PRB_REP_S_BLOCKED],
            (unsigned long long)total(&p->c));
  }
  if(any)
    fputc('\n', f);

  fprintf(f, "## %s\n\n| %s | %s | %s | %s | %s |\n|---|---|--:|--:|--:|\n",
          prb_i18n(L, PRB_M_NETWORKS), prb_i18n(L, PRB_M_NETWORK),
          prb_i18n(L, PRB_M_NET_NAME), prb_i18n(L, PRB_M_SITES),
          prb_i18n(L, PRB_M_SITES_BLOCKED), prb_i18n(L, PRB_M_MEASUREMENTS));
  for(size_t i = 0; i < nnets; i++) {
    fputs("| ", f);
    text(f, prb_rep_str(r, nets[i].asn));
    fputs(" | ", f);
    text(f, prb_rep_str(r, nets[i].name));
    fprintf(f, " | %lu | %lu | %llu |\n", (unsigned long)nets[i].sites,
            (unsigned long)nets[i].sites_blocked,
            (unsigned long long)total(&nets[i].c));
  }
  fprintf(f, "\n%s %u.\n\n%s\n", prb_i18n(L, PRB_M_RULE),
          prb_rep_options(r)->min_blocked, prb_i18n(L, PRB_M_SOURCES));
  if(t->malformed)
    fprintf(f, "\n%s: %llu.\n", prb_i18n(L, PRB_M_SKIPPED),
            (unsigned long long)t->malformed);
  return 0;
}
