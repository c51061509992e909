/* report_count.c: aggregation and the counting rule (stated in
 * report_count.h). Records land in cells keyed by (site, network, day);
 * statuses are derived once, in prb_rep_finish, from the cells alone. */
#include "report/report_count.h"
#include "common/buf.h"
#include "common/hashtab.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NO_ID UINT32_MAX

/* ---- lookups: ids by 64-bit key ----------------------------------------- */

static uint32_t map_get(const struct prb_hashtab *m, uint64_t key)
{
  size_t i = prb_hashtab_find(m, key, NULL, NULL);
  return i == PRB_HASH_NONE ? NO_ID : (uint32_t)i;
}

static int map_put(struct prb_hashtab *m, uint64_t key, uint32_t val)
{
  return prb_hashtab_add(m, key, val) ? 0 : -1;
}

/* ---- interned strings ---------------------------------------------------- */

struct strtab {
  char **s;
  size_t n, cap;
  struct prb_hashtab index;
};

static bool str_is(const void *ctx, size_t item)
{
  const struct strtab *t = ((const void *const *)ctx)[0];
  return !strcmp(t->s[item], ((const char *const *)ctx)[1]);
}

static uint32_t intern(struct strtab *t, const char *s)
{
  size_t len = strlen(s);
  uint64_t h = prb_hash_bytes(s, len);
  const void *ctx[2] = {t, s};
  size_t i = prb_hashtab_find(&t->index, h, str_is, ctx);
  if(i != PRB_HASH_NONE)
    return (uint32_t)i;
  if(t->n >= NO_ID - 1 ||
     !prb_array_reserve(&t->s, &t->cap, t->n + 1, sizeof(*t->s), SIZE_MAX))
    return NO_ID;
  char *copy = malloc(len + 1);
  if(!copy)
    return NO_ID;
  memcpy(copy, s, len + 1);
  if(!prb_hashtab_add(&t->index, h, t->n)) {
    free(copy);
    return NO_ID;
  }
  t->s[t->n] = copy;
  return (uint32_t)t->n++;
}

/* ---- identities seen: a set of 64-bit hashes ----------------------------- */

struct idset {
  uint64_t *slot;               /* 0: empty (a key of 0 is stored as 1) */
  size_t n, cap;                /* cap: 0 or a power of two */
};

/* 1 when key was there already, 0 when added, -1 out of memory. */
static int idset_add(struct idset *s, uint64_t key)
{
  key = key ? key : 1;
  if((s->n + 1) * 2 > s->cap) {
    size_t cap = s->cap ? s->cap * 2 : 1024;
    uint64_t *slot = calloc(cap, sizeof(*slot));
    if(!slot)
      return -1;
    for(size_t i = 0; i < s->cap; i++) {
      if(!s->slot[i])
        continue;
      size_t j = (size_t)s->slot[i] & (cap - 1);
      while(slot[j])
        j = (j + 1) & (cap - 1);
      slot[j] = s->slot[i];
    }
    free(s->slot);
    s->slot = slot;
    s->cap = cap;
  }
  size_t j = (size_t)key & (s->cap - 1);
  for(; s->slot[j]; j = (j + 1) & (s->cap - 1))
    if(s->slot[j] == key)
      return 1;
  s->slot[j] = key;
  s->n++;
  return 0;
}

/* ---- the report ---------------------------------------------------------- */

struct skipped {
  uint32_t file;
  uint64_t line;
  const char *reason;
};

struct prb_rep {
  struct prb_rep_opts o;
  struct strtab strs;
  struct prb_hashtab site_map, net_map, pair_map, cell_map;
  struct prb_rep_site *sites;  size_t nsites, sites_cap;
  struct prb_rep_net *nets;    size_t nnets, nets_cap;
  struct prb_rep_pair *pairs;  size_t npairs, pairs_cap;
  struct prb_rep_cell *cells;  size_t ncells, cells_cap;
  struct skipped skip[PRB_REP_SKIPPED_KEPT];
  size_t nskip;
  struct idset seen;
  struct prb_rep_totals t;
};

