/* record_obs.c: a web_connectivity record's test_keys back into a struct
 * prb_obs and the control's reply (record_obs.h). Every read is typed and
 * bounded: what does not fit a cap is cut (and flagged where the obs has
 * a flag), what has the wrong type is skipped. */
#include "ooni/record_obs.h"
#include "common/caps.h"
#include "common/textclean.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define HEADER_VALUE_MAX (8 * 1024)   /* one header value kept */
#define CERT_MAX (64 * 1024)          /* one DER certificate */

typedef struct prb_jtape tape;

static size_t get(const tape *tp, size_t obj, const char *key)
{
  return prb_jt_get(tp, obj, key);
}

static bool is(const tape *tp, size_t i, enum prb_jt_type t)
{
  return i != PRB_JT_NONE && prb_jt_type(tp, i) == t;
}

static double num(const tape *tp, size_t i)
{
  double d = 0;
  return prb_jt_num(tp, i, &d) && d == d ? d : 0;
}

static long long integer(const tape *tp, size_t i, long long dflt)
{
  long long v;
  return prb_jt_int(tp, i, &v) ? v : dflt;
}

/* A failure string of the record, kept in r->strs (NULL for null). */
static const char *failure(struct prb_recobs *r, const tape *tp, size_t i)
{
  char buf[PRB_RECOBS_STR_MAX];
  if(!is(tp, i, PRB_JT_STRING))
    return NULL;
  if(!prb_jt_str(tp, i, buf, sizeof(buf), NULL))
    return "unknown_failure";   /* "" still says something failed */
  for(size_t k = 0; k < r->n_strs; k++)
    if(!strcmp(r->strs[k], buf))
      return r->strs[k];
  if(r->n_strs == PRB_RECOBS_STRS)
    return "unknown_failure";
  memcpy(r->strs[r->n_strs], buf, sizeof(buf));
  return r->strs[r->n_strs++];
}

struct tags {
  int depth;
  bool system, decoy;
};

static struct tags tags_of(const tape *tp, size_t obj)
{
  struct tags t = {0, false, false};
  size_t a = get(tp, obj, "tags");
  for(size_t i = prb_jt_child(tp, a); i != PRB_JT_NONE;
      i = prb_jt_next(tp, a, i)) {
    char s[32];
    prb_jt_str(tp, i, s, sizeof(s), NULL);
    if(!strncmp(s, "depth=", 6))
      t.depth = atoi(s + 6);
    else if(!strcmp(s, "system"))
      t.system = true;
    else if(!strcmp(s, "decoy_sni"))
      t.decoy = true;
  }
  return t;
}

/* The bytes behind a body or header value: a string, or OONI's BinaryData
 * {"format": "base64", "data": ...}. A malloc'd copy of at most max bytes
 * (NUL-terminated), *len its length, *cut when more were there; NULL when
 * the value is neither (or out of memory: *oom). */
static unsigned char *bytes_of(const tape *tp, size_t v, size_t max,
                               size_t *len, bool *cut, bool *oom)
{
  *len = 0;
  *cut = false;
  if(is(tp, v, PRB_JT_OBJECT)) {
    size_t data = get(tp, v, "data");
    if(!prb_jt_str_is(tp, get(tp, v, "format"), "base64") ||
       !is(tp, data, PRB_JT_STRING))
      return NULL;
    size_t n = prb_jt_strlen(tp, data), want = (max + 2) / 3 * 4;
    if(n > want) {
      n = want;
      *cut = true;
    }
    char *b64 = malloc(n + 1);
    if(!b64) {
      *oom = true;
      return NULL;
    }
    prb_jt_str(tp, data, b64, n + 1, NULL);
    unsigned char *out = prb_base64_decode(b64, strlen(b64), len);
    free(b64);
    if(out && *len > max) {
      *len = max;
      *cut = true;
    }
    return out;
  }
  if(!is(tp, v, PRB_JT_STRING))
    return NULL;
  /* escapes only shorten: the text's length bounds the bytes */
  size_t n = tp->t[v].end - tp->t[v].start - 2;
  size_t keep = n > max ? max : n;
  unsigned char *out = malloc(keep + 1);
  if(!out) {
    *oom = true;
    return NULL;
  }
  *len = prb_jt_str(tp, v, (char *)out, keep + 1, cut);
  return out;
}

