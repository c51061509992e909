/* report_view.c: presentation data shared by the Markdown and HTML
 * reports (report_view.h). */
#include "report/report_view.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const struct prb_view_col prb_view_blocked_cols[PRB_VIEW_BLOCKED_COLS] = {
  {PRB_M_SITE, false}, {PRB_M_CATEGORY, false}, {PRB_M_METHOD, false},
  {PRB_M_CONFIRMED_HEAD, false}, {PRB_M_WHERE, false}, {PRB_M_FIRST, false},
  {PRB_M_LAST, false}, {PRB_M_DAYS_BLOCKED, true}, {PRB_M_MEASUREMENTS, true}
};
const struct prb_view_col prb_view_category_cols[PRB_VIEW_CATEGORY_COLS] = {
  {PRB_M_CATEGORY, false}, {PRB_M_SITES, true}, {PRB_M_BLOCKED, true},
  {PRB_M_OTHER_PROBLEMS, true}, {PRB_M_ACCESSIBLE, true},
  {PRB_M_MEASUREMENTS, true}
};
const struct prb_view_col prb_view_change_cols[PRB_VIEW_CHANGE_COLS] = {
  {PRB_M_FIGURE, false}, {PRB_M_THIS_PERIOD, true},
  {PRB_M_PREV_PERIOD, true}, {PRB_M_DIFF, true}
};
const struct prb_view_col prb_view_network_cols[PRB_VIEW_NETWORK_COLS] = {
  {PRB_M_NETWORK, false}, {PRB_M_NET_NAME, false}, {PRB_M_SITES, true},
  {PRB_M_SITES_BLOCKED, true}, {PRB_M_MEASUREMENTS, true}
};

const char *prb_view_category(const struct prb_rep *r,
                              const struct prb_rep_site *s,
                              enum prb_lang lang)
{
  return prb_i18n_category(lang, s->category == UINT32_MAX
                                   ? "" : prb_rep_str(r, s->category));
}

void prb_view_methods(const struct prb_rep_site *s, enum prb_lang lang,
                      char *out, size_t outlen)
{
  size_t used = 0;
  out[0] = '\0';
  for(int m = 0; m < PRB_METHOD_COUNT && used < outlen; m++)
    if(s->method_days[m])
      used += (size_t)snprintf(out + used, outlen - used, "%s%s",
                               used ? ", " : "",
                               prb_i18n_method(lang, (enum prb_method)m));
}

const char *prb_view_title(const struct prb_report_view *v)
{
  return v->title && v->title[0] ? v->title : prb_i18n(v->lang, PRB_M_TITLE);
}

bool prb_view_period(const struct prb_rep *r, enum prb_lang lang,
                     char *from, char *to, size_t len)
{
  const struct prb_rep_totals *t = prb_rep_totals(r);
  from[0] = to[0] = '\0';
  if(t->last_day < t->first_day)
    return false;
  prb_i18n_date(lang, t->first_day, from, len);
  prb_i18n_date(lang, t->last_day, to, len);
  return true;
}

const char *prb_view_net_name(const struct prb_rep *r,
                              const struct prb_rep_net *n,
                              enum prb_lang lang, bool *control)
{
  const char *name = prb_rep_str(r, n->name);
  *control = name[0] && n->name_src == PRB_REP_NAME_CONTROL;
  if(!name[0] && !strcmp(prb_rep_str(r, n->asn), "AS0"))
    name = prb_i18n(lang, PRB_M_UNKNOWN_NET);
  return name;
}

void prb_view_net_label(const struct prb_rep *r, const struct prb_rep_net *n,
                        enum prb_lang lang, char *out, size_t outlen)
{
  bool control;
  const char *name = prb_view_net_name(r, n, lang, &control);
  const char *asn = prb_rep_str(r, n->asn);
  if(!name[0])
    snprintf(out, outlen, "%s", asn);
  else
    snprintf(out, outlen, "%s%s (%s)", name, control ? "*" : "", asn);
}