struct prb_rep *prb_rep_new(const struct prb_rep_opts *opts)
{
  struct prb_rep *r = calloc(1, sizeof(*r));
  if(!r)
    return NULL;
  r->o = *opts;
  if(!r->o.min_blocked)
    r->o.min_blocked = 2;
  if(!r->o.max_refs)
    r->o.max_refs = PRB_REP_REFS_DEFAULT;
  r->t.data_first = INT32_MAX;
  r->t.data_last = INT32_MIN;
  /* id 0 is the empty string, so "none" never needs a special case */
  if(intern(&r->strs, "") != 0) {
    prb_rep_free(r);
    return NULL;
  }
  return r;
}

void prb_rep_free(struct prb_rep *r)
{
  if(!r)
    return;
  for(size_t i = 0; i < r->strs.n; i++)
    free(r->strs.s[i]);
  free(r->strs.s);
  prb_hashtab_free(&r->strs.index);
  prb_hashtab_free(&r->site_map);
  prb_hashtab_free(&r->net_map);
  prb_hashtab_free(&r->pair_map);
  prb_hashtab_free(&r->cell_map);
  free(r->seen.slot);
  for(size_t i = 0; i < r->npairs; i++)
    free(r->pairs[i].refs);
  free(r->sites);
  free(r->nets);
  free(r->pairs);
  free(r->cells);
  free(r);
}

uint32_t prb_rep_file(struct prb_rep *r, const char *name)
{
  return intern(&r->strs, name);
}

static bool ascii_ieq(const char *a, const char *b)
{
  for(;; a++, b++) {
    char x = *a, y = *b;
    if(x >= 'A' && x <= 'Z')
      x = (char)(x - 'A' + 'a');
    if(y >= 'A' && y <= 'Z')
      y = (char)(y - 'A' + 'a');
    if(x != y)
      return false;
    if(!x)
      return true;
  }
}

static bool any_of(const char *const *list, size_t n, const char *v)
{
  if(!n)
    return true;
  for(size_t i = 0; i < n; i++)
    if(ascii_ieq(list[i], v))
      return true;
  return false;
}

static uint32_t site_index(struct prb_rep *r, const struct prb_scan_rec *rec)
{
  uint32_t name = intern(&r->strs, rec->site);
  if(name == NO_ID)
    return NO_ID;
  uint32_t i = map_get(&r->site_map, name);
  if(i != NO_ID) {
    struct prb_rep_site *s = &r->sites[i];
    if(s->category == NO_ID && rec->category[0])
      s->category = intern(&r->strs, rec->category);
    return i;
  }
  if(!prb_array_reserve(&r->sites, &r->sites_cap, r->nsites + 1,
                        sizeof(*r->sites), SIZE_MAX))
    return NO_ID;
  struct prb_rep_site *s = &r->sites[r->nsites];
  memset(s, 0, sizeof(*s));
  s->name = name;
  s->category = rec->category[0] ? intern(&r->strs, rec->category) : NO_ID;
  if(map_put(&r->site_map, name, (uint32_t)r->nsites))
    return NO_ID;
  return (uint32_t)r->nsites++;
}

static uint32_t net_index(struct prb_rep *r, const struct prb_scan_rec *rec)
{
  uint32_t asn = intern(&r->strs, rec->asn);
  if(asn == NO_ID)
    return NO_ID;
  uint32_t i = map_get(&r->net_map, asn);
  if(i != NO_ID) {
    /* the first name a record gives */
    if(!r->nets[i].name && rec->network_name[0]) {
      r->nets[i].name = intern(&r->strs, rec->network_name);
      r->nets[i].name_src = PRB_REP_NAME_RECORDS;
    }
    return r->nets[i].name == NO_ID ? NO_ID : i;
  }
  if(!prb_array_reserve(&r->nets, &r->nets_cap, r->nnets + 1,
                        sizeof(*r->nets), SIZE_MAX))
    return NO_ID;
  struct prb_rep_net *n = &r->nets[r->nnets];
  memset(n, 0, sizeof(*n));
  n->asn = asn;
  n->name = intern(&r->strs, rec->network_name);
  n->name_src = rec->network_name[0] ? PRB_REP_NAME_RECORDS
                                     : PRB_REP_NAME_NONE;
  n->cc = intern(&r->strs, rec->cc);
  if(n->name == NO_ID || n->cc == NO_ID ||
     map_put(&r->net_map, asn, (uint32_t)r->nnets))
    return NO_ID;
  return (uint32_t)r->nnets++;
}

