/* report_scan.c: a validating one-pass JSON walk that copies out the keys a
 * report needs (see report_scan.h). Building a jansson tree per record
 * would allocate for every header and base64 body only to throw it away;
 * this reads each byte once.
 *
 * Verdict of a record without x_analysis (OONI Probe's own records), the way
 * OONI's fastpath reads blocking/accessible:
 *   blocking "dns"          blocked, method dns
 *   blocking "tcp_ip"       blocked, method tcp
 *   blocking "http-failure" blocked, method tls when http_experiment_failure
 *                           is a TLS one (ssl_*, or names tls/handshake),
 *                           else http
 *   blocking "http-diff"    blocked, method http
 *   other strings           blocked, method unknown
 *   false + accessible true ok;  false + accessible false  down
 *   anything else (null, missing, false + null)            inconclusive
 * Derived verdicts are never "confirmed": the raw record carries no
 * fingerprint verdict.
 */
#include "report/report_scan.h"
#include "common/hashtab.h"
#include "common/jsonlex.h"
#include "common/textclean.h"

#include <idn2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct cur {
  struct prb_jlex l;
  int depth;
};

static int fail(struct cur *c, const char *why)
{
  return prb_jlex_fail(&c->l, why);
}

static void ws(struct cur *c)
{
  prb_jlex_ws(&c->l);
}

/* Appends one byte to the copy, counting what does not fit. */
struct sink {
  char *buf;
  size_t cap, len;
  bool overflow;
};

static void put(struct sink *s, unsigned char b)
{
  if(!s->buf)
    return;
  if(s->len + 1 < s->cap)
    s->buf[s->len++] = (char)b;
  else
    s->overflow = true;
}

static void put_cp(struct sink *s, unsigned cp)
{
  unsigned char b[4];
  size_t n = prb_jlex_utf8(cp, b);
  for(size_t i = 0; i < n; i++)
    put(s, b[i]);
}

/* A string at c->l.p (the opening quote); copies it into s when s->buf. */
static int string(struct cur *c, struct sink *s)
{
  c->l.p++;
  for(;;) {
    const unsigned char *q = c->l.p;
    /* The common case: a run of plain bytes. */
    while(q < c->l.e && *q != '"' && *q != '\\' && *q >= 0x20)
      q++;
    if(s->buf) {
      /* Checked here, whole, not in the copy: a copy cut to its buffer may
       * end mid-character. A run ends at '"', '\\' or a control byte, none
       * of which continues a sequence, so runs are checked alone; escapes
       * always yield valid code points. */
      if(!prb_utf8_valid(c->l.p, (size_t)(q - c->l.p)))
        return fail(c, "a string is not valid UTF-8");
      for(const unsigned char *r = c->l.p; r < q; r++)
        put(s, *r);
    }
    c->l.p = q;
    if(q >= c->l.e)
      return fail(c, "invalid JSON: unterminated string");
    if(*q == '"') {
      c->l.p++;
      break;
    }
    if(*q < 0x20)
      return fail(c, "invalid JSON: control character in a string");
    /* backslash */
    c->l.p++;
    unsigned cp;
    if(prb_jlex_escape(&c->l, &cp))
      return -1;
    put_cp(s, cp);
  }
  if(s->buf)
    s->buf[s->len] = '\0';
  return 0;
}

static int skip_string(struct cur *c)
{
  struct sink none = {0};
  return string(c, &none);
}

static int number(struct cur *c)
{
  return prb_jlex_number(&c->l);
}

static int literal(struct cur *c, const char *word)
{
  return prb_jlex_literal(&c->l, word);
}

/* Iterates an object: call obj_key until it returns 0 (end) or -1. */
struct obj {
  bool first;
};

static int obj_open(struct cur *c, struct obj *o)
{
  if(++c->depth > PRB_SCAN_DEPTH)
    return fail(c, "JSON nested too deeply");
  c->l.p++;
  o->first = true;
  return 0;
}

/* Reads the next key into key (cut to keycap - 1 bytes: such keys match
 * nothing we look for, but are still checked whole) and stops at its value.
 * 1: a key, 0: the end. */
