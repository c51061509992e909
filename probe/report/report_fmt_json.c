/* report_fmt_json.c: the report as one JSON document, every figure with
 * the measurements behind it (file and line, report_id and input) so it can
 * be checked line by line. Layout: results/README.md, "report JSON". */
#include "report/report_fmt.h"

#include <jansson.h>
#include <limits.h>
#include <string.h>

#include "common/textclean.h"

/* jansson's *_new setters steal the value, even on failure. */
static int set(json_t *o, const char *k, json_t *v)
{
  return json_object_set_new(o, k, v) ? -1 : 0;
}

static int push(json_t *a, json_t *v)
{
  return json_array_append_new(a, v) ? -1 : 0;
}

/* Strings from the input or the command line (file names may be any
 * bytes): jansson refuses invalid UTF-8, which would fail the whole
 * document, so they are cleaned (U+FFFD) on the way in. */
static json_t *text(const char *s)
{
  return prb_json_text(s, strlen(s));
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
  for(int i = 0; i < PRB_VERDICT_COUNT && !rc; i++)
    if(i != PRB_VERDICT_PROBE_OFFLINE)
      rc |= set(o, prb_verdict_name((enum prb_verdict)i), num(v[i]));
  for(int i = 0; i < PRB_METHOD_COUNT && !rc; i++)
    rc |= set(bm, prb_scan_method_name((enum prb_method)i), num(m[i]));
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
  for(int i = 0; i < PRB_VERDICT_COUNT && !rc; i++)
    if(i != PRB_VERDICT_PROBE_OFFLINE)
      rc |= set(o, prb_verdict_name((enum prb_verdict)i),
                num(c->v[i]));
  for(int i = 0; i < PRB_METHOD_COUNT && !rc; i++)
    rc |= set(bm, prb_scan_method_name((enum prb_method)i), num(c->m[i]));
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
  for(int i = 0; i < PRB_VERDICT_COUNT; i++)
    if(i != PRB_VERDICT_PROBE_OFFLINE)
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
    ? json_string(prb_scan_method_name((enum prb_method)m)) : json_null();
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
    rc |= set(x, "file", text(prb_rep_str(r, f->file)));
    rc |= set(x, "line", num(f->line));
    rc |= set(x, "report_id", f->report == UINT32_MAX ? json_null()
              : text(prb_rep_str(r, f->report)));
    rc |= set(x, "input", text(prb_rep_str(r, f->input)));
    rc |= push(refs, x);
  }
  rc |= set(ev, "total", num(p->refs_total));
  rc |= set(ev, "listed", num(p->nrefs));
  rc |= set(ev, "measurements", refs);
  rc |= set(o, "asn", text(prb_rep_str(r, nets[p->net].asn)));
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
  for(int m = 0; m < PRB_METHOD_COUNT; m++)
    if(s->method_days[m])
      rc |= push(methods, json_string(prb_scan_method_name(
                                        (enum prb_method)m)));
  for(size_t i = s->pair_begin; i < s->pair_end && !rc; i++) {
    if(pairs[i].status == PRB_REP_S_BLOCKED)
      rc |= push(where, text(prb_rep_str(r, nets[pairs[i].net].asn)));
    json_t *pj = pair_json(r, &pairs[i]);
    rc |= !pj || push(list, pj);
  }
  rc |= set(o, "site", text(prb_rep_str(r, s->name)));
  rc |= set(o, "category", s->category == UINT32_MAX ? json_null()
            : text(prb_rep_str(r, s->category)));
  rc |= set(o, "status", json_string(site_status(s->status)));
  rc |= set(o, "confirmed", json_boolean(s->confirmed));
  rc |= set(o, "methods", methods);
  rc |= set(o, "blocked_on", where);
  rc |= set(o, "first_blocked", day(s->first_blocked));
  rc |= set(o, "last_blocked", day(s->last_blocked));
  rc |= set(o, "days_blocked", num(s->days_blocked));
  rc |= set(o, "measurements", num(total(&s->c)));
  rc |= set(o, "counts", counts(&s->c));
  rc |= set(o, "networks", list);
  if(rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* Filter values come from the command line, in any bytes. */
static json_t *strings(const char *const *v, size_t n)
{
  json_t *a = json_array();
  for(size_t i = 0; a && i < n; i++)
    if(push(a, text(v[i]))) {
      json_decref(a);
      return NULL;
    }
  return a;
}

/* The document is streamed: its head and each site are separate small
 * trees, dumped as they are built, so memory stays that of one site. Each
 * is indented by its depth so the bytes are those of one json_dumpf of the
 * whole document (jansson escapes newlines inside strings, so every '\n'
 * it writes starts a line). Write errors stay in f's error flag. */
struct out {
  FILE *f;
  int depth;
};

static int emit(const char *buf, size_t n, void *data)
{
  struct out *o = data;
  const char *p = buf, *e = buf + n;
  while(p < e) {
    const char *nl = memchr(p, '\n', (size_t)(e - p));
    size_t k = nl ? (size_t)(nl - p) + 1 : (size_t)(e - p);
    fwrite(p, 1, k, o->f);
    if(nl)
      fprintf(o->f, "%*s", o->depth, "");
    p += k;
  }
  return 0;
}

#define DUMP_FLAGS (JSON_INDENT(1) | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY)

/* Dumps v (stolen) at depth; -1 when v is NULL (out of memory). */
static int dump_at(FILE *f, int depth, json_t *v)
{
  struct out o = {f, depth};
  if(!v)
    return -1;
  int rc = json_dump_callback(v, emit, &o, DUMP_FLAGS);
  json_decref(v);
  return rc ? -1 : 0;
}

/* One top-level member: ",\n \"key\": value". */
static int member(FILE *f, bool first, const char *key, json_t *v)
{
  fprintf(f, "%s\n \"%s\": ", first ? "" : ",", key);
  return dump_at(f, 1, v);
}

static json_t *period_json(const struct prb_rep_totals *t)
{
  json_t *o = json_object();
  int64_t ndays = (int64_t)t->last_day - t->first_day + 1;
  bool any = t->last_day >= t->first_day;
  if(!o || set(o, "from", any ? day(t->first_day) : json_null()) ||
     set(o, "to", any ? day(t->last_day) : json_null()) ||
     set(o, "days", json_integer(ndays > 0 ? ndays : 0))) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *filters_json(const struct prb_rep_opts *o)
{
  json_t *x = json_object();
  if(!x || set(x, "cc", strings(o->cc, o->n_cc)) ||
     set(x, "asn", strings(o->asn, o->n_asn)) ||
     set(x, "category", strings(o->cat, o->n_cat))) {
    json_decref(x);
    return NULL;
  }
  return x;
}

static json_t *rule_json(const struct prb_rep_opts *o)
{
  json_t *x = json_object();
  int rc = !x;
  if(rc)
    return NULL;
  rc |= set(x, "site", json_string("URL host, lower-case, without www."));
  rc |= set(x, "day", json_string(
    "blocked: strict majority of the day's conclusive (ok, blocked, "
    "throttled, down) measurements on the network, and min_blocked of them "
    "or one confirmed"));
  rc |= set(x, "min_blocked", json_integer(o->min_blocked));
  rc |= set(x, "max_refs", json_integer(o->max_refs));
  if(rc) {
    json_decref(x);
    return NULL;
  }
  return x;
}

/* [{"name", "records"}...], most records first; "other" for the rest. */
static json_t *software_json(const struct prb_rep_totals *t)
{
  json_t *a = json_array();
  int rc = !a;
  for(uint32_t i = 0; !rc && i <= t->n_software; i++) {
    bool rest = i == t->n_software;
    if(rest && !t->software_other)
      break;
    json_t *o = json_object();
    rc |= !o;
    if(!rc) {
      rc |= set(o, "name", text(rest ? "other" : t->software[i]));
      rc |= set(o, "records", num(rest ? t->software_other
                                       : t->software_records[i]));
      rc |= push(a, o);
    }
  }
  if(rc) {
    json_decref(a);
    return NULL;
  }
  return a;
}

static json_t *input_json(const struct prb_rep_totals *t)
{
  json_t *x = json_object();
  int rc = !x;
  if(rc)
    return NULL;
  rc |= set(x, "files", num(t->files));
  rc |= set(x, "files_unreadable", num(t->files_unreadable));
  rc |= set(x, "lines", num(t->lines));
  rc |= set(x, "bytes", num(t->bytes));
  rc |= set(x, "records", num(t->records));
  rc |= set(x, "malformed", num(t->malformed));
  rc |= set(x, "other_tests", num(t->other_tests));
  rc |= set(x, "filtered_out", num(t->filtered));
  rc |= set(x, "probe_offline", num(t->offline));
  rc |= set(x, "derived_verdicts", num(t->derived));
  rc |= set(x, "duplicates", num(t->duplicates));
  rc |= set(x, "failed_measurements", num(t->failed));
  rc |= set(x, "software", software_json(t));
  /* the days the records read hold, in the period or not */
  rc |= set(x, "first_day", day(t->data_first));
  rc |= set(x, "last_day", day(t->data_last));
  if(rc) {
    json_decref(x);
    return NULL;
  }
  return x;
}

static json_t *summary_json(const struct prb_rep_totals *t)
{
  json_t *sum = json_object(), *bym = json_object();
  int rc = !sum || !bym;
  if(rc) {
    json_decref(sum);
    json_decref(bym);
    return NULL;
  }
  rc |= set(sum, "sites_measured", fig(&t->measured));
  rc |= set(sum, "sites_with_problems", fig(&t->problems));
  rc |= set(sum, "blocked", fig(&t->blocked));
  rc |= set(sum, "blocked_confirmed", fig(&t->blocked_confirmed));
  rc |= set(sum, "blocked_unconfirmed", fig(&t->blocked_unconfirmed));
  for(int m = 0; m < PRB_METHOD_COUNT; m++)
    rc |= set(bym, prb_scan_method_name((enum prb_method)m),
              fig(&t->blocked_method[m]));
  rc |= set(sum, "blocked_by_method", bym);
  rc |= set(sum, "throttled", fig(&t->throttled));
  rc |= set(sum, "down", fig(&t->down));
  rc |= set(sum, "inconclusive", fig(&t->inconclusive));
  rc |= set(sum, "ok", fig(&t->ok));
  rc |= set(sum, "blocked_measurements", num(t->blocked_measurements));
  rc |= set(sum, "networks", num(t->networks));
  rc |= set(sum, "networks_with_blocking", num(t->networks_blocked));
  if(rc) {
    json_decref(sum);
    return NULL;
  }
  return sum;
}

static json_t *name_source(uint8_t src)
{
  switch(src) {
  case PRB_REP_NAME_LIST: return json_string("list");
  case PRB_REP_NAME_RECORDS: return json_string("records");
  case PRB_REP_NAME_CONTROL: return json_string("control");
  default: return json_null();
  }
}

/* The previous period's figures, for the change against it; null when
 * it has no measurement. */
static json_t *previous_json(const struct prb_rep *prev)
{
  if(!prev)
    return json_null();
  json_t *o = json_object();
  if(!o || set(o, "period", period_json(prb_rep_totals(prev))) ||
     set(o, "summary", summary_json(prb_rep_totals(prev)))) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *networks_json(const struct prb_rep *r)
{
  size_t nnets;
  const struct prb_rep_net *nets = prb_rep_nets(r, &nnets);
  json_t *a = json_array();
  int rc = !a;
  for(size_t i = 0; i < nnets && !rc; i++) {
    json_t *n = json_object();
    rc |= !n;
    if(rc)
      break;
    rc |= set(n, "asn", text(prb_rep_str(r, nets[i].asn)));
    rc |= set(n, "name", text(prb_rep_str(r, nets[i].name)));
    rc |= set(n, "name_source", name_source(nets[i].name_src));
    rc |= set(n, "cc", text(prb_rep_str(r, nets[i].cc)));
    rc |= set(n, "sites", num(nets[i].sites));
    rc |= set(n, "sites_blocked", num(nets[i].sites_blocked));
    rc |= set(n, "measurements", num(total(&nets[i].c)));
    rc |= set(n, "counts", counts(&nets[i].c));
    rc |= push(a, n);
  }
  if(rc) {
    json_decref(a);
    return NULL;
  }
  return a;
}

static json_t *skipped_json(const struct prb_rep *r)
{
  const struct prb_rep_totals *t = prb_rep_totals(r);
  json_t *o = json_object(), *list = json_array();
  int rc = !o || !list;
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
    rc |= set(x, "file", text(prb_rep_str(r, file)));
    rc |= set(x, "line", num(line));
    rc |= set(x, "reason", json_string(why));
    rc |= push(list, x);
  }
  if(rc) {
    json_decref(o);
    json_decref(list);
    return NULL;
  }
  if(set(o, "total", num(t->malformed)) || set(o, "listed", list)) {
    json_decref(o);
    return NULL;
  }
  return o;
}

int prb_report_fmt_json(const struct prb_rep *r, const struct prb_rep *prev,
                        FILE *f)
{
  const struct prb_rep_totals *t = prb_rep_totals(r);
  const struct prb_rep_opts *o = prb_rep_options(r);
  size_t nsites;
  const struct prb_rep_site *sites = prb_rep_sites(r, &nsites);
  fputc('{', f);
  if(member(f, true, "report", json_string("accessprobe access counts")) ||
     member(f, false, "version", json_integer(1)) ||
     member(f, false, "period", period_json(t)) ||
     member(f, false, "filters", filters_json(o)) ||
     member(f, false, "rule", rule_json(o)) ||
     member(f, false, "input", input_json(t)) ||
     member(f, false, "summary", summary_json(t)) ||
     member(f, false, "previous_period", previous_json(prev)) ||
     member(f, false, "networks", networks_json(r)))
    return -1;
  fputs(",\n \"sites\": [", f);
  for(size_t i = 0; i < nsites; i++) {
    /* A full disk: stop here, the caller reports the write error. */
    if(ferror(f))
      return 0;
    fputs(i ? ",\n  " : "\n  ", f);
    if(dump_at(f, 2, site_json(r, &sites[i])))
      return -1;
  }
  fputs(nsites ? "\n ]" : "]", f);
  if(member(f, false, "skipped", skipped_json(r)))
    return -1;
  fputs("\n}\n", f);
  return 0;
}