static uint32_t pair_index(struct prb_rep *r, uint32_t site, uint32_t net)
{
  uint64_t key = (uint64_t)site << 32 | net;
  uint32_t i = map_get(&r->pair_map, key);
  if(i != NO_ID)
    return i;
  if(!prb_array_reserve(&r->pairs, &r->pairs_cap, r->npairs + 1,
                        sizeof(*r->pairs), SIZE_MAX))
    return NO_ID;
  struct prb_rep_pair *p = &r->pairs[r->npairs];
  memset(p, 0, sizeof(*p));
  p->site = site;
  p->net = net;
  if(map_put(&r->pair_map, key, (uint32_t)r->npairs))
    return NO_ID;
  return (uint32_t)r->npairs++;
}

static uint32_t cell_index(struct prb_rep *r, uint32_t pair, int32_t day)
{
  uint64_t key = (uint64_t)pair << 32 | (uint32_t)day;
  uint32_t i = map_get(&r->cell_map, key);
  if(i != NO_ID)
    return i;
  if(r->ncells >= NO_ID - 1 ||
     !prb_array_reserve(&r->cells, &r->cells_cap, r->ncells + 1,
                        sizeof(*r->cells), SIZE_MAX))
    return NO_ID;
  struct prb_rep_cell *c = &r->cells[r->ncells];
  memset(c, 0, sizeof(*c));
  c->site = r->pairs[pair].site;
  c->net = r->pairs[pair].net;
  c->day = day;
  if(map_put(&r->cell_map, key, (uint32_t)r->ncells))
    return NO_ID;
  return (uint32_t)r->ncells++;
}

static int add_ref(struct prb_rep *r, struct prb_rep_pair *p,
                   const struct prb_scan_rec *rec, uint32_t file,
                   uint64_t line)
{
  p->refs_total++;
  if(p->nrefs >= r->o.max_refs)
    return 0;
  size_t cap = p->refcap;
  if(!prb_array_reserve(&p->refs, &cap, (size_t)p->nrefs + 1,
                        sizeof(*p->refs), SIZE_MAX))
    return -1;
  p->refcap = (uint32_t)cap;
  struct prb_rep_ref *f = &p->refs[p->nrefs];
  f->file = file;
  f->line = line;
  f->report = rec->report_id[0] ? intern(&r->strs, rec->report_id) : NO_ID;
  f->input = intern(&r->strs, rec->input);
  if((rec->report_id[0] && f->report == NO_ID) || f->input == NO_ID)
    return -1;
  p->nrefs++;
  return 0;
}

/* Records by software_name: the first PRB_REP_SOFTWARE_MAX names apart. */
static void count_software(struct prb_rep_totals *t, const char *name)
{
  if(!name[0])
    name = "unknown";
  for(uint32_t i = 0; i < t->n_software; i++)
    if(!strcmp(t->software[i], name)) {
      t->software_records[i]++;
      return;
    }
  if(t->n_software == PRB_REP_SOFTWARE_MAX) {
    t->software_other++;
    return;
  }
  snprintf(t->software[t->n_software], sizeof(t->software[0]), "%s", name);
  t->software_records[t->n_software++] = 1;
}

/* Most records first (ties: by name), for the sentence that names them. */
static void sort_software(struct prb_rep_totals *t)
{
  for(uint32_t i = 1; i < t->n_software; i++)
    for(uint32_t j = i; j > 0; j--) {
      uint64_t a = t->software_records[j - 1], b = t->software_records[j];
      if(a > b || (a == b && strcmp(t->software[j - 1], t->software[j]) <= 0))
        break;
      char name[PRB_SCAN_SOFTWARE_MAX];
      memcpy(name, t->software[j], sizeof(name));
      memcpy(t->software[j], t->software[j - 1], sizeof(name));
      memcpy(t->software[j - 1], name, sizeof(name));
      t->software_records[j] = a;
      t->software_records[j - 1] = b;
    }
}