static int obj_key(struct cur *c, struct obj *o, char *key, size_t keycap)
{
  ws(c);
  if(c->l.p >= c->l.e)
    return fail(c, "invalid JSON: unterminated object");
  if(*c->l.p == '}') {
    c->l.p++;
    c->depth--;
    return 0;
  }
  if(!o->first) {
    if(*c->l.p != ',')
      return fail(c, "invalid JSON: expected ',' or '}'");
    c->l.p++;
    ws(c);
  }
  o->first = false;
  if(c->l.p >= c->l.e || *c->l.p != '"')
    return fail(c, "invalid JSON: expected a key");
  struct sink s = {key, keycap, 0, false};
  if(string(c, &s))
    return -1;
  if(s.overflow)
    key[0] = '\0';
  ws(c);
  if(c->l.p >= c->l.e || *c->l.p != ':')
    return fail(c, "invalid JSON: expected ':'");
  c->l.p++;
  ws(c);
  if(c->l.p >= c->l.e)
    return fail(c, "invalid JSON: missing value");
  return 1;
}

/* After '{' or ',' in an object being skipped: a key (checked as UTF-8
 * like every key), ':' and the blanks before the value. */
static int member_key(struct cur *c)
{
  char key[4];
  struct sink s = {key, sizeof(key), 0, false};
  if(c->l.p >= c->l.e || *c->l.p != '"')
    return fail(c, "invalid JSON: expected a key");
  if(string(c, &s))
    return -1;
  ws(c);
  if(c->l.p >= c->l.e || *c->l.p != ':')
    return fail(c, "invalid JSON: expected ':'");
  c->l.p++;
  ws(c);
  return 0;
}

/* Iterates an array: call arr_next until it returns 0 (end) or -1; at 1
 * the next element's value starts at c->l.p. */
static int arr_open(struct cur *c, struct obj *o)
{
  if(++c->depth > PRB_SCAN_DEPTH)
    return fail(c, "JSON nested too deeply");
  c->l.p++;
  o->first = true;
  return 0;
}

static int arr_next(struct cur *c, struct obj *o)
{
  ws(c);
  if(c->l.p >= c->l.e)
    return fail(c, "invalid JSON: unterminated array");
  if(*c->l.p == ']') {
    c->l.p++;
    c->depth--;
    return 0;
  }
  if(!o->first) {
    if(*c->l.p != ',')
      return fail(c, "invalid JSON: expected ',' or ']'");
    c->l.p++;
    ws(c);
  }
  o->first = false;
  return 1;
}

static int scalar(struct cur *c)
{
  switch(*c->l.p) {
  case '"': return skip_string(c);
  case 't': return literal(c, "true");
  case 'f': return literal(c, "false");
  case 'n': return literal(c, "null");
  default:
    if(*c->l.p == '-' || (*c->l.p >= '0' && *c->l.p <= '9'))
      return number(c);
    return fail(c, "invalid JSON: unexpected character");
  }
}

/* Skips one value of any kind, validating it. Iterative, so a deep value
 * under a key we do not read costs no stack: each open level is one bit
 * (object or array). Values may nest PRB_SCAN_DEPTH deep in the record,
 * counting the innermost one, a scalar or not, as jansson counts. */
