/* report_fmt_json.c: the report as one JSON document, every figure with
 * the measurements behind it (file and line, report_id and input) so it can
 * be checked line by line. Layout: results/README.md, "report JSON". */
#include "report_fmt.h"

#include <jansson.h>
#include <limits.h>

/* jansson's *_new setters steal the value, even on failure. */
static int set(json_t *o, const char *k, json_t *v)
{
  return json_object_set_new(o, k, v) ? -1 : 0;
}

static int push(json_t *a, json_t *v)
{
  return json_array_append_new(a, v) ? -1 : 0;
}

static json_t *num(uint64_t n)
{
  return json_integer((json_int_t)(n > (uint64_t)LLONG_MAX ? LLONG_MAX : n));
}

static json_t *day(int32_t d)
{
  char buf[16];
  if(d == INT32_MAX || d == INT32_MIN)
    return json_null();
  prb_scan_day_str(d, buf, sizeof(buf));
  return json_string(buf);
}

static const char *site_status(uint8_t s)
{
  return s == PRB_REP_S_ANOMALY ? "inconclusive"
                                : prb_rep_status_name((enum prb_rep_status)s);
}

static json_t *counts32(const uint32_t *v, const uint32_t *m, uint64_t conf)
{
  json_t *o = json_object(), *bm = json_object();
  int rc = !o || !bm;
  for(int i = 0; i < PRB_REP_V_COUNT && !rc; i++)
    if(i != PRB_REP_V_OFFLINE)
      rc |= set(o, prb_scan_verdict_name((enum prb_rep_verdict)i), num(v[i]));
  for(int i = 0; i < PRB_REP_M_COUNT && !rc; i++)
    rc |= set(bm, prb_scan_method_name((enum prb_rep_method)i), num(m[i]));
  rc |= set(o, "blocked_by_method", bm);
  bm = NULL;
  rc |= set(o, "blocked_confirmed", num(conf));
  if(rc) {
    json_decref(o);
    json_decref(bm);
    return NULL;
  }
  return o;
}

static json_t *counts(const struct prb_rep_counts *c)
{
  json_t *o = json_object(), *bm = json_object();
  int rc = !o || !bm;
  for(int i = 0; i < PRB_REP_V_COUNT && !rc; i++)
    if(i != PRB_REP_V_OFFLINE)
      rc |= set(o, prb_scan_verdict_name((enum prb_rep_verdict)i),
                num(c->v[i]));
  for(int i = 0; i < PRB_REP_M_COUNT && !rc; i++)
    rc |= set(bm, prb_scan_method_name((enum prb_rep_method)i), num(c->m[i]));
  rc |= set(o, "blocked_by_method", bm);
  bm = NULL;
  rc |= set(o, "blocked_confirmed", num(c->confirmed));
  if(rc) {
    json_decref(o);
    json_decref(bm);
    return NULL;
  }
  return o;
}

static uint64_t total(const struct prb_rep_counts *c)
{
  uint64_t n = 0;
  for(int i = 0; i < PRB_REP_V_COUNT; i++)
    if(i != PRB_REP_V_OFFLINE)
      n += c->v[i];
  return n;
}