/* ---- network names ------------------------------------------------------ */

int prb_rep_name_network(struct prb_rep *r, const char *asn,
                         const char *name, enum prb_rep_name_src src)
{
  for(size_t i = 0; i < r->nnets; i++) {
    struct prb_rep_net *n = &r->nets[i];
    if(strcmp(r->strs.s[n->asn], asn) ||
       (n->name_src != PRB_REP_NAME_NONE && n->name_src < src))
      continue;
    uint32_t id = intern(&r->strs, name);
    if(id == NO_ID)
      return -1;
    n->name = id;
    n->name_src = (uint8_t)src;
  }
  return 0;
}

int prb_rep_add(struct prb_rep *r, const struct prb_scan_rec *rec,
                uint32_t file, uint64_t line)
{
  /* what the inputs hold, for a report whose period holds nothing */
  if(rec->day < r->t.data_first)
    r->t.data_first = rec->day;
  if(rec->day > r->t.data_last)
    r->t.data_last = rec->day;
  if(rec->day < r->o.from || rec->day > r->o.to ||
     !any_of(r->o.cc, r->o.n_cc, rec->cc) ||
     !any_of(r->o.asn, r->o.n_asn, rec->asn) ||
     !any_of(r->o.cat, r->o.n_cat, rec->category)) {
    r->t.filtered++;
    return 0;
  }
  int dup = idset_add(&r->seen, rec->key);
  if(dup) {
    if(dup < 0)
      return -1;
    r->t.duplicates++;
    return 0;
  }
  r->t.records++;
  count_software(&r->t, rec->software);
  if(rec->failure_facts && rec->verdict == PRB_VERDICT_INCONCLUSIVE)
    r->t.failed++;
  /* The probe's own network was down: nothing about the site. */
  if(rec->verdict == PRB_VERDICT_PROBE_OFFLINE) {
    r->t.offline++;
    return 0;
  }
  if(rec->derived)
    r->t.derived++;
  uint32_t s = site_index(r, rec);
  if(s == NO_ID)
    return -1;
  uint32_t n = net_index(r, rec);
  if(n == NO_ID)
    return -1;
  uint32_t p = pair_index(r, s, n);
  if(p == NO_ID)
    return -1;
  uint32_t c = cell_index(r, p, rec->day);
  if(c == NO_ID)
    return -1;
  struct prb_rep_cell *cell = &r->cells[c];
  cell->v[rec->verdict]++;
  if(rec->verdict == PRB_VERDICT_BLOCKED) {
    cell->m[rec->method]++;
    if(rec->confirmed)
      cell->confirmed++;
  }
  return add_ref(r, &r->pairs[p], rec, file, line);
}

int prb_rep_skip(struct prb_rep *r, uint32_t file, uint64_t line,
                 const char *reason)
{
  r->t.malformed++;
  if(r->nskip < PRB_REP_SKIPPED_KEPT) {
    r->skip[r->nskip].file = file;
    r->skip[r->nskip].line = line;
    r->skip[r->nskip].reason = reason;
    r->nskip++;
  }
  return 0;
}

void prb_rep_note(struct prb_rep *r, uint64_t lines, uint64_t bytes,
                  uint64_t other_tests, bool unreadable)
{
  r->t.files++;
  r->t.lines += lines;
  r->t.bytes += bytes;
  r->t.other_tests += other_tests;
  if(unreadable)
    r->t.files_unreadable++;
}

/* ---- statuses ------------------------------------------------------------ */

static enum prb_method top_method(const uint32_t *m)
{
  enum prb_method best = PRB_METHOD_NONE;
  uint32_t most = 0;
  for(int i = PRB_METHOD_DNS; i < PRB_METHOD_COUNT; i++)
    if(m[i] > most) {
      most = m[i];
      best = (enum prb_method)i;
    }
  return best;
}