static int value(struct cur *c)
{
  unsigned char is_obj[PRB_SCAN_DEPTH / 8];
  const int base = c->depth;
  for(;;) {
    if(c->l.p >= c->l.e)
      return fail(c, "invalid JSON: missing value");
    if(*c->l.p == '{' || *c->l.p == '[') {
      bool obj = *c->l.p == '{';
      if(c->depth >= PRB_SCAN_DEPTH)
        return fail(c, "JSON nested too deeply");
      if(obj)
        is_obj[c->depth / 8] |= (unsigned char)(1u << c->depth % 8);
      else
        is_obj[c->depth / 8] &= (unsigned char)~(1u << c->depth % 8);
      c->depth++;
      c->l.p++;
      ws(c);
      if(c->l.p >= c->l.e)
        return fail(c, obj ? "invalid JSON: unterminated object"
                           : "invalid JSON: unterminated array");
      if(*c->l.p != (obj ? '}' : ']')) {
        if(obj && member_key(c))
          return -1;
        continue;               /* the first member's value */
      }
      c->l.p++;
      c->depth--;
    } else if(c->depth >= PRB_SCAN_DEPTH) {
      return fail(c, "JSON nested too deeply");  /* jansson counts it too */
    } else if(scalar(c)) {
      return -1;
    }
    /* A value ended: close what it ended, or go on to the next member. */
    for(;;) {
      if(c->depth == base)
        return 0;
      int top = c->depth - 1;
      bool obj = is_obj[top / 8] >> top % 8 & 1;
      ws(c);
      if(c->l.p >= c->l.e)
        return fail(c, obj ? "invalid JSON: unterminated object"
                           : "invalid JSON: unterminated array");
      if(*c->l.p == (obj ? '}' : ']')) {
        c->l.p++;
        c->depth--;
        continue;
      }
      if(*c->l.p != ',')
        return fail(c, obj ? "invalid JSON: expected ',' or '}'"
                           : "invalid JSON: expected ',' or ']'");
      c->l.p++;
      ws(c);
      if(obj && member_key(c))
        return -1;
      break;
    }
  }
}

/* A string value into buf; *present false for null. why names the key in
 * the reason when the type is wrong or the string too long. */
static int get_str(struct cur *c, char *buf, size_t cap, bool *present,
                   const char *why)
{
  if(*c->l.p == 'n') {
    buf[0] = '\0';
    *present = false;
    return literal(c, "null");
  }
  if(*c->l.p != '"')
    return fail(c, why);
  struct sink s = {buf, cap, 0, false};
  if(string(c, &s))
    return -1;
  if(s.overflow)
    return fail(c, why);
  *present = true;
  return 0;
}

/* true / false / null into -1/0/1 style: 1 true, 0 false, -1 null. */
static int get_tri(struct cur *c, int *v, const char *why)
{
  switch(*c->l.p) {
  case 't': *v = 1; return literal(c, "true");
  case 'f': *v = 0; return literal(c, "false");
  case 'n': *v = -1; return literal(c, "null");
  default: return fail(c, why);
  }
}

/* A string that may be too long for buf: then "" (not an error); any
 * other value is skipped and buf left "". */
static int opt_str(struct cur *c, char *buf, size_t cap)
{
  buf[0] = '\0';
  if(*c->l.p != '"')
    return value(c);
  struct sink s = {buf, cap, 0, false};
  if(string(c, &s))
    return -1;
  if(s.overflow)
    buf[0] = '\0';
  return 0;
}

/* A whole number up to 2^32 - 1 into *v; any other value gives 0. */
static int get_u32(struct cur *c, uint32_t *v)
{
  const unsigned char *start = c->l.p;
  *v = 0;
  if(*c->l.p < '0' || *c->l.p > '9')
    return value(c);
  if(number(c))
    return -1;
  uint64_t n = 0;
  for(const unsigned char *q = start; q < c->l.p; q++) {
    if(*q < '0' || *q > '9' || n > UINT32_MAX)
      return 0;
    n = n * 10 + (uint64_t)(*q - '0');
  }
  *v = n <= UINT32_MAX ? (uint32_t)n : 0;
  return 0;
}

static void add_org(struct prb_scan_rec *rec, uint32_t asn, const char *name)
{
  if(!asn || !name[0] || rec->n_orgs == PRB_SCAN_ORGS_MAX)
    return;
  for(uint32_t i = 0; i < rec->n_orgs; i++)
    if(rec->orgs[i].asn == asn)
      return;
  rec->orgs[rec->n_orgs].asn = asn;
  memcpy(rec->orgs[rec->n_orgs].name, name, strlen(name) + 1);
  rec->n_orgs++;
}

/* A DNS answer or an ip_info entry: {"asn": N, "as_org_name" or
 * "x_as_org_name": "..."}, anything else skipped. */