static json_t *fig(const struct prb_rep_figure *f)
{
  json_t *o = json_object();
  if(!o || set(o, "sites", num(f->sites)) ||
     set(o, "measurements", num(f->measurements))) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *method_or_null(uint8_t status, uint8_t m)
{
  return status == PRB_REP_S_BLOCKED
    ? json_string(prb_scan_method_name((enum prb_rep_method)m)) : json_null();
}

static json_t *pair_json(const struct prb_rep *r, const struct prb_rep_pair *p)
{
  size_t ncells, nnets;
  const struct prb_rep_cell *cells = prb_rep_cells(r, &ncells);
  const struct prb_rep_net *nets = prb_rep_nets(r, &nnets);
  json_t *o = json_object(), *days = json_object(), *daily = json_array(),
    *ev = json_object(), *refs = json_array();
  int rc = !o || !days || !daily || !ev || !refs;
  if(rc) {
    json_decref(o); json_decref(days); json_decref(daily); json_decref(ev);
    json_decref(refs);
    return NULL;
  }
  for(int s = PRB_REP_S_NOVERDICT; s < PRB_REP_S_COUNT; s++)
    rc |= set(days, prb_rep_status_name((enum prb_rep_status)s),
              num(p->days[s]));
  for(size_t i = p->cell_begin; i < p->cell_end && !rc; i++) {
    const struct prb_rep_cell *c = &cells[i];
    json_t *d = json_object();
    rc |= !d;
    if(rc)
      break;
    rc |= set(d, "day", day(c->day));
    rc |= set(d, "status", json_string(prb_rep_status_name(c->status)));
    rc |= set(d, "method", method_or_null(c->status, c->method));
    rc |= set(d, "confirmed", json_boolean(c->conf));
    rc |= set(d, "counts", counts32(c->v, c->m, c->confirmed));
    rc |= push(daily, d);
  }
  for(uint32_t i = 0; i < p->nrefs && !rc; i++) {
    const struct prb_rep_ref *f = &p->refs[i];
    json_t *x = json_object();
    rc |= !x;
    if(rc)
      break;
    rc |= set(x, "file", json_string(prb_rep_str(r, f->file)));
    rc |= set(x, "line", num(f->line));
    rc |= set(x, "report_id", f->report == UINT32_MAX ? json_null()
              : json_string(prb_rep_str(r, f->report)));
    rc |= set(x, "input", json_string(prb_rep_str(r, f->input)));
    rc |= push(refs, x);
  }
  rc |= set(ev, "total", num(p->refs_total));
  rc |= set(ev, "listed", num(p->nrefs));
  rc |= set(ev, "measurements", refs);
  rc |= set(o, "asn", json_string(prb_rep_str(r, nets[p->net].asn)));
  rc |= set(o, "status", json_string(prb_rep_status_name(p->status)));
  rc |= set(o, "method", method_or_null(p->status, p->method));
  rc |= set(o, "confirmed", json_boolean(p->confirmed));
  rc |= set(o, "first_blocked", day(p->first_blocked));
  rc |= set(o, "last_blocked", day(p->last_blocked));
  rc |= set(o, "days", days);
  rc |= set(o, "measurements", num(total(&p->c)));
  rc |= set(o, "counts", counts(&p->c));
  rc |= set(o, "daily", daily);
  rc |= set(o, "evidence", ev);
  if(rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *site_json(const struct prb_rep *r, const struct prb_rep_site *s)
{
  size_t npairs, nnets;
  const struct prb_rep_pair *pairs = prb_rep_pairs(r, &npairs);
  const struct prb_rep_net *nets = prb_rep_nets(r, &nnets);
  json_t *o = json_object(), *methods = json_array(), *where = json_array(),
    *list = json_array();
  int rc = !o || !methods || !where || !list;
  if(rc) {
    json_decref(o); json_decref(methods); json_decref(where);
    json_decref(list);
    return NULL;
  }
  for(int m = 0; m < PRB_REP_M_COUNT; m++)
    if(s->method_days[m])
      rc |= push(methods, json_string(prb_scan_method_name(
                                        (enum prb_rep_method)m)));
  for(size_t i = s->pair_begin; i < s->pair_end && !rc; i++) {
    if(pairs[i].status == PRB_REP_S_BLOCKED)
      rc |= push(where, json_string(prb_rep_str(r, nets[pairs[i].net].asn)));
    json_t *pj = pair_json(r, &pairs[i]);
    rc |= !pj || push(list, pj);
  }
  rc |= set(o, "site", json_string(prb_rep_str(r, s->name)));
  rc |= set(o, "category", s->category == UINT32_MAX ? json_null()
            : json_string(prb_rep_str(r, s->category)));
  rc |= set(o, "status", json_string(site_status(s->status)));
  rc |= set(o, "confirmed", json_boolean(s->confirmed));
  rc |= set(o, "methods", methods);
  rc |= set(o, "blocked_on", where);
  rc |= set(o, "first_blocked", day(s->first_blocked));
  rc |= set(o, "last_blocked", day(s->last_blocked));
  rc |= set(o, "measurements", num(total(&s->c)));
  rc |= set(o, "counts", counts(&s->c));
  rc |= set(o, "networks", list);
  if(rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *strings(const char *const *v, size_t n)
{
  json_t *a = json_array();
  for(size_t i = 0; a && i < n; i++)
    if(push(a, json_string(v[i]))) {
      json_decref(a);
      return NULL;
    }
  return a;
}

int prb_report_fmt_json(const struct prb_rep *r, FILE *f)
{
  const struct prb_rep_totals *t = prb_rep_totals(r);
  const struct prb_rep_opts *o = prb_rep_options(r);
  size_t nsites, nnets;
  const struct prb_rep_site *sites = prb_rep_sites(r, &nsites);
  const struct prb_rep_net *nets = prb_rep_nets(r, &nnets);
  json_t *doc = json_object(), *period = json_object(),
    *filters = json_object(), *rule = json_object(), *input = json_object(),
    *sum = json_object(), *bym = json_object(), *netl = json_array(),
    *sitel = json_array(), *skipped = json_object(), *skl = json_array();
  int rc = !doc || !period || !filters || !rule || !input || !sum || !bym ||
    !netl || !sitel || !skipped || !skl;
  if(rc) {
    json_decref(doc); json_decref(period); json_decref(filters);
    json_decref(rule); json_decref(input); json_decref(sum);
    json_decref(bym); json_decref(netl); json_decref(sitel);
    json_decref(skipped); json_decref(skl);
    return -1;
  }
  int64_t ndays = (int64_t)t->last_day - t->first_day + 1;
  rc |= set(period, "from", t->last_day >= t->first_day ? day(t->first_day)
            : json_null());
  rc |= set(period, "to", t->last_day >= t->first_day ? day(t->last_day)
            : json_null());
  rc |= set(period, "days", json_integer(ndays > 0 ? ndays : 0));
  rc |= set(filters, "cc", strings(o->cc, o->n_cc));
  rc |= set(filters, "asn", strings(o->asn, o->n_asn));
  rc |= set(filters, "category", strings(o->cat, o->n_cat));
  rc |= set(rule, "site", json_string("URL host, lower-case, without www."));
  rc |= set(rule, "day", json_string(
    "blocked: strict majority of the day's conclusive (ok, blocked, "
    "throttled, down) measurements on the network, and min_blocked of them "
    "or one confirmed"));
  rc |= set(rule, "min_blocked", json_integer(o->min_blocked));
  rc |= set(rule, "max_refs", json_integer(o->max_refs));
  rc |= set(input, "files", num(t->files));
  rc |= set(input, "files_unreadable", num(t->files_unreadable));
  rc |= set(input, "lines", num(t->lines));
  rc |= set(input, "bytes", num(t->bytes));
  rc |= set(input, "records", num(t->records));
  rc |= set(input, "malformed", num(t->malformed));
  rc |= set(input, "other_tests", num(t->other_tests));
  rc |= set(input, "filtered_out", num(t->filtered));
  rc |= set(input, "probe_offline", num(t->offline));
  rc |= set(input, "derived_verdicts", num(t->derived));
  rc |= set(sum, "sites_measured", fig(&t->measured));
  rc |= set(sum, "sites_with_problems", fig(&t->problems));
  rc |= set(sum, "blocked", fig(&t->blocked));
  rc |= set(sum, "blocked_confirmed", fig(&t->blocked_confirmed));
  rc |= set(sum, "blocked_unconfirmed", fig(&t->blocked_unconfirmed));
  for(int m = 0; m < PRB_REP_M_COUNT; m++)
    rc |= set(bym, prb_scan_method_name((enum prb_rep_method)m),
              fig(&t->blocked_method[m]));
  rc |= set(sum, "blocked_by_method", bym);
  rc |= set(sum, "throttled", fig(&t->throttled));
  rc |= set(sum, "down", fig(&t->down));
  rc |= set(sum, "inconclusive", fig(&t->inconclusive));
  rc |= set(sum, "ok", fig(&t->ok));
  rc |= set(sum, "blocked_measurements", num(t->blocked_measurements));
  rc |= set(sum, "networks", num(t->networks));
  rc |= set(sum, "networks_with_blocking", num(t->networks_blocked));
  for(size_t i = 0; i < nnets && !rc; i++) {
    json_t *n = json_object();
    rc |= !n;
    if(rc)
      break;
    rc |= set(n, "asn", json_string(prb_rep_str(r, nets[i].asn)));
    rc |= set(n, "name", json_string(prb_rep_str(r, nets[i].name)));
    rc |= set(n, "cc", json_string(prb_rep_str(r, nets[i].cc)));
    rc |= set(n, "sites", num(nets[i].sites));
    rc |= set(n, "sites_blocked", num(nets[i].sites_blocked));
    rc |= set(n, "measurements", num(total(&nets[i].c)));
    rc |= set(n, "counts", counts(&nets[i].c));
    rc |= push(netl, n);
  }
  for(size_t i = 0; i < nsites && !rc; i++) {
    json_t *s = site_json(r, &sites[i]);
    rc |= !s || push(sitel, s);
  }
  uint32_t file;
  uint64_t line;
  const char *why;
  size_t nskip = prb_rep_skipped(r, 0, &file, &line, &why);
  for(size_t i = 0; i < nskip && !rc; i++) {
    prb_rep_skipped(r, i, &file, &line, &why);
    json_t *x = json_object();
    rc |= !x;
    if(rc)
      break;
    rc |= set(x, "file", json_string(prb_rep_str(r, file)));
    rc |= set(x, "line", num(line));
    rc |= set(x, "reason", json_string(why));
    rc |= push(skl, x);
  }
  rc |= set(skipped, "total", num(t->malformed));
  rc |= set(skipped, "listed", skl);
  rc |= set(doc, "report", json_string("accessprobe access counts"));
  rc |= set(doc, "version", json_integer(1));
  rc |= set(doc, "period", period);
  rc |= set(doc, "filters", filters);
  rc |= set(doc, "rule", rule);
  rc |= set(doc, "input", input);
  rc |= set(doc, "summary", sum);
  rc |= set(doc, "networks", netl);
  rc |= set(doc, "sites", sitel);
  rc |= set(doc, "skipped", skipped);
  if(!rc) {
    json_dumpf(doc, f, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
    fputc('\n', f);
  }
  json_decref(doc);
  return rc ? -1 : 0;
}
