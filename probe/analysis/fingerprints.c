/* fingerprints.c: loading OONI blocking fingerprints and matching them. */
#define PCRE2_CODE_UNIT_WIDTH 8
#include "analysis/fingerprints.h"

#include <pcre2.h>
#include <stdlib.h>
#include <string.h>

#include "common/csv.h"
#include "common/csvtable.h"

enum col { C_NAME, C_SCOPE, C_OTHER, C_LOCATION, C_TYPE, C_PATTERN,
           C_CONFIDENCE, C_COUNTRIES, C_SOURCE, C_EXP_URL, C_NOTES, N_COLS };

static const char *const columns[N_COLS] = {
  "name", "scope", "other_names", "location_found", "pattern_type",
  "pattern", "confidence_no_fp", "expected_countries", "source", "exp_url",
  "notes"
};

/* Scopes seen in ooni/blocking-fingerprints. */
static const char *const scopes[] = {
  "nat", "isp", "prod", "inst", "vbw", "fp", "injb", "prov"
};

static int lower(int c)
{
  return (c >= 'A' && c <= 'Z') ? c + ('a' - 'A') : c;
}

static int is_upper(int c)
{
  return c >= 'A' && c <= 'Z';
}

void prb_fp_init(struct prb_fpset *s)
{
  memset(s, 0, sizeof *s);
}

static void free_item(void *item)
{
  struct prb_fingerprint *f = item;
  free(f->name);
  free(f->scope);
  free(f->header);
  free(f->pattern);
  free(f->expected_countries);
  pcre2_code_free(f->re);
}

void prb_fp_free(struct prb_fpset *s)
{
  if(!s)
    return;
  for(size_t i = 0; i < s->n; i++)
    free_item(&s->items[i]);
  free(s->items);
  pcre2_match_context_free(s->mctx);
  prb_mm_free(s->body_index);
  memset(s, 0, sizeof *s);
}

static int known_scope(const char *s)
{
  for(size_t i = 0; i < sizeof scopes / sizeof scopes[0]; i++)
    if(strcmp(s, scopes[i]) == 0)
      return 1;
  return 0;
}

static int countries_ok(const char *s)
{
  if(*s == '\0')
    return 1;
  for(;;) {
    if(!is_upper((unsigned char)s[0]) || !is_upper((unsigned char)s[1]))
      return 0;
    s += 2;
    if(*s == '\0')
      return 1;
    if(*s != ',')
      return 0;
    s++;
  }
}

/* Reads confidence_no_fp: a small non-negative integer. */
static int parse_confidence(const char *s, int *out)
{
  int v = 0;
  if(*s == '\0')
    return -1;
  for(; *s; s++) {
    if(*s < '0' || *s > '9')
      return -1;
    v = v * 10 + (*s - '0');
    if(v > 100)
      return -1;
  }
  *out = v;
  return 0;
}

/* Validates one row into out, a struct prb_fingerprint (which owns its
 * strings afterwards). Returns 0, 1 for a bad row (reported), or -1 when out
 * of memory. */