static int org_entry(struct cur *c, struct prb_scan_rec *rec)
{
  struct obj o;
  char key[16], name[PRB_SCAN_SHORT_MAX] = "";
  uint32_t asn = 0;
  int r;
  if(*c->l.p != '{')
    return value(c);
  if(obj_open(c, &o))
    return -1;
  while((r = obj_key(c, &o, key, sizeof(key))) == 1) {
    int rc;
    if(!strcmp(key, "asn"))
      rc = get_u32(c, &asn);
    else if(!strcmp(key, "as_org_name") || !strcmp(key, "x_as_org_name"))
      rc = opt_str(c, name, sizeof(name));
    else
      rc = value(c);
    if(rc)
      return -1;
  }
  if(!r)
    add_org(rec, asn, name);
  return r;
}

/* test_keys.queries: the networks of their answers. */
static int queries(struct cur *c, struct prb_scan_rec *rec)
{
  struct obj a, q, an;
  char key[16];
  int r, k, e;
  if(*c->l.p != '[')
    return value(c);
  if(arr_open(c, &a))
    return -1;
  while((r = arr_next(c, &a)) == 1) {
    if(*c->l.p != '{') {
      if(value(c))
        return -1;
      continue;
    }
    if(obj_open(c, &q))
      return -1;
    while((k = obj_key(c, &q, key, sizeof(key))) == 1) {
      if(strcmp(key, "answers") || *c->l.p != '[') {
        if(value(c))
          return -1;
        continue;
      }
      if(arr_open(c, &an))
        return -1;
      while((e = arr_next(c, &an)) == 1)
        if(org_entry(c, rec))
          return -1;
      if(e < 0)
        return -1;
    }
    if(k < 0)
      return -1;
  }
  return r;
}

/* test_keys.control: the control's word on the probe's network, and the
 * networks of the addresses it looked up (ip_info). */
static int control(struct cur *c, struct prb_scan_rec *rec)
{
  struct obj o, ii;
  char key[24], ip[4];
  int r, k;
  if(*c->l.p != '{')
    return value(c);
  if(obj_open(c, &o))
    return -1;
  while((r = obj_key(c, &o, key, sizeof(key))) == 1) {
    int rc = 0;
    if(!strcmp(key, "x_probe_asn")) {
      rc = opt_str(c, rec->control_asn, sizeof(rec->control_asn));
    } else if(!strcmp(key, "x_probe_network_name")) {
      rc = opt_str(c, rec->control_network_name,
                   sizeof(rec->control_network_name));
    } else if(!strcmp(key, "ip_info") && *c->l.p == '{') {
      if(obj_open(c, &ii))
        return -1;
      while((k = obj_key(c, &ii, ip, sizeof(ip))) == 1)
        if(org_entry(c, rec))
          return -1;
      rc = k < 0 ? -1 : 0;
    } else {
      rc = value(c);
    }
    if(rc)
      return -1;
  }
  return r;
}

struct fields {
  bool has_input, has_time, has_asn, has_cc, has_test;
  char time[24];
  char test[32];
  /* OONI's keys */
  int blocking_kind;            /* -1 null/missing, 0 false, 1 string */
  char blocking[24];
  int accessible;               /* -1 null/missing */
  char http_failure[64];
  char dns_failure[24];
  bool tk_null;                 /* test_keys is null */
  bool control_failed;          /* control_failure is a string */
  char uid[PRB_SCAN_SHORT_MAX];
  /* ours */
  bool has_analysis;
  char verdict[24];
  char method[16];
  int confirmed;
};

static int analysis(struct cur *c, struct fields *f)
{
  struct obj o;
  char key[16];
  int r;
  bool present;
  if(*c->l.p == 'n')
    return literal(c, "null");
  if(*c->l.p != '{')
    return fail(c, "x_analysis is not an object");
  if(obj_open(c, &o))
    return -1;
  while((r = obj_key(c, &o, key, sizeof(key))) == 1) {
    if(!strcmp(key, "verdict")) {
      if(get_str(c, f->verdict, sizeof(f->verdict), &present,
                 "x_analysis.verdict is not a known verdict"))
        return -1;
      f->has_analysis = present;
    } else if(!strcmp(key, "method")) {
      if(get_str(c, f->method, sizeof(f->method), &present,
                 "x_analysis.method is not a known method"))
        return -1;
    } else if(!strcmp(key, "confirmed")) {
      if(get_tri(c, &f->confirmed, "x_analysis.confirmed is not a boolean"))
        return -1;
    } else if(value(c)) {
      return -1;
    }
  }
  return r;
}

