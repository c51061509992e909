/* record.c: one measurement as one OONI df-000 / web_connectivity record.
 *
 * Every value from the network (names, headers, bodies, titles, even URLs
 * taken from a Location header) passes through textclean before jansson
 * sees it. Construction is all-or-nothing: any failed allocation drops the
 * whole object and the caller gets NULL.
 */
#include "ooni/record.h"
#include "common/caps.h"
#include "common/digest.h"
#include "common/title.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/random.h>

#include <openssl/rand.h>

#include "ooni/control.h"
#include "ooni/failure.h"
#include "ooni/scrub.h"
#include "common/textclean.h"
#include "common/version.h"


/* ---- small builders; each takes ownership of v, even on failure ---- */

static int put(json_t *o, const char *key, json_t *v)
{
  return json_object_set_new(o, key, v) ? 1 : 0;
}

static int push(json_t *a, json_t *v)
{
  return json_array_append_new(a, v) ? 1 : 0;
}

/* A fixed-size char field filled by others: bounded, and cleaned because
 * some of them (URL, names) come from the network. */
static json_t *jfield(const char *s, size_t cap)
{
  return prb_json_text(s, strnlen(s, cap));
}

#define JFIELD(arr) jfield((arr), sizeof(arr))

static json_t *jreal(double v)
{
  return json_real(isfinite(v) ? v : 0.0);
}

static json_t *jfailure(const char *f)
{
  return f ? json_string(f) : json_null();
}

static json_t *jtags(int depth, const char *extra)
{
  char buf[32];
  json_t *a = json_array();
  int rc = 0;

  if(depth >= 0) {
    snprintf(buf, sizeof(buf), "depth=%d", depth);
    rc |= push(a, json_string(buf));
  }
  if(extra)
    rc |= push(a, json_string(extra));
  if(rc) {
    json_decref(a);
    return NULL;
  }
  return a;
}