static int parse_row(const struct prb_csvtable_rows *kept,
                     const struct prb_csv *r, const char *path, long line,
                     FILE *err, void *out)
{
  const struct prb_fingerprint *items = kept->items;
  struct prb_fingerprint *f = out;
  const char *loc = prb_csv_field(r, C_LOCATION);
  const char *type = prb_csv_field(r, C_TYPE);
  const char *name = prb_csv_field(r, C_NAME);

  memset(f, 0, sizeof *f);
  f->line = line;
  if(prb_csv_nfields(r) != N_COLS) {
    prb_csvtable_say(err, path, line, "expected 11 fields, got %zu",
                     prb_csv_nfields(r));
    return 1;
  }
  if(*name == '\0') {
    prb_csvtable_say(err, path, line, "empty name");
    return 1;
  }
  if(!known_scope(prb_csv_field(r, C_SCOPE))) {
    prb_csvtable_say(err, path, line, "unknown scope \"%s\"",
                     prb_csv_field(r, C_SCOPE));
    return 1;
  }
  if(strcmp(loc, "dns") == 0) {
    f->where = PRB_FP_DNS;
  } else if(strcmp(loc, "body") == 0) {
    f->where = PRB_FP_BODY;
  } else if(strncmp(loc, "header.", 7) == 0 && loc[7] != '\0') {
    for(const char *p = loc + 7; *p; p++) {
      if(!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') ||
           *p == '-' || *p == '_')) {
        prb_csvtable_say(err, path, line,
                         "bad header name in location_found \"%s\"", loc);
        return 1;
      }
    }
    f->where = PRB_FP_HEADER;
  } else {
    prb_csvtable_say(err, path, line, "unknown location_found \"%s\"", loc);
    return 1;
  }
  /* Names are unique per kind: OONI's DNS and HTTP files reuse a few. */
  for(size_t i = 0; i < kept->n; i++) {
    if((items[i].where == PRB_FP_DNS) == (f->where == PRB_FP_DNS) &&
       strcmp(items[i].name, name) == 0) {
      prb_csvtable_say(err, path, line, "duplicate fingerprint name %s "
                       "(first on line %ld)", name, items[i].line);
      return 1;
    }
  }
  if(strcmp(type, "full") == 0)
    f->type = PRB_FP_FULL;
  else if(strcmp(type, "prefix") == 0)
    f->type = PRB_FP_PREFIX;
  else if(strcmp(type, "contains") == 0)
    f->type = PRB_FP_CONTAINS;
  else if(strcmp(type, "regexp") == 0)
    f->type = PRB_FP_REGEXP;
  else {
    prb_csvtable_say(err, path, line, "unknown pattern_type \"%s\"", type);
    return 1;
  }
  if(prb_csv_field_len(r, C_PATTERN) == 0) {
    prb_csvtable_say(err, path, line, "empty pattern");
    return 1;
  }
  if(parse_confidence(prb_csv_field(r, C_CONFIDENCE), &f->confidence) < 0) {
    prb_csvtable_say(err, path, line,
                     "confidence_no_fp \"%s\" is not a number 0-100",
                     prb_csv_field(r, C_CONFIDENCE));
    return 1;
  }
  if(!countries_ok(prb_csv_field(r, C_COUNTRIES))) {
    prb_csvtable_say(err, path, line, "expected_countries \"%s\" is not a "
                     "list of two-letter codes",
                     prb_csv_field(r, C_COUNTRIES));
    return 1;
  }
  if(f->type == PRB_FP_REGEXP) {
    int ec;
    PCRE2_SIZE off;
    f->re = pcre2_compile((PCRE2_SPTR)prb_csv_field(r, C_PATTERN),
                          prb_csv_field_len(r, C_PATTERN), 0, &ec, &off,
                          NULL);
    if(!f->re) {
      PCRE2_UCHAR msg[160];
      pcre2_get_error_message(ec, msg, sizeof msg);
      prb_csvtable_say(err, path, line, "regular expression does not "
                       "compile: %s at offset %zu", (const char *)msg,
                       (size_t)off);
      return 1;
    }
  }
  f->name = strdup(name);
  f->scope = strdup(prb_csv_field(r, C_SCOPE));
  f->pattern = strdup(prb_csv_field(r, C_PATTERN));
  f->pattern_len = prb_csv_field_len(r, C_PATTERN);
  f->expected_countries = strdup(prb_csv_field(r, C_COUNTRIES));
  if(f->where == PRB_FP_HEADER)
    f->header = strdup(loc + 7);
  if(!f->name || !f->scope || !f->pattern || !f->expected_countries ||
     (f->where == PRB_FP_HEADER && !f->header)) {
    free_item(f);
    return -1;
  }
  return 0;
}

static const struct prb_csvtable table = {
  .columns = columns,
  .n_columns = N_COLS,
  .kind = "a blocking-fingerprints file",
  .row_size = sizeof(struct prb_fingerprint),
  .parse = parse_row,
  .free_row = free_item,
};