static int test_keys(struct cur *c, struct fields *f,
                     struct prb_scan_rec *rec)
{
  struct obj o;
  char key[32];
  int r;
  bool present;
  if(*c->l.p == 'n') {
    f->tk_null = true;
    return literal(c, "null");
  }
  if(*c->l.p != '{')
    return fail(c, "test_keys is not an object");
  if(obj_open(c, &o))
    return -1;
  while((r = obj_key(c, &o, key, sizeof(key))) == 1) {
    if(!strcmp(key, "blocking")) {
      if(*c->l.p == '"') {
        if(get_str(c, f->blocking, sizeof(f->blocking), &present,
                   "blocking is not false, null or a known string"))
          return -1;
        f->blocking_kind = 1;
      } else if(*c->l.p == 'f') {
        f->blocking_kind = 0;
        if(literal(c, "false"))
          return -1;
      } else if(*c->l.p == 'n') {
        f->blocking_kind = -1;
        if(literal(c, "null"))
          return -1;
      } else {
        return fail(c, "blocking is not false, null or a string");
      }
    } else if(!strcmp(key, "accessible")) {
      if(get_tri(c, &f->accessible, "accessible is not a boolean or null"))
        return -1;
    } else if(!strcmp(key, "http_experiment_failure")) {
      /* Long failure strings ("unknown_failure: ...") only need a prefix. */
      if(*c->l.p == '"') {
        struct sink s = {f->http_failure, sizeof(f->http_failure), 0, false};
        if(string(c, &s))
          return -1;
      } else if(value(c)) {
        return -1;
      }
    } else if(!strcmp(key, "dns_experiment_failure")) {
      if(*c->l.p == '"') {
        struct sink s = {f->dns_failure, sizeof(f->dns_failure), 0, false};
        if(string(c, &s))
          return -1;
      } else if(value(c)) {
        return -1;
      }
    } else if(!strcmp(key, "control_failure")) {
      f->control_failed = *c->l.p == '"';
      if(value(c))
        return -1;
    } else if(!strcmp(key, "x_analysis")) {
      if(analysis(c, f))
        return -1;
    } else if(!strcmp(key, "control")) {
      if(control(c, rec))
        return -1;
    } else if(!strcmp(key, "queries")) {
      if(queries(c, rec))
        return -1;
    } else if(!strcmp(key, "x_category_code")) {
      if(get_str(c, rec->category, sizeof(rec->category), &present,
                 "x_category_code is not a short string or null"))
        return -1;
    } else if(value(c)) {
      return -1;
    }
  }
  return r;
}