/* ---- DNS, TCP, TLS ------------------------------------------------------- */

static bool system_query(const tape *tp, size_t q, const struct tags *t)
{
  size_t engine = get(tp, q, "engine");
  return t->system || !is(tp, engine, PRB_JT_STRING) ||
         prb_jt_str_is(tp, engine, "system") ||
         prb_jt_str_is(tp, engine, "getaddrinfo");
}

static void answers(const tape *tp, size_t list, struct prb_dns_query *d)
{
  for(size_t a = prb_jt_child(tp, list);
      a != PRB_JT_NONE && d->n_answers < PRB_MAX_ADDRS;
      a = prb_jt_next(tp, list, a)) {
    struct prb_dns_answer *an = &d->answers[d->n_answers];
    size_t v;
    if((v = get(tp, a, "ipv4")) != PRB_JT_NONE && is(tp, v, PRB_JT_STRING))
      an->type = PRB_RR_A;
    else if((v = get(tp, a, "ipv6")) != PRB_JT_NONE &&
            is(tp, v, PRB_JT_STRING))
      an->type = PRB_RR_AAAA;
    else if((v = get(tp, a, "hostname")) != PRB_JT_NONE &&
            is(tp, v, PRB_JT_STRING))
      an->type = PRB_RR_CNAME;
    else
      continue;
    prb_jt_str(tp, v, an->value, sizeof(an->value), NULL);
    long long ttl = integer(tp, get(tp, a, "ttl"), 0);
    an->ttl = ttl > 0 && ttl <= UINT32_MAX ? (uint32_t)ttl : 0;
    d->n_answers++;
  }
}

static void queries(struct prb_recobs *r, const tape *tp, size_t list)
{
  for(size_t q = prb_jt_child(tp, list); q != PRB_JT_NONE;
      q = prb_jt_next(tp, list, q)) {
    if(!is(tp, q, PRB_JT_OBJECT))
      continue;
    struct prb_dns_query *d = prb_obs_add_query(&r->obs);
    if(!d)
      return;                   /* the cap: the rest is left out */
    struct tags t = tags_of(tp, q);
    prb_jt_str(tp, get(tp, q, "hostname"), d->hostname, sizeof(d->hostname),
               NULL);
    d->qtype = prb_jt_str_is(tp, get(tp, q, "query_type"), "AAAA")
               ? PRB_RR_AAAA : PRB_RR_A;
    d->system = system_query(tp, q, &t);
    size_t ra = get(tp, q, "resolver_address");
    if(is(tp, ra, PRB_JT_STRING))
      prb_jt_str(tp, ra, d->resolver, sizeof(d->resolver), NULL);
    else if(is(tp, get(tp, q, "resolver_hostname"), PRB_JT_STRING)) {
      char host[PRB_IP_MAX];
      prb_jt_str(tp, get(tp, q, "resolver_hostname"), host, sizeof(host),
                 NULL);
      snprintf(d->resolver, sizeof(d->resolver), "%s:%lld", host,
               integer(tp, get(tp, q, "resolver_port"), 53));
    }
    d->failure = failure(r, tp, get(tp, q, "failure"));
    d->rcode = (int)integer(tp, get(tp, q, "rcode"), -1);
    answers(tp, get(tp, q, "answers"), d);
    d->t0 = num(tp, get(tp, q, "t0"));
    d->t = num(tp, get(tp, q, "t"));
    d->depth = t.depth;
    d->transaction_id = (int)integer(tp, get(tp, q, "transaction_id"), 0);
  }
}