static int index_body_rows(struct prb_fpset *s);

enum prb_load prb_fp_load(struct prb_fpset *s, const char *path, FILE *err,
                          size_t *n_bad)
{
  struct prb_csvtable_rows rows;
  int rc;

  if(n_bad)
    *n_bad = 0;
  if(!s->mctx) {
    s->mctx = pcre2_match_context_create(NULL);
    if(!s->mctx)
      return PRB_LOAD_ENOMEM;
    pcre2_set_match_limit(s->mctx, PRB_FP_MATCH_LIMIT);
    pcre2_set_depth_limit(s->mctx, PRB_FP_DEPTH_LIMIT);
  }
  rows = (struct prb_csvtable_rows){ s->items, s->n, s->cap };
  rc = prb_csvtable_load(&table, &rows, path, err, n_bad);
  s->items = rows.items;
  s->n = rows.n;
  s->cap = rows.cap;
  if(rc == PRB_LOAD_OK && index_body_rows(s) < 0)
    rc = PRB_LOAD_ENOMEM;
  return rc;
}

/* Every "body contains" row into one matcher: a page is then read once,
 * not once per row (some 1,400 rows: about 50 ms per 300 KiB page). */
static int index_body_rows(struct prb_fpset *s)
{
  prb_mm_free(s->body_index);
  s->body_index = prb_mm_new();
  if(!s->body_index)
    return -1;
  for(size_t i = 0; i < s->n; i++) {
    const struct prb_fingerprint *f = &s->items[i];
    if(f->where == PRB_FP_BODY && f->type == PRB_FP_CONTAINS &&
       !prb_mm_add(s->body_index, f->pattern, f->pattern_len, i))
      return -1;
  }
  return 0;
}

static int ieq(const char *a, size_t an, const char *b, size_t bn)
{
  if(an != bn)
    return 0;
  for(size_t i = 0; i < an; i++)
    if(lower((unsigned char)a[i]) != lower((unsigned char)b[i]))
      return 0;
  return 1;
}

static int run_re(const struct prb_fpset *s, const struct prb_fingerprint *f,
                  const unsigned char *text, size_t len)
{
  pcre2_match_data *md = pcre2_match_data_create_from_pattern(f->re, NULL);
  int rc;
  if(!md)
    return 0;
  rc = pcre2_match(f->re, text ? text : (const unsigned char *)"", len, 0,
                   0, md, s->mctx);
  pcre2_match_data_free(md);
  /* Hitting the match or depth limit counts as no match. */
  return rc >= 0;
}

/* Pattern f against len bytes of text; icase for DNS names. */
static int match_bytes(const struct prb_fpset *s,
                       const struct prb_fingerprint *f,
                       const unsigned char *text, size_t len, int icase)
{
  const char *t = (const char *)text;
  size_t pl = f->pattern_len;
  switch(f->type) {
  case PRB_FP_FULL:
    return icase ? ieq(t, len, f->pattern, pl)
                 : (len == pl && memcmp(t, f->pattern, pl) == 0);
  case PRB_FP_PREFIX:
    if(len < pl)
      return 0;
    return icase ? ieq(t, pl, f->pattern, pl) : memcmp(t, f->pattern, pl) == 0;
  case PRB_FP_CONTAINS:
    if(icase) {
      for(size_t i = 0; i + pl <= len; i++)
        if(ieq(t + i, pl, f->pattern, pl))
          return 1;
      return 0;
    }
    return len >= pl && memmem(t, len, f->pattern, pl) != NULL;
  case PRB_FP_REGEXP:
    return run_re(s, f, text, len);
  }
  return 0;
}

const struct prb_fingerprint *prb_fp_match_dns_if(const struct prb_fpset *s,
                                                  const char *answer,
                                                  prb_fp_accept_fn accept,
                                                  const void *ctx)
{
  size_t len;
  if(!s || !answer)
    return NULL;
  len = strlen(answer);
  for(size_t i = 0; i < s->n; i++) {
    const struct prb_fingerprint *f = &s->items[i];
    if(f->where == PRB_FP_DNS &&
       match_bytes(s, f, (const unsigned char *)answer, len, 1) &&
       (!accept || accept(f, ctx)))
      return f;
  }
  return NULL;
}