static void cell_status(const struct prb_rep *r, struct prb_rep_cell *c)
{
  uint64_t ok = c->v[PRB_VERDICT_OK], bl = c->v[PRB_VERDICT_BLOCKED],
    th = c->v[PRB_VERDICT_THROTTLED], dn = c->v[PRB_VERDICT_DOWN];
  uint64_t conclusive = ok + bl + th + dn;
  c->method = PRB_METHOD_NONE;
  c->conf = false;
  if(!conclusive) {
    c->status = PRB_REP_S_NOVERDICT;
  } else if(bl * 2 > conclusive) {
    if(bl >= r->o.min_blocked || c->confirmed) {
      c->status = PRB_REP_S_BLOCKED;
      c->conf = c->confirmed > 0;
      c->method = (uint8_t)top_method(c->m);
    } else {
      c->status = PRB_REP_S_ANOMALY;
    }
  } else if(th * 2 > conclusive) {
    c->status = PRB_REP_S_THROTTLED;
  } else if(dn * 2 > conclusive) {
    c->status = PRB_REP_S_DOWN;
  } else if(ok * 2 > conclusive) {
    c->status = PRB_REP_S_OK;
  } else {
    c->status = PRB_REP_S_ANOMALY;
  }
}

static void add_counts(struct prb_rep_counts *a, const uint32_t *v,
                       const uint32_t *m, uint64_t conf)
{
  for(int i = 0; i < PRB_VERDICT_COUNT; i++)
    a->v[i] += v[i];
  for(int i = 0; i < PRB_METHOD_COUNT; i++)
    a->m[i] += m[i];
  a->confirmed += conf;
}

static void sum_counts(struct prb_rep_counts *a, const struct prb_rep_counts *b)
{
  for(int i = 0; i < PRB_VERDICT_COUNT; i++)
    a->v[i] += b->v[i];
  for(int i = 0; i < PRB_METHOD_COUNT; i++)
    a->m[i] += b->m[i];
  a->confirmed += b->confirmed;
}

static uint64_t counted(const struct prb_rep_counts *c)
{
  uint64_t n = 0;
  for(int i = 0; i < PRB_VERDICT_COUNT; i++)
    if(i != PRB_VERDICT_PROBE_OFFLINE)
      n += c->v[i];
  return n;
}

static void pair_status(struct prb_rep_pair *p)
{
  static const uint8_t order[] = {
    PRB_REP_S_BLOCKED, PRB_REP_S_THROTTLED, PRB_REP_S_DOWN, PRB_REP_S_ANOMALY,
    PRB_REP_S_OK
  };
  p->status = PRB_REP_S_NOVERDICT;
  for(size_t i = 0; i < sizeof(order); i++)
    if(p->days[order[i]]) {
      p->status = order[i];
      break;
    }
  p->method = p->status == PRB_REP_S_BLOCKED
    ? (uint8_t)top_method(p->method_days) : PRB_METHOD_NONE;
}

/* ---- sorting ------------------------------------------------------------- */

struct keyed {
  const char *name;
  uint64_t num;
  uint32_t idx;
};

static int cmp_name(const void *a, const void *b)
{
  const struct keyed *x = a, *y = b;
  return strcmp(x->name, y->name);
}

static int cmp_num(const void *a, const void *b)
{
  const struct keyed *x = a, *y = b;
  if(x->num != y->num)
    return x->num < y->num ? -1 : 1;
  return strcmp(x->name, y->name);
}

static int cmp_pair(const void *a, const void *b)
{
  const struct prb_rep_pair *x = a, *y = b;
  if(x->site != y->site)
    return x->site < y->site ? -1 : 1;
  return x->net < y->net ? -1 : x->net > y->net;
}

static int cmp_cell(const void *a, const void *b)
{
  const struct prb_rep_cell *x = a, *y = b;
  if(x->site != y->site)
    return x->site < y->site ? -1 : 1;
  if(x->net != y->net)
    return x->net < y->net ? -1 : 1;
  return x->day < y->day ? -1 : x->day > y->day;
}

static uint64_t asn_number(const char *asn)
{
  uint64_t n = 0;
  for(const char *p = asn + 2; *p >= '0' && *p <= '9' && n < UINT64_MAX / 20;
      p++)
    n = n * 10 + (uint64_t)(*p - '0');
  return n;
}