static void tcp_connects(struct prb_recobs *r, const tape *tp, size_t list)
{
  for(size_t c = prb_jt_child(tp, list); c != PRB_JT_NONE;
      c = prb_jt_next(tp, list, c)) {
    if(!is(tp, c, PRB_JT_OBJECT) || !is(tp, get(tp, c, "ip"), PRB_JT_STRING))
      continue;
    struct prb_tcp_connect *t = prb_obs_add_tcp(&r->obs);
    if(!t)
      return;
    size_t st = get(tp, c, "status");
    prb_jt_str(tp, get(tp, c, "ip"), t->ip, sizeof(t->ip), NULL);
    long long port = integer(tp, get(tp, c, "port"), 0);
    t->port = port > 0 && port < 65536 ? (int)port : 0;
    t->failure = failure(r, tp, get(tp, st, "failure"));
    if(!t->failure && is(tp, get(tp, st, "success"), PRB_JT_FALSE))
      t->failure = "unknown_failure";
    t->t0 = num(tp, get(tp, c, "t0"));
    t->t = num(tp, get(tp, c, "t"));
    t->transaction_id = (int)integer(tp, get(tp, c, "transaction_id"), 0);
  }
}

static int chain(const tape *tp, size_t list, struct prb_tls_handshake *h)
{
  for(size_t c = prb_jt_child(tp, list);
      c != PRB_JT_NONE && h->n_certs < PRB_MAX_CERTS;
      c = prb_jt_next(tp, list, c)) {
    size_t len;
    bool cut, oom = false;
    unsigned char *der = bytes_of(tp, c, CERT_MAX, &len, &cut, &oom);
    if(oom)
      return -1;
    if(!der || cut || !len) {   /* a cut certificate is no certificate */
      free(der);
      continue;
    }
    h->certs[h->n_certs].der = der;
    h->certs[h->n_certs++].len = len;
  }
  return 0;
}

static int handshakes(struct prb_recobs *r, const tape *tp, size_t list,
                      bool decoys)
{
  for(size_t c = prb_jt_child(tp, list); c != PRB_JT_NONE;
      c = prb_jt_next(tp, list, c)) {
    if(!is(tp, c, PRB_JT_OBJECT))
      continue;
    struct prb_tls_handshake *h = prb_obs_add_tls(&r->obs);
    if(!h)
      return 0;
    struct tags t = tags_of(tp, c);
    h->decoy = decoys || t.decoy;
    prb_jt_str(tp, get(tp, c, "address"), h->address, sizeof(h->address),
               NULL);
    prb_jt_str(tp, get(tp, c, "server_name"), h->server_name,
               sizeof(h->server_name), NULL);
    h->failure = failure(r, tp, get(tp, c, "failure"));
    prb_jt_str(tp, get(tp, c, "tls_version"), h->tls_version,
               sizeof(h->tls_version), NULL);
    prb_jt_str(tp, get(tp, c, "cipher_suite"), h->cipher_suite,
               sizeof(h->cipher_suite), NULL);
    prb_jt_str(tp, get(tp, c, "negotiated_protocol"),
               h->negotiated_protocol, sizeof(h->negotiated_protocol), NULL);
    prb_jt_str(tp, get(tp, c, "x_verify_error"), h->x_verify_error,
               sizeof(h->x_verify_error), NULL);
    h->t0 = num(tp, get(tp, c, "t0"));
    h->t = num(tp, get(tp, c, "t"));
    h->transaction_id = (int)integer(tp, get(tp, c, "transaction_id"), 0);
    /* a chain is read only where it failed: nothing reads a good one */
    if((h->failure || h->x_verify_error[0]) &&
       chain(tp, get(tp, c, "peer_certificates"), h))
      return -1;
  }
  return 0;
}

/* ---- HTTP ---------------------------------------------------------------- */

