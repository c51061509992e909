/* control.c: parsing the control's test-helper reply and building the
 * request. The reply is untrusted input: every member is type-checked,
 * every number range-checked, every string cut to its buffer at a UTF-8
 * boundary, every list truncated to its bound. Nothing is allocated. */
#include "ooni/control.h"
#include "common/digest.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "common/textclean.h"

/* The headers the helper honours (only these three), the same values as
 * the probe's own GET (http.c) so both sides ask for the same page. */
static const char req_user_agent[] =
  "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
  "(KHTML, like Gecko) Chrome/120.0.0.0 Safari/537.36";
static const char req_accept[] =
  "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";
static const char req_accept_language[] = "en-US,en;q=0.9";

/* Longest piece of an untrusted key quoted in a reason. */
#define WHY_KEY_MAX 48

__attribute__((format(printf, 3, 4)))
static int fail(char *why, size_t whylen, const char *fmt, ...)
{
  va_list ap;

  if(why && whylen) {
    va_start(ap, fmt);
    vsnprintf(why, whylen, fmt, ap);
    va_end(ap);
  }
  return -1;
}

/* A key from the reply, made safe to print: printable ASCII only, cut. */
static void safe_key(char *out, size_t outlen, const char *key)
{
  size_t i, o = 0;

  for(i = 0; key[i] && o + 1 < outlen && o < WHY_KEY_MAX; i++) {
    unsigned char c = (unsigned char)key[i];
    out[o++] = (c >= 0x20 && c < 0x7f) ? (char)c : '?';
  }
  out[o] = '\0';
}

/* Copies at most dstlen-1 bytes of a JSON string (valid UTF-8, maybe with
 * NULs) and stops at a NUL or before a cut UTF-8 sequence. */
static void copy_text(char *dst, size_t dstlen, const char *src, size_t len)
{
  const char *nul = memchr(src, '\0', len);
  size_t n = nul ? (size_t)(nul - src) : len;

  if(n >= dstlen)
    n = prb_utf8_cut(src, n, dstlen - 1);
  memcpy(dst, src, n);
  dst[n] = '\0';
}

const char *prb_control_failure_canon(const char *f)
{
  static const struct {
    const char *legacy, *modern;
  } map[] = {
    {"dns_name_error", "dns_nxdomain_error"},
    {"dns_server_failure", "dns_servfail_error"},
    {"connection_refused_error", "connection_refused"},
    {"connection_lost_error", "connection_reset"},
    {"tcp_timed_out_error", "generic_timeout_error"},
    {"task_timed_out", "generic_timeout_error"},
    {"response_never_received", "eof_error"},
    {"unknown_error", "unknown_failure"},
  };
  size_t i;

  if(!f || !f[0])
    return NULL;
  for(i = 0; i < sizeof(map) / sizeof(map[0]); i++)
    if(!strcmp(f, map[i].legacy))
      return map[i].modern;
  return f;
}

const struct prb_ctl_ipinfo *prb_control_ipinfo(const struct prb_control *c,
                                                const struct prb_addr *addr)
{
  size_t i;

  for(i = 0; c && i < c->n_ip_info; i++)
    if(prb_addr_equal(&c->ip_info[i].addr, addr))
      return &c->ip_info[i];
  return NULL;
}

uint32_t prb_control_asn(const struct prb_control *c,
                         const struct prb_addr *addr, long long *flags)
{
  const struct prb_ctl_ipinfo *ii = prb_control_ipinfo(c, addr);

  if(flags)
    *flags = ii ? ii->flags : 0;
  return ii ? ii->asn : 0;
}

/* An optional object member: 0 when absent or null (nothing to read), 1
 * when an object, -1 (why filled) otherwise. */
static int optional_object(const json_t *v, const char *name, char *why,
                           size_t whylen)
{
  if(!v || json_is_null(v))
    return 0;
  if(!json_is_object(v))
    return fail(why, whylen, "%s: not an object", name);
  return 1;
}

/* An optional string member copied into dst (left as it is when absent or
 * null). */
static int get_text(const json_t *obj, const char *key, char *dst,
                    size_t dstlen, const char *where, char *why,
                    size_t whylen)
{
  const json_t *v = json_object_get(obj, key);

  if(!v || json_is_null(v))
    return 0;
  if(!json_is_string(v))
    return fail(why, whylen, "%s.%s: not a string", where, key);
  copy_text(dst, dstlen, json_string_value(v), json_string_length(v));
  return 0;
}