/* Sorts sites by name and networks by AS number, renumbering references. */
static int renumber(struct prb_rep *r)
{
  size_t most = r->nsites > r->nnets ? r->nsites : r->nnets;
  struct keyed *k = malloc((most ? most : 1) * sizeof(*k));
  uint32_t *site_new = malloc((r->nsites ? r->nsites : 1) * sizeof(*site_new));
  uint32_t *net_new = malloc((r->nnets ? r->nnets : 1) * sizeof(*net_new));
  struct prb_rep_site *ss = malloc((r->nsites ? r->nsites : 1) * sizeof(*ss));
  struct prb_rep_net *nn = malloc((r->nnets ? r->nnets : 1) * sizeof(*nn));
  if(!k || !site_new || !net_new || !ss || !nn) {
    free(k); free(site_new); free(net_new); free(ss); free(nn);
    return -1;
  }
  for(size_t i = 0; i < r->nsites; i++) {
    k[i].name = r->strs.s[r->sites[i].name];
    k[i].idx = (uint32_t)i;
    k[i].num = 0;
  }
  qsort(k, r->nsites, sizeof(*k), cmp_name);
  for(size_t i = 0; i < r->nsites; i++) {
    site_new[k[i].idx] = (uint32_t)i;
    ss[i] = r->sites[k[i].idx];
  }
  for(size_t i = 0; i < r->nnets; i++) {
    k[i].name = r->strs.s[r->nets[i].asn];
    k[i].num = asn_number(k[i].name);
    k[i].idx = (uint32_t)i;
  }
  qsort(k, r->nnets, sizeof(*k), cmp_num);
  for(size_t i = 0; i < r->nnets; i++) {
    net_new[k[i].idx] = (uint32_t)i;
    nn[i] = r->nets[k[i].idx];
  }
  free(r->sites);
  free(r->nets);
  r->sites = ss;
  r->nets = nn;
  r->sites_cap = r->nsites;
  r->nets_cap = r->nnets;
  for(size_t i = 0; i < r->npairs; i++) {
    r->pairs[i].site = site_new[r->pairs[i].site];
    r->pairs[i].net = net_new[r->pairs[i].net];
  }
  for(size_t i = 0; i < r->ncells; i++) {
    r->cells[i].site = site_new[r->cells[i].site];
    r->cells[i].net = net_new[r->cells[i].net];
  }
  free(k);
  free(site_new);
  free(net_new);
  /* Empty: the arrays are NULL, which qsort must not be given. */
  if(r->npairs)
    qsort(r->pairs, r->npairs, sizeof(*r->pairs), cmp_pair);
  if(r->ncells)
    qsort(r->cells, r->ncells, sizeof(*r->cells), cmp_cell);
  /* The lookup maps refer to old numbers: drop them. */
  prb_hashtab_free(&r->site_map);
  prb_hashtab_free(&r->net_map);
  prb_hashtab_free(&r->pair_map);
  prb_hashtab_free(&r->cell_map);
  memset(&r->site_map, 0, sizeof(r->site_map));
  memset(&r->net_map, 0, sizeof(r->net_map));
  memset(&r->pair_map, 0, sizeof(r->pair_map));
  memset(&r->cell_map, 0, sizeof(r->cell_map));
  return 0;
}

static int cmp_day(const void *a, const void *b)
{
  int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
  return x < y ? -1 : x > y;
}

/* The days site s was blocked on some network, each day once (its pairs'
 * cells already have their status). days is scratch space. */
static int site_days_blocked(const struct prb_rep *r, struct prb_rep_site *s,
                             int32_t **days, size_t *cap)
{
  size_t n = 0;
  for(size_t p = s->pair_begin; p < s->pair_end; p++)
    for(size_t c = r->pairs[p].cell_begin; c < r->pairs[p].cell_end; c++) {
      if(r->cells[c].status != PRB_REP_S_BLOCKED)
        continue;
      if(!prb_array_reserve(days, cap, n + 1, sizeof(**days), SIZE_MAX))
        return -1;
      (*days)[n++] = r->cells[c].day;
    }
  if(n)
    qsort(*days, n, sizeof(**days), cmp_day);
  s->days_blocked = 0;
  for(size_t i = 0; i < n; i++)
    if(!i || (*days)[i] != (*days)[i - 1])
      s->days_blocked++;
  return 0;
}