size_t prb_view_nets_blocked(const struct prb_rep *r,
                             const struct prb_rep_site *s)
{
  size_t npairs, n = 0;
  const struct prb_rep_pair *pairs = prb_rep_pairs(r, &npairs);
  for(size_t p = s->pair_begin; p < s->pair_end; p++)
    n += pairs[p].status == PRB_REP_S_BLOCKED;
  return n;
}

bool prb_view_blocked_row(const struct prb_rep *r,
                          const struct prb_rep_site *s, enum prb_lang lang,
                          struct prb_view_blocked_row *row)
{
  if(s->status != PRB_REP_S_BLOCKED)
    return false;
  size_t where = prb_view_nets_blocked(r, s);
  row->site = prb_rep_str(r, s->name);
  row->category = prb_view_category(r, s, lang);
  row->confirmed = prb_i18n(lang, s->confirmed ? PRB_M_YES : PRB_M_NO);
  prb_view_methods(s, lang, row->methods, sizeof(row->methods));
  row->asn_only = where > PRB_VIEW_NAMED_NETS;
  row->nets_count[0] = '\0';
  if(row->asn_only)
    snprintf(row->nets_count, sizeof(row->nets_count), "%zu %s: ", where,
             prb_i18n_noun(lang, PRB_N_NETWORK, where));
  prb_i18n_date(lang, s->first_blocked, row->first, sizeof(row->first));
  prb_i18n_date(lang, s->last_blocked, row->last, sizeof(row->last));
  row->days = (unsigned long)s->days_blocked;
  row->measurements = (unsigned long long)prb_view_total(&s->c);
  return true;
}

void prb_view_each_blocking_net(const struct prb_rep *r,
                                const struct prb_rep_site *s,
                                void (*fn)(void *ctx,
                                           const struct prb_rep_net *net,
                                           bool first),
                                void *ctx)
{
  size_t npairs, nnets;
  const struct prb_rep_pair *pairs = prb_rep_pairs(r, &npairs);
  const struct prb_rep_net *nets = prb_rep_nets(r, &nnets);
  bool first = true;
  for(size_t p = s->pair_begin; p < s->pair_end; p++)
    if(pairs[p].status == PRB_REP_S_BLOCKED) {
      fn(ctx, &nets[pairs[p].net], first);
      first = false;
    }
}

bool prb_view_names_from_control(const struct prb_rep *r)
{
  size_t n;
  const struct prb_rep_net *nets = prb_rep_nets(r, &n);
  for(size_t i = 0; i < n; i++)
    if(nets[i].name_src == PRB_REP_NAME_CONTROL)
      return true;
  return false;
}

enum prb_msg prb_view_status_msg(uint8_t status, bool confirmed, bool site)
{
  switch(status) {
  case PRB_REP_S_OK: return PRB_M_S_OK;
  case PRB_REP_S_DOWN: return PRB_M_S_DOWN;
  case PRB_REP_S_ANOMALY:
    return site ? PRB_M_S_INCONCLUSIVE : PRB_M_S_ANOMALY;
  case PRB_REP_S_THROTTLED: return PRB_M_S_THROTTLED;
  case PRB_REP_S_BLOCKED:
    return confirmed ? PRB_M_S_CONFIRMED : PRB_M_S_BLOCKED;
  case PRB_REP_S_NOVERDICT: return PRB_M_S_NOVERDICT;
  default: return PRB_M_S_NONE;
  }
}

uint64_t prb_view_total(const struct prb_rep_counts *c)
{
  uint64_t n = 0;
  for(int i = 0; i < PRB_VERDICT_COUNT; i++)
    if(i != PRB_VERDICT_PROBE_OFFLINE)
      n += c->v[i];
  return n;
}

/* ---- per category -------------------------------------------------------- */

static int cmp_cat(const void *a, const void *b)
{
  const struct prb_view_cat *x = a, *y = b;
  if(x->blocked != y->blocked)
    return x->blocked > y->blocked ? -1 : 1;
  if(x->sites != y->sites)
    return x->sites > y->sites ? -1 : 1;
  if(!x->code[0] != !y->code[0])
    return x->code[0] ? -1 : 1;                  /* "no category" last */
  return strcmp(x->code, y->code);
}