/* A "failure" member: absent or null gives "", a string is copied (an
 * empty one becomes "unknown_failure" so it still reads as a failure). */
static int get_failure(const json_t *obj, char *dst, const char *where,
                       char *why, size_t whylen)
{
  const json_t *v = json_object_get(obj, "failure");

  dst[0] = '\0';
  if(!v || json_is_null(v))
    return 0;
  if(!json_is_string(v))
    return fail(why, whylen, "%s.failure: not a string or null", where);
  if(json_string_length(v) == 0)
    copy_text(dst, PRB_CTL_FAILURE_MAX, "unknown_failure", 15);
  else
    copy_text(dst, PRB_CTL_FAILURE_MAX, json_string_value(v),
              json_string_length(v));
  return 0;
}

/* An optional x_*_sha256 member: 64 hex digits. */
static int get_sha256(const json_t *obj, const char *key, bool *has,
                      unsigned char out[32], const char *where, char *why,
                      size_t whylen)
{
  const json_t *v = json_object_get(obj, key);

  *has = false;
  if(!v || json_is_null(v))
    return 0;
  if(!json_is_string(v) ||
     prb_hex_decode(json_string_value(v), json_string_length(v), out, 32))
    return fail(why, whylen, "%s.%s: not 64 hex digits", where, key);
  *has = true;
  return 0;
}

/* An endpoint key: validated, then kept as text and in binary. */
static int get_endpoint(const char *key, char *text,
                        struct prb_addr *ep, const char *section,
                        char *why, size_t whylen)
{
  char k[WHY_KEY_MAX + 1];

  if(prb_addr_parse_endpoint(key, false, ep)) {
    safe_key(k, sizeof(k), key);
    return fail(why, whylen, "%s: \"%s\" is not an ip:port endpoint",
                section, k);
  }
  copy_text(text, PRB_ENDPOINT_MAX, key, strlen(key));
  return 0;
}

/* What every entry of tcp_connect and tls_handshake has: an endpoint key
 * and an object with a boolean status. where receives "section[endpoint]"
 * for the entry's own reasons. */
static int get_entry(const char *section, const char *key, const json_t *val,
                     char *endpoint, struct prb_addr *ep, bool *status,
                     char *where, size_t wherelen, char *why, size_t whylen)
{
  const json_t *st;

  if(get_endpoint(key, endpoint, ep, section, why, whylen))
    return -1;
  snprintf(where, wherelen, "%s[%s]", section, endpoint);
  if(!json_is_object(val))
    return fail(why, whylen, "%s: not an object", where);
  st = json_object_get(val, "status");
  if(!json_is_boolean(st))
    return fail(why, whylen, "%s.status: not a boolean", where);
  *status = json_is_true(st);
  return 0;
}

static int parse_tcp(json_t *sec, struct prb_control *out, char *why,
                     size_t whylen)
{
  const char *key;
  json_t *val;
  int rc = optional_object(sec, "tcp_connect", why, whylen);

  if(rc <= 0)
    return rc;
  json_object_foreach(sec, key, val) {
    /* Entries past the bound are checked too, into spare: the whole
     * section goes into the record. */
    struct prb_ctl_tcp spare;
    struct prb_ctl_tcp *t = out->n_tcp < PRB_CTL_MAX_TCP ?
                            &out->tcp[out->n_tcp] : &spare;
    char where[PRB_ENDPOINT_MAX + 16];
    if(get_entry("tcp_connect", key, val, t->endpoint, &t->ep, &t->status,
                 where, sizeof(where), why, whylen) ||
       get_failure(val, t->failure, where, why, whylen))
      return -1;
    if(t == &spare)
      out->tcp_truncated = true;
    else
      out->n_tcp++;
  }
  return 0;
}