static void figure(struct prb_rep_figure *f, const struct prb_rep_site *s)
{
  f->sites++;
  f->measurements += counted(&s->c);
}

int prb_rep_finish(struct prb_rep *r)
{
  if(renumber(r))
    return -1;
  sort_software(&r->t);
  int32_t *scratch = NULL;
  size_t scratch_cap = 0;
  struct prb_rep_totals *t = &r->t;
  int32_t lo = INT32_MAX, hi = INT32_MIN;
  /* cells -> pairs */
  size_t c = 0;
  for(size_t i = 0; i < r->npairs; i++) {
    struct prb_rep_pair *p = &r->pairs[i];
    p->first_blocked = INT32_MAX;
    p->last_blocked = INT32_MIN;
    p->cell_begin = c;
    while(c < r->ncells && r->cells[c].site == p->site &&
          r->cells[c].net == p->net) {
      struct prb_rep_cell *cell = &r->cells[c];
      cell_status(r, cell);
      add_counts(&p->c, cell->v, cell->m, cell->confirmed);
      p->days[cell->status]++;
      if(cell->status == PRB_REP_S_BLOCKED) {
        p->method_days[cell->method]++;
        p->confirmed |= cell->conf;
        if(cell->day < p->first_blocked)
          p->first_blocked = cell->day;
        if(cell->day > p->last_blocked)
          p->last_blocked = cell->day;
      }
      if(cell->day < lo)
        lo = cell->day;
      if(cell->day > hi)
        hi = cell->day;
      c++;
    }
    p->cell_end = c;
    pair_status(p);
  }
  /* pairs -> sites and networks */
  size_t pi = 0;
  for(size_t i = 0; i < r->nsites; i++) {
    struct prb_rep_site *s = &r->sites[i];
    uint32_t days[PRB_REP_S_COUNT] = {0};
    s->first_blocked = INT32_MAX;
    s->last_blocked = INT32_MIN;
    s->pair_begin = pi;
    for(; pi < r->npairs && r->pairs[pi].site == i; pi++) {
      const struct prb_rep_pair *p = &r->pairs[pi];
      struct prb_rep_net *n = &r->nets[p->net];
      sum_counts(&s->c, &p->c);
      sum_counts(&n->c, &p->c);
      for(int d = 0; d < PRB_REP_S_COUNT; d++)
        days[d] += p->days[d];
      for(int m = 0; m < PRB_METHOD_COUNT; m++)
        s->method_days[m] += p->method_days[m];
      s->nets++;
      n->sites++;
      if(p->status == PRB_REP_S_BLOCKED) {
        s->nets_blocked++;
        n->sites_blocked++;
        s->confirmed |= p->confirmed;
        if(p->first_blocked < s->first_blocked)
          s->first_blocked = p->first_blocked;
        if(p->last_blocked > s->last_blocked)
          s->last_blocked = p->last_blocked;
      }
    }
    s->pair_end = pi;
    if(site_days_blocked(r, s, &scratch, &scratch_cap)) {
      free(scratch);
      return -1;
    }
    if(days[PRB_REP_S_BLOCKED])
      s->status = PRB_REP_S_BLOCKED;
    else if(days[PRB_REP_S_THROTTLED])
      s->status = PRB_REP_S_THROTTLED;
    else if(days[PRB_REP_S_DOWN])
      s->status = PRB_REP_S_DOWN;
    else if(days[PRB_REP_S_ANOMALY] || !days[PRB_REP_S_OK])
      s->status = PRB_REP_S_ANOMALY;
    else
      s->status = PRB_REP_S_OK;
    /* figures */
    figure(&t->measured, s);
    switch(s->status) {
    case PRB_REP_S_BLOCKED:
      figure(&t->blocked, s);
      figure(s->confirmed ? &t->blocked_confirmed : &t->blocked_unconfirmed,
             s);
      for(int m = 0; m < PRB_METHOD_COUNT; m++)
        if(s->method_days[m]) {
          t->blocked_method[m].sites++;
          t->blocked_method[m].measurements += s->c.m[m];
        }
      break;
    case PRB_REP_S_THROTTLED: figure(&t->throttled, s); break;
    case PRB_REP_S_DOWN: figure(&t->down, s); break;
    case PRB_REP_S_ANOMALY: figure(&t->inconclusive, s); break;
    default: figure(&t->ok, s); break;
    }
    if(s->status != PRB_REP_S_OK)
      figure(&t->problems, s);
    t->blocked_measurements += s->c.v[PRB_VERDICT_BLOCKED];
  }
  free(scratch);
  t->networks = (uint32_t)r->nnets;
  for(size_t i = 0; i < r->nnets; i++)
    if(r->nets[i].sites_blocked)
      t->networks_blocked++;
  if(r->o.period_set) {
    t->first_day = r->o.from;
    t->last_day = r->o.to;
  } else if(lo <= hi) {
    t->first_day = lo;
    t->last_day = hi;
  } else {
    t->first_day = 0;
    t->last_day = -1;
  }
  return 0;
}

