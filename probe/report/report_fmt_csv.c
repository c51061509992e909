/* report_fmt_csv.c: one CSV row per (site, network), RFC 4180 quoting.
 * Cells that a spreadsheet would run as a formula (leading = + - @ TAB CR)
 * get a leading apostrophe: sites and names come from untrusted input. */
#include "report/report_fmt.h"

#include <limits.h>
#include <string.h>

static void cell(FILE *f, const char *s)
{
  bool quote = strpbrk(s, ",\"\r\n") != NULL;
  bool formula = s[0] == '=' || s[0] == '+' || s[0] == '-' || s[0] == '@' ||
    s[0] == '\t' || s[0] == '\r';
  if(quote || formula)
    fputc('"', f);
  if(formula)
    fputc('\'', f);
  for(const char *p = s; *p; p++) {
    if(*p == '"')
      fputc('"', f);
    fputc(*p, f);
  }
  if(quote || formula)
    fputc('"', f);
}

static void day(FILE *f, int32_t d)
{
  char buf[16];
  if(d == INT32_MAX || d == INT32_MIN)
    return;
  prb_scan_day_str(d, buf, sizeof(buf));
  fputs(buf, f);
}

int prb_report_fmt_csv(const struct prb_rep *r, FILE *f)
{
  size_t nsites, npairs, nnets;
  const struct prb_rep_site *sites = prb_rep_sites(r, &nsites);
  const struct prb_rep_pair *pairs = prb_rep_pairs(r, &npairs);
  const struct prb_rep_net *nets = prb_rep_nets(r, &nnets);
  fputs("site,category,asn,network_name,status,confirmed,dominant_method,"
        "days_measured,days_blocked,first_blocked,last_blocked,measurements,"
        "ok,blocked,blocked_dns,blocked_tcp,blocked_tls,blocked_http,"
        "blocked_unknown,blocked_confirmed,throttled,down,inconclusive\r\n", f);
  for(size_t i = 0; i < npairs; i++) {
    const struct prb_rep_pair *p = &pairs[i];
    const struct prb_rep_site *s = &sites[p->site];
    const struct prb_rep_net *n = &nets[p->net];
    uint32_t measured_days = 0;
    for(int k = PRB_REP_S_NOVERDICT; k < PRB_REP_S_COUNT; k++)
      measured_days += p->days[k];
    const struct prb_rep_counts *c = &p->c;
    cell(f, prb_rep_str(r, s->name));
    fputc(',', f);
    cell(f, s->category == UINT32_MAX ? "" : prb_rep_str(r, s->category));
    fputc(',', f);
    cell(f, prb_rep_str(r, n->asn));
    fputc(',', f);
    cell(f, prb_rep_str(r, n->name));
    fprintf(f, ",%s,%s,%s,%lu,%lu,",
            prb_rep_status_name((enum prb_rep_status)p->status),
            p->confirmed ? "true" : "false",
            p->status == PRB_REP_S_BLOCKED
              ? prb_scan_method_name((enum prb_method)p->method) : "",
            (unsigned long)measured_days,
            (unsigned long)p->days[PRB_REP_S_BLOCKED]);
    day(f, p->first_blocked);
    fputc(',', f);
    day(f, p->last_blocked);
    uint64_t total = c->v[PRB_VERDICT_OK] + c->v[PRB_VERDICT_BLOCKED] +
      c->v[PRB_VERDICT_THROTTLED] + c->v[PRB_VERDICT_DOWN] +
      c->v[PRB_VERDICT_INCONCLUSIVE];
    fprintf(f, ",%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,%llu,"
            "%llu\r\n",
            (unsigned long long)total,
            (unsigned long long)c->v[PRB_VERDICT_OK],
            (unsigned long long)c->v[PRB_VERDICT_BLOCKED],
            (unsigned long long)c->m[PRB_METHOD_DNS],
            (unsigned long long)c->m[PRB_METHOD_TCP],
            (unsigned long long)c->m[PRB_METHOD_TLS],
            (unsigned long long)c->m[PRB_METHOD_HTTP],
            (unsigned long long)c->m[PRB_METHOD_NONE],
            (unsigned long long)c->confirmed,
            (unsigned long long)c->v[PRB_VERDICT_THROTTLED],
            (unsigned long long)c->v[PRB_VERDICT_DOWN],
            (unsigned long long)c->v[PRB_VERDICT_INCONCLUSIVE]);
  }
  return 0;
}