const struct prb_fingerprint *prb_fp_match_dns(const struct prb_fpset *s,
                                               const char *answer)
{
  return prb_fp_match_dns_if(s, answer, NULL, NULL);
}

static int header_name_is(const struct prb_header *h, const char *want,
                          size_t want_len)
{
  return h->name && ieq(h->name, h->name_len, want, want_len);
}

/* A header value without the blanks and line end around it. */
static void trim(const char *v, size_t n, const unsigned char **out,
                 size_t *out_len)
{
  while(n > 0 && (v[0] == ' ' || v[0] == '\t')) {
    v++;
    n--;
  }
  while(n > 0 && (v[n - 1] == ' ' || v[n - 1] == '\t' || v[n - 1] == '\r' ||
                  v[n - 1] == '\n'))
    n--;
  *out = (const unsigned char *)v;
  *out_len = n;
}

/* Whether row f matches the response; found: the body pass's bits. */
static int http_hit(const struct prb_fpset *s, const struct prb_fingerprint *f,
                    size_t i, const unsigned char *found,
                    const unsigned char *body, size_t body_len,
                    const struct prb_header *headers, size_t n_headers)
{
  int hit = 0;
  if(f->where == PRB_FP_BODY && f->type == PRB_FP_CONTAINS && found)
    return (found[i / 8] >> (i % 8)) & 1;
  if(f->where == PRB_FP_BODY)
    return match_bytes(s, f, body, body_len, 0);
  if(f->where != PRB_FP_HEADER)
    return 0;
  size_t want = strlen(f->header);
  for(size_t h = 0; h < n_headers && !hit; h++) {
    const unsigned char *v;
    size_t vn;
    if(!header_name_is(&headers[h], f->header, want) || !headers[h].value)
      continue;
    trim(headers[h].value, headers[h].value_len, &v, &vn);
    hit = match_bytes(s, f, v, vn, 0);
  }
  return hit;
}

const struct prb_fingerprint *prb_fp_match_http_if(
  const struct prb_fpset *s, const unsigned char *body, size_t body_len,
  const struct prb_header *headers, size_t n_headers,
  prb_fp_accept_fn accept, const void *ctx,
  const struct prb_fingerprint **any)
{
  const struct prb_fingerprint *fp_hit = NULL, *result = NULL;
  if(any)
    *any = NULL;
  if(!s)
    return NULL;
  if(!body)
    body_len = 0;
  if(!headers)
    n_headers = 0;
  /* The "contains" rows are answered by one pass over the body. */
  unsigned char *found = s->body_index ? calloc((s->n + 7) / 8, 1) : NULL;
  if(found && !prb_mm_scan(s->body_index, body, body_len, found, s->n)) {
    free(found);
    found = NULL;
  }
  for(size_t i = 0; i < s->n && !result; i++) {
    const struct prb_fingerprint *f = &s->items[i];
    if(!http_hit(s, f, i, found, body, body_len, headers, n_headers))
      continue;
    if(strcmp(f->scope, "fp") != 0) {
      if(any && !*any)
        *any = f;
      if(!accept || accept(f, ctx))
        result = f;
    } else if(!fp_hit) {
      fp_hit = f;
    }
  }
  free(found);
  if(any && !*any)
    *any = fp_hit;
  return result;
}

const struct prb_fingerprint *prb_fp_match_http(
  const struct prb_fpset *s, const unsigned char *body, size_t body_len,
  const struct prb_header *headers, size_t n_headers)
{
  const struct prb_fingerprint *any;
  const struct prb_fingerprint *f = prb_fp_match_http_if(
    s, body, body_len, headers, n_headers, NULL, NULL, &any);
  return f ? f : any;
}