/* ---- read access --------------------------------------------------------- */

const struct prb_rep_totals *prb_rep_totals(const struct prb_rep *r)
{
  return &r->t;
}

const struct prb_rep_opts *prb_rep_options(const struct prb_rep *r)
{
  return &r->o;
}

const struct prb_rep_site *prb_rep_sites(const struct prb_rep *r, size_t *n)
{
  *n = r->nsites;
  return r->sites;
}

const struct prb_rep_pair *prb_rep_pairs(const struct prb_rep *r, size_t *n)
{
  *n = r->npairs;
  return r->pairs;
}

const struct prb_rep_cell *prb_rep_cells(const struct prb_rep *r, size_t *n)
{
  *n = r->ncells;
  return r->cells;
}

const struct prb_rep_net *prb_rep_nets(const struct prb_rep *r, size_t *n)
{
  *n = r->nnets;
  return r->nets;
}

const char *prb_rep_str(const struct prb_rep *r, uint32_t id)
{
  return id < r->strs.n ? r->strs.s[id] : "";
}

size_t prb_rep_skipped(const struct prb_rep *r, size_t i, uint32_t *file,
                       uint64_t *line, const char **reason)
{
  if(i < r->nskip) {
    *file = r->skip[i].file;
    *line = r->skip[i].line;
    *reason = r->skip[i].reason;
  }
  return r->nskip;
}

int32_t prb_rep_last_data_day(const struct prb_rep *r)
{
  int32_t hi = INT32_MIN;
  for(size_t i = 0; i < r->ncells; i++)
    if(r->cells[i].day > hi)
      hi = r->cells[i].day;
  return hi;
}

void prb_rep_site_row(const struct prb_rep *r, size_t s, int32_t first,
                      uint8_t *row, bool *conf, size_t ndays)
{
  memset(row, PRB_REP_S_NONE, ndays);
  for(size_t d = 0; d < ndays; d++)
    conf[d] = false;
  const struct prb_rep_site *site = &r->sites[s];
  for(size_t p = site->pair_begin; p < site->pair_end; p++) {
    const struct prb_rep_pair *pair = &r->pairs[p];
    for(size_t c = pair->cell_begin; c < pair->cell_end; c++) {
      const struct prb_rep_cell *cell = &r->cells[c];
      int64_t d = (int64_t)cell->day - first;
      if(d < 0 || (uint64_t)d >= ndays)
        continue;
      if(cell->status > row[d])
        row[d] = cell->status;
      conf[d] |= cell->conf;
    }
  }
}

const char *prb_rep_status_name(enum prb_rep_status s)
{
  switch(s) {
  case PRB_REP_S_NOVERDICT: return "no_verdict";
  case PRB_REP_S_OK: return "ok";
  case PRB_REP_S_DOWN: return "down";
  case PRB_REP_S_ANOMALY: return "anomaly";
  case PRB_REP_S_THROTTLED: return "throttled";
  case PRB_REP_S_BLOCKED: return "blocked";
  default: return "none";
  }
}