static int parse_tls(json_t *sec, struct prb_control *out, char *why,
                     size_t whylen)
{
  const char *key;
  json_t *val;
  int rc = optional_object(sec, "tls_handshake", why, whylen);

  if(rc <= 0)
    return rc;
  json_object_foreach(sec, key, val) {
    struct prb_ctl_tls spare;
    struct prb_ctl_tls *t = out->n_tls < PRB_CTL_MAX_TLS ?
                            &out->tls[out->n_tls] : &spare;
    char where[PRB_ENDPOINT_MAX + 16];
    memset(t, 0, sizeof(*t));
    if(get_entry("tls_handshake", key, val, t->endpoint, &t->ep, &t->status,
                 where, sizeof(where), why, whylen) ||
       get_text(val, "server_name", t->server_name, sizeof(t->server_name),
                where, why, whylen) ||
       get_failure(val, t->failure, where, why, whylen) ||
       get_sha256(val, "x_leaf_sha256", &t->has_leaf_sha256, t->leaf_sha256,
                  where, why, whylen))
      return -1;
    if(t == &spare)
      out->tls_truncated = true;
    else
      out->n_tls++;
  }
  return 0;
}

/* body_length and status_code: integers, -1 meaning failure. */
static int get_int(const json_t *obj, const char *key, long long lo,
                   long long hi, long long *dst, char *why, size_t whylen)
{
  const json_t *v = json_object_get(obj, key);
  long long x;

  *dst = -1;
  if(!v || json_is_null(v))
    return 0;
  if(!json_is_integer(v))
    return fail(why, whylen, "http_request.%s: not an integer", key);
  x = json_integer_value(v);
  if(x < lo || x > hi)
    return fail(why, whylen, "http_request.%s: %lld out of range", key, x);
  *dst = x;
  return 0;
}

static int parse_headers(json_t *h, struct prb_ctl_http *http,
                         char *why, size_t whylen)
{
  const char *key;
  json_t *val;
  int rc = optional_object(h, "http_request.headers", why, whylen);

  if(rc <= 0)
    return rc;
  json_object_foreach(h, key, val) {
    struct prb_ctl_header *ph;
    /* oohelperd sends the first value; a list of them is tolerated */
    if(json_is_array(val))
      val = json_array_get(val, 0);
    if(!json_is_string(val)) {
      char k[WHY_KEY_MAX + 1];
      safe_key(k, sizeof(k), key);
      return fail(why, whylen, "http_request.headers[%s]: not a string", k);
    }
    if(http->n_headers == PRB_CTL_MAX_HEADERS) {
      http->headers_truncated = true;
      continue;                 /* checked, not kept */
    }
    ph = &http->headers[http->n_headers++];
    copy_text(ph->name, sizeof(ph->name), key, strlen(key));
    copy_text(ph->value, sizeof(ph->value), json_string_value(val),
              json_string_length(val));
  }
  return 0;
}

static int parse_http(json_t *sec, struct prb_ctl_http *http,
                      char *why, size_t whylen)
{
  long long code;
  int rc;

  http->body_length = -1;
  http->status_code = -1;
  rc = optional_object(sec, "http_request", why, whylen);
  if(rc <= 0)
    return rc;
  http->present = true;
  if(get_int(sec, "body_length", -1, (long long)1 << 50, &http->body_length,
             why, whylen) ||
     get_int(sec, "status_code", -1, 999, &code, why, whylen) ||
     get_failure(sec, http->failure, "http_request", why, whylen) ||
     parse_headers(json_object_get(sec, "headers"), http, why, whylen) ||
     get_sha256(sec, "x_body_sha256", &http->has_body_sha256,
                http->body_sha256, "http_request", why, whylen))
    return -1;
  http->status_code = (long)code;
  return get_text(sec, "title", http->title, sizeof(http->title),
                  "http_request", why, whylen);
}

static int parse_dns(json_t *sec, struct prb_ctl_dns *dns, char *why,
                     size_t whylen)
{
  json_t *addrs, *a;
  size_t i;
  int rc = optional_object(sec, "dns", why, whylen);

  if(rc <= 0)
    return rc;
  dns->present = true;
  if(get_failure(sec, dns->failure, "dns", why, whylen))
    return -1;
  addrs = json_object_get(sec, "addrs");
  if(!addrs || json_is_null(addrs))
    return 0;
  if(!json_is_array(addrs))
    return fail(why, whylen, "dns.addrs: not an array");
  json_array_foreach(addrs, i, a) {
    const char *s;
    size_t len;
    if(!json_is_string(a))
      return fail(why, whylen, "dns.addrs[%zu]: not a string", i);
    if(dns->n_addrs == PRB_CTL_MAX_ADDRS) {
      dns->addrs_truncated = true;
      continue;                 /* checked, not kept */
    }
    s = json_string_value(a);
    len = json_string_length(a);
    /* a name (a CNAME, in some legacy helpers) is not an address: skip */
    if(!prb_addr_parse_n(s, len, &dns->bin[dns->n_addrs]))
      continue;
    copy_text(dns->addrs[dns->n_addrs], PRB_IP_MAX, s, len);
    dns->n_addrs++;
  }
  return 0;
}