/* One response header into r's next slot; -1 when out of memory. */
static int header(struct prb_http_request *q, const tape *tp, size_t name,
                  size_t value, size_t *budget)
{
  if(q->n_headers == PRB_MAX_HEADERS || !*budget) {
    q->headers_truncated = true;
    return 0;
  }
  if(is(tp, value, PRB_JT_ARRAY))         /* legacy: a list of values */
    value = prb_jt_child(tp, value);
  size_t nlen = prb_jt_strlen(tp, name), vlen;
  bool cut, oom = false;
  if(!nlen || nlen >= PRB_CTL_HNAME_MAX)
    return 0;
  unsigned char *v = bytes_of(tp, value, HEADER_VALUE_MAX, &vlen, &cut,
                              &oom);
  if(oom)
    return -1;
  if(!v)
    return 0;
  struct prb_header *h = &q->headers[q->n_headers];
  h->name = malloc(nlen + 1);
  if(!h->name) {
    free(v);
    return -1;
  }
  h->name_len = prb_jt_str(tp, name, h->name, nlen + 1, NULL);
  h->value = (char *)v;
  h->value_len = vlen;
  q->n_headers++;
  q->headers_truncated |= cut;
  *budget = *budget > nlen + vlen ? *budget - nlen - vlen : 0;
  return 0;
}

static int response(const tape *tp, size_t resp, struct prb_http_request *q)
{
  size_t list = get(tp, resp, "headers_list"), budget = PRB_HEADERS_MAX;
  if(!is(tp, resp, PRB_JT_OBJECT))
    return 0;
  long long code = integer(tp, get(tp, resp, "code"), 0);
  q->code = code > 0 && code < 1000 ? (long)code : 0;
  if(is(tp, list, PRB_JT_ARRAY)) {
    for(size_t p = prb_jt_child(tp, list); p != PRB_JT_NONE;
        p = prb_jt_next(tp, list, p)) {
      size_t n = prb_jt_child(tp, p);
      if(prb_jt_count(tp, p) == 2 &&
         header(q, tp, n, prb_jt_next(tp, p, n), &budget))
        return -1;
    }
  } else {
    size_t map = get(tp, resp, "headers");
    for(size_t k = prb_jt_child(tp, map); k != PRB_JT_NONE;
        k = prb_jt_next(tp, map, k + 1))
      if(header(q, tp, k, k + 1, &budget))
        return -1;
  }
  bool cut, oom = false;
  q->body = bytes_of(tp, get(tp, resp, "body"), PRB_BODY_MAX, &q->body_len,
                     &cut, &oom);
  if(oom)
    return -1;
  q->body_is_truncated = cut ||
    is(tp, get(tp, resp, "body_is_truncated"), PRB_JT_TRUE);
  return 0;
}

/* OONI lists requests newest first; the obs keeps them in order. */
static int requests(struct prb_recobs *r, const tape *tp, size_t list)
{
  size_t idx[PRB_MAX_HOPS], n = 0;
  for(size_t q = prb_jt_child(tp, list); q != PRB_JT_NONE && n < PRB_MAX_HOPS;
      q = prb_jt_next(tp, list, q))
    if(is(tp, q, PRB_JT_OBJECT))
      idx[n++] = q;
  while(n-- > 0) {
    size_t o = idx[n];
    struct prb_http_request *q = prb_obs_add_request(&r->obs);
    if(!q)
      return 0;
    struct tags t = tags_of(tp, o);
    prb_jt_str(tp, get(tp, get(tp, o, "request"), "url"), q->url,
               sizeof(q->url), NULL);
    prb_jt_str(tp, get(tp, o, "address"), q->address, sizeof(q->address),
               NULL);
    prb_jt_str(tp, get(tp, o, "alpn"), q->alpn, sizeof(q->alpn), NULL);
    q->failure = failure(r, tp, get(tp, o, "failure"));
    q->t0 = num(tp, get(tp, o, "t0"));
    q->t = num(tp, get(tp, o, "t"));
    q->depth = t.depth;
    q->transaction_id = (int)integer(tp, get(tp, o, "transaction_id"), 0);
    if(response(tp, get(tp, o, "response"), q))
      return -1;
  }
  return 0;
}

/* ---- the control --------------------------------------------------------- */