static int top(struct cur *c, struct fields *f, struct prb_scan_rec *rec)
{
  struct obj o;
  char key[32];
  int r;
  bool present;
  ws(c);
  if(c->l.p >= c->l.e || *c->l.p != '{')
    return fail(c, "not a JSON object");
  if(obj_open(c, &o))
    return -1;
  while((r = obj_key(c, &o, key, sizeof(key))) == 1) {
    int rc = 0;
    if(!strcmp(key, "input")) {
      rc = get_str(c, rec->input, sizeof(rec->input), &f->has_input,
                   "input is not a string of at most 2047 bytes");
    } else if(!strcmp(key, "measurement_start_time")) {
      rc = get_str(c, f->time, sizeof(f->time), &f->has_time,
                   "measurement_start_time is not a date string");
    } else if(!strcmp(key, "probe_asn")) {
      rc = get_str(c, rec->asn, sizeof(rec->asn), &f->has_asn,
                   "probe_asn is not a short string");
    } else if(!strcmp(key, "probe_cc")) {
      rc = get_str(c, rec->cc, sizeof(rec->cc), &f->has_cc,
                   "probe_cc is not a two-letter string");
    } else if(!strcmp(key, "probe_network_name")) {
      /* A name too long for the table is dropped, not an error. */
      rc = opt_str(c, rec->network_name, sizeof(rec->network_name));
    } else if(!strcmp(key, "software_name") ||
              !strcmp(key, "measurement_uid")) {
      /* Too long a name is cut (or, for an id, dropped), not an error. */
      bool sw = key[0] == 's';
      if(*c->l.p == '"') {
        struct sink s = {sw ? rec->software : f->uid,
                         sw ? sizeof(rec->software) : sizeof(f->uid), 0,
                         false};
        rc = string(c, &s);
        if(!rc && s.overflow && !sw)
          f->uid[0] = '\0';
        /* a cut name may end inside a character: drop it */
        for(size_t n = s.len; !rc && sw && s.overflow && n &&
            !prb_utf8_valid(rec->software, n); n--)
          rec->software[n - 1] = '\0';
      } else {
        rc = value(c);
      }
    } else if(!strcmp(key, "report_id")) {
      rc = get_str(c, rec->report_id, sizeof(rec->report_id), &present,
                   "report_id is not a short string or null");
    } else if(!strcmp(key, "test_name")) {
      rc = get_str(c, f->test, sizeof(f->test), &f->has_test,
                   "test_name is not a short string");
    } else if(!strcmp(key, "test_keys")) {
      rc = test_keys(c, f, rec);
    } else {
      rc = value(c);
    }
    if(rc)
      return -1;
  }
  if(r < 0)
    return -1;
  ws(c);
  if(c->l.p != c->l.e)
    return fail(c, "invalid JSON: text after the object");
  return 0;
}

static void unicode_site(char *site, size_t cap);

static bool eq(const char *a, const char *b)
{
  return !strcmp(a, b);
}

static bool tls_failure(const char *f)
{
  return !strncmp(f, "ssl_", 4) || strstr(f, "tls") || strstr(f, "handshake");
}

static void derive(const struct fields *f, struct prb_scan_rec *rec)
{
  rec->derived = true;
  rec->confirmed = false;
  rec->method = PRB_METHOD_NONE;
  if(f->blocking_kind == 1) {
    rec->verdict = PRB_VERDICT_BLOCKED;
    if(eq(f->blocking, "dns"))
      rec->method = PRB_METHOD_DNS;
    else if(eq(f->blocking, "tcp_ip"))
      rec->method = PRB_METHOD_TCP;
    else if(eq(f->blocking, "http-failure"))
      rec->method = tls_failure(f->http_failure) ? PRB_METHOD_TLS
                                                 : PRB_METHOD_HTTP;
    else if(eq(f->blocking, "http-diff"))
      rec->method = PRB_METHOD_HTTP;
  } else if(f->blocking_kind == 0 && f->accessible == 1) {
    rec->verdict = PRB_VERDICT_OK;
  } else if(f->blocking_kind == 0 && f->accessible == 0) {
    rec->verdict = PRB_VERDICT_DOWN;
  } else {
    rec->verdict = PRB_VERDICT_INCONCLUSIVE;
  }
}

/* OONI's measurement_uid names a measurement; without one (our records,
 * probe files) the report, the URL, the start time and the network do;
 * without a report_id either (simulated or trimmed records), only the
 * record's exact bytes. */
static uint64_t identity(const struct fields *f, const struct prb_scan_rec *r,
                         const char *line, size_t len)
{
  char buf[PRB_SCAN_INPUT_MAX + 2 * PRB_SCAN_SHORT_MAX + 64];
  int n;
  if(!f->uid[0] && !r->report_id[0])
    return prb_hash_bytes(line, len);
  if(f->uid[0])
    n = snprintf(buf, sizeof(buf), "uid\n%s", f->uid);
  else
    n = snprintf(buf, sizeof(buf), "%s\n%s\n%s\n%s\n%s", r->report_id,
                 r->input, f->time, r->asn, r->cc);
  if(n < 0)
    n = 0;
  return prb_hash_bytes(buf, (size_t)n < sizeof(buf) ? (size_t)n
                                                     : sizeof(buf) - 1);
}