static int parse_ipinfo(json_t *sec, struct prb_control *out,
                        char *why, size_t whylen)
{
  const char *key;
  json_t *val;
  int rc = optional_object(sec, "ip_info", why, whylen);

  if(rc <= 0)
    return rc;
  json_object_foreach(sec, key, val) {
    struct prb_ctl_ipinfo spare;
    struct prb_ctl_ipinfo *ii = out->n_ip_info < PRB_CTL_MAX_IPINFO ?
                                &out->ip_info[out->n_ip_info] : &spare;
    const json_t *asn, *flags, *org;
    char k[WHY_KEY_MAX + 1];
    memset(ii, 0, sizeof(*ii));
    safe_key(k, sizeof(k), key);
    if(prb_addr_parse_endpoint(key, true, &ii->addr) || ii->addr.port)
      return fail(why, whylen, "ip_info: \"%s\" is not an address", k);
    if(!json_is_object(val))
      return fail(why, whylen, "ip_info[%s]: not an object", k);
    asn = json_object_get(val, "asn");
    flags = json_object_get(val, "flags");
    if(asn && !json_is_null(asn)) {
      if(!json_is_integer(asn) || json_integer_value(asn) < 0 ||
         json_integer_value(asn) > (json_int_t)UINT32_MAX)
        return fail(why, whylen, "ip_info[%s].asn: not an AS number", k);
      ii->asn = (uint32_t)json_integer_value(asn);
    }
    if(flags && !json_is_null(flags)) {
      if(!json_is_integer(flags) || json_integer_value(flags) < 0)
        return fail(why, whylen, "ip_info[%s].flags: not a count", k);
      ii->flags = json_integer_value(flags);
    }
    org = json_object_get(val, "x_as_org_name");
    if(org && !json_is_null(org)) {
      if(!json_is_string(org))
        return fail(why, whylen, "ip_info[%s].x_as_org_name: not a string",
                    k);
      copy_text(ii->as_org_name, sizeof(ii->as_org_name),
                json_string_value(org), json_string_length(org));
    }
    copy_text(ii->ip, sizeof(ii->ip), key, strlen(key));
    if(ii == &spare)
      out->ip_info_truncated = true;
    else
      out->n_ip_info++;
  }
  return 0;
}

static int get_seconds(const json_t *sec, const char *key, double *dst,
                       char *why, size_t whylen)
{
  const json_t *v = json_object_get(sec, key);
  double x;

  *dst = -1;
  if(!v || json_is_null(v))
    return 0;
  if(!json_is_number(v))
    return fail(why, whylen, "x_timing.%s: not a number", key);
  x = json_number_value(v);
  if(!isfinite(x) || x < 0 || x > 86400)
    return fail(why, whylen, "x_timing.%s: out of range", key);
  *dst = x;
  return 0;
}

static int parse_timing(json_t *sec, struct prb_ctl_timing *t,
                        char *why, size_t whylen)
{
  int rc;

  t->dns = t->tcp_connect = t->tls_handshake = t->http_request = -1;
  rc = optional_object(sec, "x_timing", why, whylen);
  if(rc <= 0)
    return rc;
  return get_seconds(sec, "dns", &t->dns, why, whylen) ||
         get_seconds(sec, "tcp_connect", &t->tcp_connect, why, whylen) ||
         get_seconds(sec, "tls_handshake", &t->tls_handshake, why, whylen) ||
         get_seconds(sec, "http_request", &t->http_request, why, whylen)
         ? -1 : 0;
}

/* The sections a reply may carry, in the order they are parsed. */
static const char *const sections[] = {
  "dns", "tcp_connect", "tls_handshake", "http_request", "ip_info",
  "x_timing"
};

/* Whether v nests more than levels levels (a scalar is 0, [] is 1). */
static bool deeper_than(json_t *v, int levels)
{
  const char *key;
  json_t *m;
  size_t i;

  if(!json_is_object(v) && !json_is_array(v))
    return false;
  if(levels < 1)
    return true;
  if(json_is_array(v)) {
    json_array_foreach(v, i, m)
      if(deeper_than(m, levels - 1))
        return true;
    return false;
  }
  json_object_foreach(v, key, m)
    if(deeper_than(m, levels - 1))
      return true;
  return false;
}