static void control(struct prb_recobs *r, const tape *tp, size_t tk)
{
  size_t cf = get(tp, tk, "control_failure"), ctl = get(tp, tk, "control");
  if(is(tp, cf, PRB_JT_STRING)) {
    r->control_failed = true;
    if(!prb_jt_str(tp, cf, r->control_failure, sizeof(r->control_failure),
                   NULL))
      snprintf(r->control_failure, sizeof(r->control_failure),
               "unknown_failure");
    return;
  }
  if(ctl == PRB_JT_NONE) {
    snprintf(r->control_failure, sizeof(r->control_failure),
             "no control in the record");
    return;
  }
  if(!is(tp, ctl, PRB_JT_OBJECT))
    return;                     /* null: none was asked (our records) */
  const struct prb_jtok *t = &tp->t[ctl];
  json_error_t e;
  json_t *j = json_loadb(tp->text + t->start, t->end - t->start, 0, &e);
  char why[64];
  if(j && !prb_control_parse(j, &r->control, why, sizeof(why)))
    r->has_control = true;
  else
    snprintf(r->control_failure, sizeof(r->control_failure),
             "the record's control is unreadable (%s)",
             j ? why : "out of memory");
  json_decref(j);
}

/* ---- the record ---------------------------------------------------------- */

static bool ours(const tape *tp, size_t rec, size_t tk)
{
  return get(tp, tk, "x_decoy_tls_handshakes") != PRB_JT_NONE ||
         prb_jt_str_is(tp, get(tp, rec, "software_name"), "accessprobe");
}

static bool decoy_tagged(const tape *tp, size_t list)
{
  for(size_t c = prb_jt_child(tp, list); c != PRB_JT_NONE;
      c = prb_jt_next(tp, list, c))
    if(tags_of(tp, c).decoy)
      return true;
  return false;
}

int prb_record_obs(const struct prb_jtape *tp, size_t rec,
                   struct prb_recobs *out)
{
  memset(out, 0, sizeof(*out));
  out->canaries = -1;
  struct prb_obs *o = &out->obs;
  size_t tk = get(tp, rec, "test_keys");
  prb_jt_str(tp, get(tp, rec, "input"), o->input, sizeof(o->input), NULL);
  prb_jt_str(tp, get(tp, rec, "measurement_start_time"),
             o->measurement_start_time, sizeof(o->measurement_start_time),
             NULL);
  o->test_runtime = num(tp, get(tp, rec, "test_runtime"));
  out->missing = PRB_RECOBS_NO_CANARIES;
  if(!is(tp, tk, PRB_JT_OBJECT)) {
    out->test_keys_null = true;
    return 0;
  }
  if(!ours(tp, rec, tk) && !decoy_tagged(tp, get(tp, tk, "tls_handshakes")))
    out->missing |= PRB_RECOBS_NO_DECOY | PRB_RECOBS_NO_VERIFY;
  size_t can = get(tp, tk, "x_canaries");
  if(is(tp, can, PRB_JT_TRUE) || is(tp, can, PRB_JT_FALSE)) {
    out->canaries = is(tp, can, PRB_JT_TRUE);
    out->missing &= ~(unsigned)PRB_RECOBS_NO_CANARIES;
  }
  prb_jt_str(tp, get(tp, tk, "client_resolver"), o->client_resolver,
             sizeof(o->client_resolver), NULL);
  queries(out, tp, get(tp, tk, "queries"));
  tcp_connects(out, tp, get(tp, tk, "tcp_connect"));
  if(handshakes(out, tp, get(tp, tk, "tls_handshakes"), false) ||
     handshakes(out, tp, get(tp, tk, "x_decoy_tls_handshakes"), true) ||
     requests(out, tp, get(tp, tk, "requests"))) {
    prb_recobs_free(out);
    return -1;
  }
  o->dns_experiment_failure = failure(out, tp,
                                      get(tp, tk, "dns_experiment_failure"));
  o->http_experiment_failure = failure(out, tp,
                                       get(tp, tk, "http_experiment_failure"));
  control(out, tp, tk);
  return 0;
}

void prb_recobs_free(struct prb_recobs *r)
{
  if(r)
    prb_obs_free(&r->obs);
}