long prb_view_categories(const struct prb_rep *r, struct prb_view_cat **rows)
{
  size_t nsites, n = 0;
  const struct prb_rep_site *sites = prb_rep_sites(r, &nsites);
  struct prb_view_cat *v = calloc(nsites ? nsites : 1, sizeof(*v));
  *rows = v;
  if(!v)
    return -1;
  for(size_t i = 0; i < nsites; i++) {
    const struct prb_rep_site *s = &sites[i];
    const char *code = s->category == UINT32_MAX
      ? "" : prb_rep_str(r, s->category);
    size_t k = 0;
    while(k < n && v[k].code != code)   /* interned: one pointer a code */
      k++;
    if(k == n)
      v[n++].code = code;
    v[k].sites++;
    v[k].measurements += prb_view_total(&s->c);
    if(s->status == PRB_REP_S_BLOCKED)
      v[k].blocked++;
    else if(s->status == PRB_REP_S_OK)
      v[k].ok++;
    else
      v[k].other_problems++;
  }
  if(n)
    qsort(v, n, sizeof(*v), cmp_cat);
  return (long)n;
}

/* ---- against the previous period ----------------------------------------- */

const struct prb_rep_site *prb_view_find_site(const struct prb_rep *r,
                                              const char *name)
{
  size_t lo = 0, hi;
  const struct prb_rep_site *s = prb_rep_sites(r, &hi);
  while(lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    int c = strcmp(prb_rep_str(r, s[mid].name), name);
    if(!c)
      return &s[mid];
    if(c < 0)
      lo = mid + 1;
    else
      hi = mid;
  }
  return NULL;
}

size_t prb_view_blocked_not_in(const struct prb_rep *a,
                               const struct prb_rep *b,
                               void (*fn)(void *ctx, const char *site,
                                          bool measured),
                               void *ctx)
{
  size_t n, count = 0;
  const struct prb_rep_site *s = prb_rep_sites(a, &n);
  for(size_t i = 0; i < n; i++) {
    const char *name = prb_rep_str(a, s[i].name);
    const struct prb_rep_site *o = prb_view_find_site(b, name);
    if(s[i].status != PRB_REP_S_BLOCKED ||
       (o && o->status == PRB_REP_S_BLOCKED))
      continue;
    fn(ctx, name, o != NULL);
    count++;
  }
  return count;
}

void prb_view_changes(const struct prb_rep *r, const struct prb_rep *prev,
                      struct prb_view_change rows[PRB_VIEW_CHANGES])
{
  const struct prb_rep_totals *a = prb_rep_totals(r),
    *b = prb_rep_totals(prev);
  const struct prb_view_change v[PRB_VIEW_CHANGES] = {
    {PRB_M_MEASURED, false, a->measured.sites, b->measured.sites},
    {PRB_M_BLOCKED, false, a->blocked.sites, b->blocked.sites},
    {PRB_M_CONFIRMED, true, a->blocked_confirmed.sites,
     b->blocked_confirmed.sites},
    {PRB_M_THROTTLED, false, a->throttled.sites, b->throttled.sites},
    {PRB_M_DOWN, false, a->down.sites, b->down.sites},
    {PRB_M_INCONCLUSIVE, false, a->inconclusive.sites, b->inconclusive.sites},
    {PRB_M_NETS_BLOCKING, false, a->networks_blocked, b->networks_blocked},
    {PRB_M_MEASUREMENTS, false, a->measured.measurements,
     b->measured.measurements},
  };
  memcpy(rows, v, sizeof(v));
}

void prb_view_delta(uint64_t now, uint64_t before, char *out, size_t outlen)
{
  if(now > before)
    snprintf(out, outlen, "+%llu", (unsigned long long)(now - before));
  else if(now < before)
    snprintf(out, outlen, "\u2212%llu", (unsigned long long)(before - now));
  else
    snprintf(out, outlen, "0");
}