/* Our helper's word on the asking probe's network (run.c adopts it when
 * none is configured): kept when they are strings. */
static const char *const network_keys[] = {
  "x_probe_asn", "x_probe_cc", "x_probe_network_name"
};

json_t *prb_control_reply_kept(const json_t *resp)
{
  json_t *kept = json_object();
  size_t n = sizeof(sections) / sizeof(sections[0]);
  size_t n_net = sizeof(network_keys) / sizeof(network_keys[0]);

  for(size_t i = 0; kept && i < n + n_net; i++) {
    const char *key = i < n ? sections[i] : network_keys[i - n];
    json_t *v = json_object_get(resp, key);
    if(!v || (i >= n && !json_is_string(v)))
      continue;
    if(json_object_set(kept, key, v)) {
      json_decref(kept);
      kept = NULL;
    }
  }
  return kept;
}

int prb_control_parse(const json_t *resp, struct prb_control *out,
                      char *why, size_t whylen)
{
  if(why && whylen)
    why[0] = '\0';
  memset(out, 0, sizeof(*out));
  out->http.body_length = -1;
  out->http.status_code = -1;
  out->x_timing.dns = out->x_timing.tcp_connect = -1;
  out->x_timing.tls_handshake = out->x_timing.http_request = -1;
  if(!json_is_object(resp))
    return fail(why, whylen, "reply: not a JSON object");
  /* What is kept goes into the record: bound it before anything reads
   * it (the reply itself is the first level). */
  for(size_t i = 0; i < sizeof(sections) / sizeof(sections[0]); i++)
    if(deeper_than(json_object_get(resp, sections[i]),
                   PRB_CTL_MAX_DEPTH - 1))
      return fail(why, whylen, "%s: nested deeper than %d levels",
                  sections[i], PRB_CTL_MAX_DEPTH);
  if(parse_dns(json_object_get(resp, "dns"), &out->dns, why, whylen) ||
     parse_tcp(json_object_get(resp, "tcp_connect"), out, why, whylen) ||
     parse_tls(json_object_get(resp, "tls_handshake"), out, why, whylen) ||
     parse_http(json_object_get(resp, "http_request"), &out->http, why,
                whylen) ||
     parse_ipinfo(json_object_get(resp, "ip_info"), out, why, whylen) ||
     parse_timing(json_object_get(resp, "x_timing"), &out->x_timing, why,
                  whylen))
    return -1;
  if(!out->dns.present && !out->http.present)
    return fail(why, whylen, "reply: neither dns nor http_request");
  return 0;
}

/* Adds name: [value] to headers; 0 or -1. */
static int add_header(json_t *headers, const char *name, const char *value)
{
  json_t *list = json_array();

  if(!list || json_array_append_new(list, json_string(value))) {
    json_decref(list);
    return -1;
  }
  return json_object_set_new(headers, name, list);
}

json_t *prb_control_request_new(const char *url, const char *const *endpoints,
                                size_t n)
{
  json_t *req, *headers, *tcp, *s;
  size_t i;

  if(!url || (n && !endpoints) || n > PRB_CTL_MAX_REQ_ENDPOINTS)
    return NULL;
  req = json_object();
  headers = json_object();
  tcp = json_array();
  s = json_string(url);
  if(!req || !headers || !tcp || !s)
    goto fail;
  if(json_object_set_new(req, "http_request", s)) {
    s = NULL;
    goto fail;
  }
  s = NULL;
  if(add_header(headers, "User-Agent", req_user_agent) ||
     add_header(headers, "Accept", req_accept) ||
     add_header(headers, "Accept-Language", req_accept_language))
    goto fail;
  for(i = 0; i < n; i++) {
    if(!endpoints[i] || json_array_append_new(tcp, json_string(endpoints[i])))
      goto fail;
  }
  if(json_object_set_new(req, "http_request_headers", headers)) {
    headers = NULL;
    goto fail;
  }
  headers = NULL;
  if(json_object_set_new(req, "tcp_connect", tcp)) {
    tcp = NULL;
    goto fail;
  }
  tcp = NULL;
  if(json_object_set_new(req, "x_quic_enabled", json_false()))
    goto fail;
  return req;
fail:
  json_decref(s);
  json_decref(tcp);
  json_decref(headers);
  json_decref(req);
  return NULL;
}