enum prb_scan_result prb_scan_record(const char *line, size_t len,
                                     struct prb_scan_rec *rec,
                                     const char **reason)
{
  struct cur c = {{(const unsigned char *)line,
                   (const unsigned char *)line + len, NULL}, 0};
  struct fields f;
  memset(&f, 0, sizeof(f));
  f.blocking_kind = -1;
  f.accessible = -1;
  f.confirmed = 0;
  memset(rec, 0, sizeof(*rec));
  *reason = NULL;
  if(memchr(line, '\0', len)) {
    *reason = "NUL byte in the line";
    return PRB_SCAN_BAD;
  }
  if(top(&c, &f, rec)) {
    *reason = c.l.err ? c.l.err : "invalid JSON";
    return PRB_SCAN_BAD;
  }
  if(!f.has_test) {
    *reason = "test_name is missing";
    return PRB_SCAN_BAD;
  }
  if(!eq(f.test, "web_connectivity"))
    return PRB_SCAN_OTHER_TEST;
  if(!f.has_input || !prb_scan_site(rec->input, rec->site, sizeof(rec->site))) {
    *reason = "input is missing or not an http(s) URL with a host";
    return PRB_SCAN_BAD;
  }
  if(!f.has_time || !prb_scan_day(f.time, &rec->day)) {
    *reason = "measurement_start_time is not \"YYYY-MM-DD hh:mm:ss\"";
    return PRB_SCAN_BAD;
  }
  if(!f.has_asn || strncmp(rec->asn, "AS", 2) || !rec->asn[2] ||
     strspn(rec->asn + 2, "0123456789") != strlen(rec->asn + 2)) {
    *reason = "probe_asn is not \"AS\" and digits";
    return PRB_SCAN_BAD;
  }
  if(!f.has_cc || strlen(rec->cc) != 2 ||
     strspn(rec->cc, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") != 2) {
    *reason = "probe_cc is not two capital letters";
    return PRB_SCAN_BAD;
  }
  rec->key = identity(&f, rec, line, len);
  rec->failure_facts = f.tk_null || f.control_failed ||
                       !strncmp(f.http_failure, "unknown_failure", 15) ||
                       !strncmp(f.dns_failure, "unknown_failure", 15);
  if(f.has_analysis) {
    if(!prb_verdict_parse(f.verdict, &rec->verdict)) {
      *reason = "x_analysis.verdict is not a known verdict";
      return PRB_SCAN_BAD;
    }
    rec->method = PRB_METHOD_NONE;
    if(f.method[0] && !prb_method_parse(f.method, &rec->method)) {
      *reason = "x_analysis.method is not a known method";
      return PRB_SCAN_BAD;
    }
    rec->confirmed = rec->verdict == PRB_VERDICT_BLOCKED && f.confirmed == 1;
  } else {
    derive(&f, rec);
  }
  return PRB_SCAN_OK;
}

bool prb_scan_site(const char *url, char *out, size_t outlen)
{
  const char *p = strstr(url, "://");
  if(!p || p == url || outlen < 2)
    return false;
  for(const char *s = url; s < p; s++) {
    char ch = *s;
    if(!((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z')))
      return false;
  }
  p += 3;
  size_t auth = strcspn(p, "/?#");
  /* userinfo ends at the last '@' of the authority */
  const char *h = p;
  for(size_t i = 0; i < auth; i++)
    if(p[i] == '@')
      h = p + i + 1;
  size_t hl = auth - (size_t)(h - p);
  if(hl && h[0] == '[') {
    const char *rb = memchr(h, ']', hl);
    if(!rb)
      return false;
    hl = (size_t)(rb - h) + 1;
  } else {
    const char *colon = memchr(h, ':', hl);
    if(colon)
      hl = (size_t)(colon - h);
  }
  while(hl && h[hl - 1] == '.')
    hl--;
  if(hl >= 4 && (h[0] == 'w' || h[0] == 'W') && (h[1] == 'w' || h[1] == 'W') &&
     (h[2] == 'w' || h[2] == 'W') && h[3] == '.' && hl > 4) {
    h += 4;
    hl -= 4;
  }
  if(!hl || hl >= outlen)
    return false;
  bool idn = false;
  for(size_t i = 0; i < hl; i++) {
    char ch = h[i];
    if(ch >= 'A' && ch <= 'Z')
      ch = (char)(ch - 'A' + 'a');
    if((unsigned char)ch <= ' ' || ch == 0x7f)
      return false;
    idn |= (unsigned char)ch >= 0x80 ||
           ((i == 0 || h[i - 1] == '.') && hl - i >= 4 &&
            (h[i] | 0x20) == 'x' && (h[i + 1] | 0x20) == 'n' &&
            h[i + 2] == '-' && h[i + 3] == '-');
    out[i] = ch;
  }
  out[hl] = '\0';
  if(idn)
    unicode_site(out, outlen);
  return true;
}

/* An internationalised name in one form: UTS #46 mapped (case folded,
 * NFC) to its A-labels, then back to Unicode. A name libidn2 refuses is
 * kept as it was written. */
static void unicode_site(char *site, size_t cap)
{
  char *ascii = NULL, *uni = NULL;
  if(idn2_lookup_u8((const uint8_t *)site, (uint8_t **)&ascii,
                    IDN2_NFC_INPUT | IDN2_NONTRANSITIONAL) == IDN2_OK &&
     idn2_to_unicode_8z8z(ascii, &uni, 0) == IDN2_OK && strlen(uni) < cap)
    memcpy(site, uni, strlen(uni) + 1);
  free(ascii);
  free(uni);
}

/* Proleptic Gregorian date to a day count, by 400-year eras (the usual
 * civil-calendar arithmetic), and back. */
int32_t prb_scan_days_from_civil(int y, int m, int d)
{
  y -= m <= 2;
  int era = (y >= 0 ? y : y - 399) / 400;
  int yoe = y - era * 400;
  int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return (int32_t)(era * 146097 + doe - 719468);
}

void prb_scan_day_str(int32_t day, char *out, size_t outlen)
{
  int z = day + 719468;
  int era = (z >= 0 ? z : z - 146096) / 146097;
  int doe = z - era * 146097;
  int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int y = yoe + era * 400;
  int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int mp = (5 * doy + 2) / 153;
  int d = doy - (153 * mp + 2) / 5 + 1;
  int m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2;
  snprintf(out, outlen, "%04d-%02d-%02d", y, m, d);
}

static bool num(const char *s, int n, int *v)
{
  int x = 0;
  for(int i = 0; i < n; i++) {
    if(s[i] < '0' || s[i] > '9')
      return false;
    x = x * 10 + (s[i] - '0');
  }
  *v = x;
  return true;
}

/* OONI's "YYYY-MM-DD hh:mm:ss" (UTC), or ISO's 'T' and a trailing 'Z'.
 * Nothing else may follow the seconds: an offset ("+05") would put the
 * measurement on another UTC day than the one we would count it on. */
bool prb_scan_day(const char *s, int32_t *day)
{
  int y, mo, d, hh, mi, ss;
  size_t n = strlen(s);
  if(n != 19 && !(n == 20 && s[19] == 'Z'))
    return false;
  if(s[4] != '-' || s[7] != '-' ||
     (s[10] != ' ' && s[10] != 'T') || s[13] != ':' || s[16] != ':')
    return false;
  if(!num(s, 4, &y) || !num(s + 5, 2, &mo) || !num(s + 8, 2, &d) ||
     !num(s + 11, 2, &hh) || !num(s + 14, 2, &mi) || !num(s + 17, 2, &ss))
    return false;
  static const int mdays[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if(y < 1970 || mo < 1 || mo > 12 || d < 1 || d > mdays[mo - 1] ||
     hh > 23 || mi > 59 || ss > 60)
    return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if(mo == 2 && d == 29 && !leap)
    return false;
  *day = prb_scan_days_from_civil(y, mo, d);
  return true;
}

const char *prb_scan_method_name(enum prb_method m)
{
  return m == PRB_METHOD_NONE ? "unknown" : prb_method_name(m);
}