static unsigned char ascii_lower(unsigned char c)
{
  return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

static bool ascii_case_eq(const void *a, size_t alen, const void *b,
                          size_t blen)
{
  const unsigned char *x = a, *y = b;
  size_t i;

  if(alen != blen)
    return false;
  for(i = 0; i < alen; i++)
    if(ascii_lower(x[i]) != ascii_lower(y[i]))
      return false;
  return true;
}

/* ---- DNS, TCP, TLS ---- */

static const char *rr_name(int type)
{
  switch(type) {
  case PRB_RR_A:
    return "A";
  case PRB_RR_AAAA:
    return "AAAA";
  case PRB_RR_CNAME:
    return "CNAME";
  default:
    return "ANY";
  }
}

/* An answer's network, as OONI's probe gives it from its own database: here
 * the control's ip_info (the helper's database), absent when unknown. */
static int answer_network(json_t *o, const struct prb_dns_answer *a,
                          const struct prb_control *ctl)
{
  struct prb_addr addr;
  const struct prb_ctl_ipinfo *ii;
  int rc = 0;

  if(a->type == PRB_RR_CNAME || prb_addr_parse_endpoint(a->value, true, &addr))
    return 0;
  ii = prb_control_ipinfo(ctl, &addr);
  if(!ii || !ii->asn)
    return 0;
  rc |= put(o, "asn", json_integer(ii->asn));
  if(ii->as_org_name[0])
    rc |= put(o, "as_org_name", JFIELD(ii->as_org_name));
  return rc;
}

static json_t *answer_json(const struct prb_dns_answer *a,
                           const struct prb_control *ctl)
{
  json_t *o = json_object();
  const char *key = a->type == PRB_RR_A ? "ipv4" :
                    a->type == PRB_RR_AAAA ? "ipv6" : "hostname";
  int rc = 0;

  rc |= put(o, "answer_type", json_string(rr_name(a->type)));
  rc |= put(o, key, JFIELD(a->value));
  rc |= put(o, "ttl", json_integer(a->ttl));
  rc |= answer_network(o, a, ctl);
  if(rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *query_json(const struct prb_dns_query *q,
                          const struct prb_control *ctl)
{
  json_t *o = json_object(), *answers = json_array();
  size_t i, n = q->n_answers < PRB_MAX_ADDRS ? q->n_answers : PRB_MAX_ADDRS;
  int rc = 0;

  for(i = 0; i < n; i++)
    rc |= push(answers, answer_json(&q->answers[i], ctl));
  rc |= put(o, "answers", answers);
  rc |= put(o, "engine", json_string("udp"));
  rc |= put(o, "failure", jfailure(q->failure));
  rc |= put(o, "hostname", JFIELD(q->hostname));
  rc |= put(o, "query_type", json_string(rr_name(q->qtype)));
  if(q->raw && q->raw_len) {
    char *b64 = prb_base64(q->raw, q->raw_len);
    rc |= put(o, "raw_response", b64 ? json_string(b64) : NULL);
    free(b64);
  }
  else
    rc |= put(o, "raw_response", json_null());
  /* -1 means no response came: say nothing rather than NOERROR. */
  rc |= put(o, "rcode", q->rcode >= 0 ? json_integer(q->rcode) : json_null());
  rc |= put(o, "resolver_address", JFIELD(q->resolver));
  rc |= put(o, "t0", jreal(q->t0));
  rc |= put(o, "t", jreal(q->t));
  rc |= put(o, "tags", jtags(q->depth, q->system ? "system" : NULL));
  rc |= put(o, "transaction_id", json_integer(q->transaction_id));
  if(rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* OONI v0.4's status.blocked: present when the control tried the same
 * endpoint, true when it connected and we did not. Not for an address we
 * refused to contact: we never tried it. */
static int tcp_blocked(json_t *status, const struct prb_tcp_connect *c,
                       const struct prb_control *ctl)
{
  struct prb_addr ep;
  size_t i;

  if(!ctl || (c->failure && !strcmp(c->failure, PRB_FAIL_REFUSED_ADDR)) ||
     prb_addr_parse_endpoint(c->ip, true, &ep))
    return 0;
  ep.port = c->port;
  for(i = 0; i < ctl->n_tcp; i++)
    if(prb_addr_equal(&ctl->tcp[i].ep, &ep))
      return put(status, "blocked",
                 json_boolean(ctl->tcp[i].status && c->failure != NULL));
  return 0;
}

static json_t *tcp_json(const struct prb_tcp_connect *c,
                        const struct prb_control *ctl)
{
  json_t *o = json_object(), *status = json_object();
  int rc = 0;

  rc |= put(status, "failure", jfailure(c->failure));
  rc |= put(status, "success", json_boolean(c->failure == NULL));
  rc |= tcp_blocked(status, c, ctl);
  rc |= put(o, "ip", JFIELD(c->ip));
  rc |= put(o, "port", json_integer(c->port));
  rc |= put(o, "status", status);
  rc |= put(o, "t0", jreal(c->t0));
  rc |= put(o, "t", jreal(c->t));
  rc |= put(o, "transaction_id", json_integer(c->transaction_id));
  if(rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *cert_json(const struct prb_cert *c)
{
  json_t *o = json_object();
  char *b64 = prb_base64(c->der, c->der ? c->len : 0);
  int rc = 0;

  rc |= put(o, "format", json_string("base64"));
  rc |= put(o, "data", b64 ? json_string(b64) : NULL);
  free(b64);
  if(rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *tls_json(const struct prb_tls_handshake *h)
{
  json_t *o = json_object(), *certs = json_array();
  size_t i, n = h->n_certs < PRB_MAX_CERTS ? h->n_certs : PRB_MAX_CERTS;
  int rc = 0;

  for(i = 0; i < n; i++)
    rc |= push(certs, cert_json(&h->certs[i]));
  rc |= put(o, "network", json_string("tcp"));
  rc |= put(o, "address", JFIELD(h->address));
  rc |= put(o, "cipher_suite", JFIELD(h->cipher_suite));
  rc |= put(o, "failure", jfailure(h->failure));
  rc |= put(o, "negotiated_protocol", JFIELD(h->negotiated_protocol));
  rc |= put(o, "no_tls_verify", json_false());
  rc |= put(o, "peer_certificates", certs);
  rc |= put(o, "server_name", JFIELD(h->server_name));
  rc |= put(o, "tls_version", JFIELD(h->tls_version));
  rc |= put(o, "t0", jreal(h->t0));
  rc |= put(o, "t", jreal(h->t));
  rc |= put(o, "tags", jtags(-1, h->decoy ? "decoy_sni" : NULL));
  rc |= put(o, "transaction_id", json_integer(h->transaction_id));
  if(h->x_verify_error[0])
    rc |= put(o, "x_verify_error", JFIELD(h->x_verify_error));
  if(rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* ---- HTTP ---- */

/* OONI's "headers" (first value of each name; names compared without
 * case) and "headers_list" (every pair, in order). A name that is not
 * valid UTF-8 cannot be a JSON key, so it appears only in the list. */
static int headers_json(const struct prb_header *h, size_t n,
                        json_t *parent)
{
  json_t *map = json_object(), *list = json_array();
  size_t i, j;
  int rc = 0;

  for(i = 0; i < n && !rc; i++) {
    const char *name = h[i].name ? h[i].name : "";
    size_t nlen = h[i].name ? h[i].name_len : 0;
    const char *value = h[i].value ? h[i].value : "";
    size_t vlen = h[i].value ? h[i].value_len : 0;
    json_t *pair = json_array();
    bool seen = false;

    rc |= push(pair, prb_json_untrusted(name, nlen));
    rc |= push(pair, prb_json_untrusted(value, vlen));
    rc |= push(list, pair);
    if(rc || !prb_utf8_valid(name, nlen))
      continue;
    for(j = 0; j < i && !seen; j++)
      seen = h[j].name && ascii_case_eq(h[j].name, h[j].name_len, name, nlen);
    if(!seen)
      rc |= json_object_setn_new(map, name, nlen,
                                 prb_json_untrusted(value, vlen)) ? 1 : 0;
  }
  if(rc) {
    json_decref(map);
    json_decref(list);
    return 1;
  }
  rc |= put(parent, "headers", map);
  rc |= put(parent, "headers_list", list);
  return rc;
}

static json_t *tor_json(void)
{
  json_t *o = json_object();
  int rc = 0;

  rc |= put(o, "exit_ip", json_null());
  rc |= put(o, "exit_name", json_null());
  rc |= put(o, "is_tor", json_false());
  if(rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *http_request_json(const struct prb_http_request *r)
{
  json_t *o = json_object();
  size_t n = r->n_req_headers;
  int rc = 0;

  if(n > sizeof(r->req_headers) / sizeof(r->req_headers[0]))
    n = sizeof(r->req_headers) / sizeof(r->req_headers[0]);
  rc |= put(o, "url", JFIELD(r->url));
  rc |= put(o, "method", json_string("GET"));
  rc |= headers_json(r->req_headers, n, o);
  rc |= put(o, "body", json_string(""));
  rc |= put(o, "body_is_truncated", json_false());
  rc |= put(o, "tor", tor_json());
  rc |= put(o, "x_transport", json_string("tcp"));
  if(rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *http_response_json(const struct prb_http_request *r)
{
  json_t *o = json_object();
  size_t n = r->n_headers < PRB_MAX_HEADERS ? r->n_headers : PRB_MAX_HEADERS;
  size_t blen = r->body ? r->body_len : 0;
  char hash[65];
  int rc = 0;

  if(blen > PRB_BODY_MAX)
    blen = PRB_BODY_MAX;
  rc |= put(o, "code", json_integer(r->code));
  rc |= headers_json(r->headers, n, o);
  rc |= put(o, "body", prb_json_untrusted(r->body, blen));
  rc |= put(o, "body_is_truncated", json_boolean(r->body_is_truncated));
  rc |= put(o, "x_body_length", json_integer((json_int_t)blen));
  if(r->code > 0) {
    rc |= !prb_sha256_hex(r->body, blen, hash);
    rc |= put(o, "x_body_sha256", json_string(hash));
  }
  else
    rc |= put(o, "x_body_sha256", json_null());
  rc |= put(o, "x_headers_truncated", json_boolean(r->headers_truncated));
  if(rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* How the response arrived (x_ keys, for telling a throttled transfer
 * from a stalled one): [[t, bytes], ...] samples. */
static json_t *progress_json(const struct prb_http_request *r)
{
  json_t *a = json_array();
  size_t i, n = r->n_progress < PRB_PROGRESS_MAX ? r->n_progress :
                PRB_PROGRESS_MAX;
  int rc = 0;

  for(i = 0; i < n; i++) {
    json_t *pair = json_array();
    rc |= push(pair, jreal(r->progress[i].t));
    rc |= push(pair, json_integer((json_int_t)r->progress[i].bytes));
    rc |= push(a, pair);
  }
  if(rc) {
    json_decref(a);
    return NULL;
  }
  return a;
}

static int arrival_json(json_t *o, const struct prb_http_request *r)
{
  bool got = r->bytes_received > 0;
  int rc = 0;

  rc |= put(o, "x_bytes_received", json_integer((json_int_t)r->bytes_received));
  rc |= put(o, "x_t_first_byte", got ? jreal(r->t_first_byte) : json_null());
  rc |= put(o, "x_t_last_byte", got ? jreal(r->t_last_byte) : json_null());
  rc |= put(o, "x_progress", progress_json(r));
  rc |= put(o, "x_timeout_progress", r->timeout_progress ?
            json_string(r->timeout_progress) : json_null());
  rc |= put(o, "x_protocol_error", r->protocol_error ?
            json_string(r->protocol_error) : json_null());
  return rc;
}

static json_t *request_json(const struct prb_http_request *r)
{
  json_t *o = json_object();
  int rc = 0;

  rc |= put(o, "network", json_string("tcp"));
  rc |= put(o, "address", JFIELD(r->address));
  rc |= put(o, "alpn", JFIELD(r->alpn));
  rc |= put(o, "failure", jfailure(r->failure));
  rc |= put(o, "request", http_request_json(r));
  rc |= put(o, "response", http_response_json(r));
  rc |= put(o, "t0", jreal(r->t0));
  rc |= put(o, "t", jreal(r->t));
  rc |= put(o, "tags", jtags(r->depth, NULL));
  rc |= put(o, "transaction_id", json_integer(r->transaction_id));
  rc |= arrival_json(o, r);
  if(rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

/* x_title: the <title> text, whitespace collapsed (title.h). */
static json_t *title_json(const unsigned char *b, size_t n)
{
  char out[PRB_TITLE_MAX];
  size_t len = prb_title_text(b, n, out, sizeof(out));
  return len == (size_t)-1 ? NULL : json_stringn(out, len);
}

/* ---- the record ---- */

static const char *architecture(void)
{
#if defined(__x86_64__)
  return "amd64";
#elif defined(__aarch64__)
  return "arm64";
#elif defined(__arm__)
  return "arm";
#elif defined(__i386__)
  return "386";
#elif defined(__riscv) && __riscv_xlen == 64
  return "riscv64";
#else
  return "unknown";
#endif
}

static json_t *annotations_json(void)
{
  json_t *o = json_object();
  int rc = 0;

  rc |= put(o, "architecture", json_string(architecture()));
  rc |= put(o, "engine_name", json_string("accessprobe"));
  rc |= put(o, "engine_version", json_string(prb_software_version()));
  rc |= put(o, "platform", json_string("linux"));
  if(rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *extensions_json(void)
{
  static const char *const names[] = {
    "dnst", "httpt", "netevents", "tcpconnect", "tlshandshake"
  };
  json_t *o = json_object();
  size_t i;
  int rc = 0;

  for(i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    rc |= put(o, names[i], json_integer(0));
  if(rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

static json_t *test_keys_json(const struct prb_obs *obs,
                              const struct prb_control *ctl, json_t *extra)
{
  json_t *tk = json_object();
  json_t *queries = json_array(), *tcp = json_array(), *tls = json_array();
  json_t *decoys = json_array(), *requests = json_array();
  const struct prb_http_request *last = NULL;
  size_t i;
  int rc = 0;

  for(i = 0; i < obs->n_queries; i++)
    rc |= push(queries, query_json(&obs->queries[i], ctl));
  for(i = 0; i < obs->n_tcp; i++)
    rc |= push(tcp, tcp_json(&obs->tcp[i], ctl));
  /* A decoy's handshake succeeds where the real name's fails: among the
   * real ones, a consumer that ignores our tag would read the blocked site
   * as reachable. So it has a key of its own. */
  for(i = 0; i < obs->n_tls; i++)
    rc |= push(obs->tls[i].decoy ? decoys : tls, tls_json(&obs->tls[i]));
  /* Newest first: requests[0] is the final hop, as OONI orders them. */
  for(i = obs->n_requests; i > 0; i--)
    rc |= push(requests, request_json(&obs->requests[i - 1]));
  if(obs->n_requests)
    last = &obs->requests[obs->n_requests - 1];

  rc |= put(tk, "agent", json_string("redirect"));
  rc |= put(tk, "client_resolver", JFIELD(obs->client_resolver));
  rc |= put(tk, "retries", json_null());
  rc |= put(tk, "socksproxy", json_null());
  rc |= put(tk, "queries", queries);
  rc |= put(tk, "tcp_connect", tcp);
  rc |= put(tk, "tls_handshakes", tls);
  rc |= put(tk, "x_decoy_tls_handshakes", decoys);
  rc |= put(tk, "requests", requests);
  rc |= put(tk, "dns_experiment_failure",
            jfailure(obs->dns_experiment_failure));
  rc |= put(tk, "http_experiment_failure",
            jfailure(obs->http_experiment_failure));
  if(last && last->code > 0) {
    size_t blen = last->body_len < PRB_BODY_MAX ? last->body_len : PRB_BODY_MAX;
    rc |= put(tk, "x_title", title_json(last->body, blen));
  }
  else
    rc |= put(tk, "x_title", json_null());
  if(!rc && extra && json_is_object(extra))
    rc |= json_object_update(tk, extra) ? 1 : 0;
  if(rc) {
    json_decref(tk);
    return NULL;
  }
  return tk;
}

/* OONI's {"backend": {"address", "type"}}: the control that answered. */
static json_t *test_helpers_json(const char *url)
{
  json_t *o = json_object(), *backend;
  const char *colon = url ? strchr(url, ':') : NULL;
  int rc = 0;

  if(!colon)
    return o;
  backend = json_object();
  rc |= put(backend, "address", prb_json_text(url, strlen(url)));
  rc |= put(backend, "type", prb_json_text(url, (size_t)(colon - url)));
  rc |= put(o, "backend", backend);
  if(rc) {
    json_decref(o);
    return NULL;
  }
  return o;
}

json_t *prb_record_build(const struct prb_runinfo *run,
                         const struct prb_obs *obs,
                         const struct prb_control *control,
                         const char *control_url, json_t *extra)
{
  json_t *rec = json_object();
  int rc = 0;

  rc |= put(rec, "annotations", annotations_json());
  rc |= put(rec, "data_format_version", json_string("0.2.0"));
  rc |= put(rec, "extensions", extensions_json());
  rc |= put(rec, "input", JFIELD(obs->input));
  rc |= put(rec, "measurement_start_time", JFIELD(obs->measurement_start_time));
  rc |= put(rec, "probe_asn", JFIELD(run->probe_asn));
  rc |= put(rec, "probe_cc", JFIELD(run->probe_cc));
  /* Never the real address: that is scrubbed wherever else it shows. */
  rc |= put(rec, "probe_ip", json_string("127.0.0.1"));
  rc |= put(rec, "probe_network_name", JFIELD(run->probe_network_name));
  rc |= put(rec, "report_id", JFIELD(run->report_id));
  rc |= put(rec, "resolver_asn", json_string("AS0"));
  rc |= put(rec, "resolver_ip", JFIELD(run->resolver_ip));
  rc |= put(rec, "resolver_network_name", json_string(""));
  rc |= put(rec, "software_name", json_string(prb_software_name()));
  rc |= put(rec, "software_version", json_string(prb_software_version()));
  rc |= put(rec, "test_helpers",
            test_helpers_json(control ? control_url : NULL));
  rc |= put(rec, "test_keys", test_keys_json(obs, control, extra));
  rc |= put(rec, "test_name", json_string("web_connectivity"));
  rc |= put(rec, "test_runtime", jreal(obs->test_runtime));
  rc |= put(rec, "test_start_time", JFIELD(run->test_start_time));
  /* The keys are v0.4.3's (the classic test's, blocking and accessible by
   * its rules), not v0.5's (x_blocking_flags, network_events...): say so,
   * so that no consumer reads them as the other test's. */
  rc |= put(rec, "test_version", json_string(PRB_RECORD_TEST_VERSION));
  if(rc) {
    json_decref(rec);
    return NULL;
  }
  return rec;
}

/* ---- serialising ---- */

static bool is_binary_data(json_t *o)
{
  const char *fmt = json_string_value(json_object_get(o, "format"));
  return fmt && !strcmp(fmt, "base64") &&
         json_is_string(json_object_get(o, "data")) && json_object_size(o) == 2;
}

/* The raw bytes a body or header value stands for: a string's bytes, or
 * BinaryData decoded. *buf is what the caller frees (NULL for strings). */
static const char *value_bytes(json_t *v, size_t *len, unsigned char **buf)
{
  *buf = NULL;
  if(json_is_string(v)) {
    *len = json_string_length(v);
    return json_string_value(v);
  }
  if(json_is_object(v) && is_binary_data(v)) {
    json_t *d = json_object_get(v, "data");
    *buf = prb_base64_decode(json_string_value(d), json_string_length(d), len);
    return (const char *)*buf;
  }
  return NULL;
}

/* Scrubs the bytes behind a BinaryData value (the text pass cannot see
 * into base64). Sets *changed and, when hash is not NULL and the bytes
 * changed, writes their new SHA-256. Returns nonzero when out of memory. */
static int scrub_binary(json_t *parent, const char *key, json_t *v,
                        const struct prb_scrub *s, char *hash)
{
  unsigned char *buf;
  size_t len, olen;
  const char *bytes = value_bytes(v, &len, &buf);
  char *clean = NULL;
  int rc = 0;

  if(!bytes)
    return 0;                   /* not ours to read, or undecodable */
  if(!prb_scrub_finds(s, bytes, len)) {
    if(hash)
      hash[0] = '\0';
    goto out;
  }
  clean = prb_scrub_text(s, bytes, len, &olen);
  if(!clean) {
    rc = 1;
    goto out;
  }
  if(olen != len || memcmp(clean, bytes, len)) {
    rc |= put(parent, key, prb_json_untrusted(clean, olen));
    if(hash)
      rc |= !prb_sha256_hex(clean, olen, hash);
  }
  else if(hash)
    hash[0] = '\0';
out:
  free(clean);
  free(buf);
  return rc;
}

/* Walks rec for values the text pass cannot scrub: BinaryData anywhere
 * (certificates excepted: DER must stay intact, and a chain is not where
 * the volunteer's address lives), and response bodies, whose SHA-256 must
 * describe what is published, not what would confirm a guessed address. */
static int scrub_tree(json_t *v, const struct prb_scrub *s)
{
  int rc = 0;

  if(json_is_array(v)) {
    size_t i;
    json_t *e;
    json_array_foreach(v, i, e)
      rc |= scrub_tree(e, s);
  }
  else if(json_is_object(v)) {
    const char *key;
    json_t *e;
    void *tmp;
    json_t *body = json_object_get(v, "body");
    bool response = body && json_object_get(v, "x_body_sha256");

    if(response) {
      char hash[65] = "";
      rc |= scrub_binary(v, "body", body, s, hash);
      if(!rc && hash[0])
        rc |= put(v, "x_body_sha256", json_string(hash));
    }
    json_object_foreach_safe(v, tmp, key, e) {
      if(!strcmp(key, "peer_certificates") || (response && !strcmp(key, "body")))
        continue;
      if(json_is_object(e) && is_binary_data(e))
        rc |= scrub_binary(v, key, e, s, NULL);
      else
        rc |= scrub_tree(e, s);
    }
  }
  return rc;
}

char *prb_record_dump(json_t *rec, const struct prb_scrub *scrub,
                      size_t *len)
{
  char *text = NULL, *clean = NULL, *line = NULL;
  size_t n;

  if(!rec)
    goto out;
  if(scrub && scrub_tree(rec, scrub))
    goto out;
  text = json_dumps(rec, JSON_COMPACT | JSON_SORT_KEYS |
                         JSON_REAL_PRECISION(10));
  if(!text)
    goto out;
  n = strlen(text);
  if(prb_scrub_finds(scrub, text, n)) {
    clean = prb_scrub_text(scrub, text, n, &n);
    if(!clean)
      goto out;
  }
  else {                        /* nothing to scrub: no copy */
    clean = text;
    text = NULL;
  }
  line = realloc(clean, n + 2);
  if(!line)
    goto out;
  clean = NULL;
  line[n] = '\n';
  line[n + 1] = '\0';
  if(len)
    *len = n + 1;
out:
  free(text);
  free(clean);
  return line;
}

/* ---- identity and time ---- */

static bool random_bytes(unsigned char *p, size_t n)
{
  size_t got = 0;

  if(n <= INT32_MAX && RAND_bytes(p, (int)n) == 1)
    return true;
  while(got < n) {
    ssize_t r = getrandom(p + got, n - got, 0);
    if(r <= 0)
      return false;
    got += (size_t)r;
  }
  return true;
}

void prb_record_make_report_id(char *out, size_t outlen, const char *cc,
                               const char *asn)
{
  prb_record_report_id_for(out, outlen, "webconnectivity", cc, asn, 0);
}

void prb_record_report_id_for(char *out, size_t outlen, const char *test,
                              const char *cc, const char *asn,
                              unsigned collector)
{
  static const char alnum[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  char stamp[20], ccs[3] = "ZZ", asns[12], rnd[17];
  struct tm tm;
  time_t now = time(NULL);
  size_t i, k = 0;

  if(!out || !outlen)
    return;
  if(!gmtime_r(&now, &tm) ||
     strftime(stamp, sizeof(stamp), "%Y%m%dT%H%M%SZ", &tm) != 16)
    memcpy(stamp, "19700101T000000Z", 17);

  /* Only letters and digits from configuration reach the identifier. */
  if(cc && ((cc[0] >= 'A' && cc[0] <= 'Z') || (cc[0] >= 'a' && cc[0] <= 'z'))
     && ((cc[1] >= 'A' && cc[1] <= 'Z') || (cc[1] >= 'a' && cc[1] <= 'z'))
     && cc[2] == '\0') {
    ccs[0] = (char)(cc[0] & ~0x20);
    ccs[1] = (char)(cc[1] & ~0x20);
  }
  if(asn && (asn[0] == 'A' || asn[0] == 'a') && (asn[1] == 'S' || asn[1] == 's'))
    asn += 2;
  for(i = 0; asn && asn[i] >= '0' && asn[i] <= '9' && k < sizeof(asns) - 1; i++)
    asns[k++] = asn[i];
  if(!k || asn[i] != '\0') {
    asns[0] = '0';              /* unknown or malformed: AS0 */
    k = 1;
  }
  asns[k] = '\0';

  /* Rejection sampling keeps the 62 symbols equally likely. */
  for(k = 0; k < 16;) {
    unsigned char buf[32];
    if(!random_bytes(buf, sizeof(buf))) {
      memset(rnd + k, '0', 16 - k);
      break;
    }
    for(i = 0; i < sizeof(buf) && k < 16; i++)
      if(buf[i] < 248)
        rnd[k++] = alnum[buf[i] % 62];
  }
  rnd[16] = '\0';
  snprintf(out, outlen, "%s_%.29s_%s_%s_n%u_%s", stamp, test, ccs, asns,
           collector, rnd);
}

void prb_record_time(char out[20], double t)
{
  struct tm tm;
  time_t tt;

  /* Keep the year to four digits so the text always fits. */
  if(!(t >= 0.0) || t > 253402300799.0)
    t = 0.0;
  tt = (time_t)t;
  if(!gmtime_r(&tt, &tm) ||
     strftime(out, 20, "%Y-%m-%d %H:%M:%S", &tm) != 19)
    memcpy(out, "1970-01-01 00:00:00", 20);
}
