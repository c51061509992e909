/* classify_ooni.c: OONI's web_connectivity keys, computed the way
 * ooni/probe-cli does, and the JSON of a classification. Pure.
 *
 * ---- OONI keys (web_connectivity v0.4.3, ooni/probe-cli) ----------------
 * dns_consistency   IP-literal host: consistent. No control: consistent
 *                   only by the TLS rule below, else null. Both failed:
 *                   consistent (LTE's "expected failure"; v0.4 demanded
 *                   NXDOMAIN on both sides, which calls a dead domain whose
 *                   resolvers disagree on the error inconsistent). Only the
 *                   probe failed, or only the control: inconsistent. A
 *                   shared address, a shared non-zero ASN (control ip_info,
 *                   else the caller's lookup), or a probe address that
 *                   completed a verified real handshake (ours, or ip_info
 *                   flag 8): consistent. Otherwise inconsistent. Bogons only
 *                   add evidence: real sites publish private addresses.
 * body_proportion   min/max of the final body and the control's length, when
 *                   both > 0 and ours not truncated; else 0 (as OONI).
 * body_length_match proportion > 0.7; null when not computed.
 * status_code_match equal: true; differ and control 5xx: null; else false.
 * headers_match     names, lower-cased: identical sets, or any name outside
 *                   OONI's 25 common headers present on both: true; null
 *                   when either side has none.
 * (page expected: status matches and body, headers or title do, and the
 *  page matches no blockpage fingerprint, confirming or not)
 * title_match       every word of >= 5 bytes (split on ' ', lower-cased,
 *                   Cyrillic folded too) in both titles; null when our page
 *                   has no title.
 * blocking/         first match wins (v0.4 Summarize; "blocking N" marks
 *                   the branch of rule N and the test rows):
 *  accessible       1 final request succeeded over https: false/true (a
 *                     redirect whose next hop failed has not)
 *                   2 no control: null/null
 *                   3 NXDOMAIN and DNS consistent: false/false (v0.4 says
 *                     accessible true; a dead domain is not accessible)
 *                   4 NXDOMAIN and DNS inconsistent: "dns"/false
 *                   5 TCP tried, none worked: the control's TCP to the same
 *                     endpoints failed too: false/false (LTE's correction of
 *                     v0.4's spurious tcp_ip); else consistent: "tcp_ip",
 *                     inconsistent: "dns", null DNS: null/null
 *                   6 control's HTTP failed or absent: null/null
 *                   7 final request failed (or none made: the HTTP, TLS or
 *                     TCP failure stands in): refused/reset/eof/timeout/
 *                     ssl_invalid_hostname/ssl_unknown_authority/
 *                     ssl_invalid_certificate: "http-failure" ("dns" when
 *                     DNS is inconsistent and there was one request at
 *                     most); dns_nxdomain_error: "dns"; else null/null
 *                   8 status matches and body, headers or title match:
 *                     false/true; else "dns" if inconsistent, "http-diff"
 *
 */
#include "analysis/classify_ctx.h"

#include <stdio.h>
#include <string.h>

#define MAX_TITLE_WORDS 128

/* Lower case of a Cyrillic code point (U+0400..U+04FF), Kazakh letters
 * included; other code points unchanged. */
static unsigned lower_cyrillic(unsigned cp)
{
  if(cp >= 0x400 && cp <= 0x40F)
    return cp + 0x50;
  if(cp >= 0x410 && cp <= 0x42F)
    return cp + 0x20;
  if((cp >= 0x460 && cp <= 0x481) || (cp >= 0x48A && cp <= 0x4BF) ||
     (cp >= 0x4D0 && cp <= 0x4FF))
    return cp | 1;
  if(cp == 0x4C0)
    return 0x4CF;
  if(cp >= 0x4C1 && cp <= 0x4CE && (cp & 1))
    return cp + 1;
  return cp;
}

/* Case folding that keeps the length: ASCII and two-byte Cyrillic. */
static void fold(char *s)
{
  unsigned char *p = (unsigned char *)s;
  size_t i;

  for(i = 0; p[i]; i++) {
    if(p[i] >= 0xD0 && p[i] <= 0xD3 && (p[i + 1] & 0xC0) == 0x80) {
      unsigned cp = lower_cyrillic((unsigned)(p[i] & 0x1F) << 6 |
                                   (p[i + 1] & 0x3F));
      p[i] = (unsigned char)(0xC0 | (cp >> 6));
      p[i + 1] = (unsigned char)(0x80 | (cp & 0x3F));
      i++;
    }
    else
      p[i] = prb_cls_lower_ascii(p[i]);
  }
}

struct words {
  size_t n;
  const char *w[MAX_TITLE_WORDS];
  size_t len[MAX_TITLE_WORDS];
};

/* Words of >= 5 bytes of s split on ' ' (Go's len counts bytes). */
static void split_words(const char *s, struct words *ws)
{
  size_t i = 0;

  ws->n = 0;
  while(s[i] && ws->n < MAX_TITLE_WORDS) {
    size_t j = i;
    while(s[j] && s[j] != ' ')
      j++;
    if(j - i >= 5) {
      ws->w[ws->n] = s + i;
      ws->len[ws->n++] = j - i;
    }
    i = s[j] ? j + 1 : j;
  }
}

static bool words_has(const struct words *ws, const char *w, size_t len)
{
  size_t i;

  for(i = 0; i < ws->n; i++)
    if(ws->len[i] == len && !memcmp(ws->w[i], w, len))
      return true;
  return false;
}

static enum prb_tri title_match(const char *ours, const char *theirs)
{
  char a[PRB_CTL_TITLE_MAX], b[PRB_CTL_TITLE_MAX];
  struct words wa, wb;
  size_t i;

  if(!ours[0])
    return PRB_TRI_NULL;
  snprintf(a, sizeof(a), "%s", ours);
  snprintf(b, sizeof(b), "%s", theirs);
  fold(a);
  fold(b);
  split_words(a, &wa);
  split_words(b, &wb);
  for(i = 0; i < wa.n; i++)
    if(!words_has(&wb, wa.w[i], wa.len[i]))
      return PRB_TRI_FALSE;
  for(i = 0; i < wb.n; i++)
    if(!words_has(&wa, wb.w[i], wb.len[i]))
      return PRB_TRI_FALSE;
  return PRB_TRI_TRUE;
}

static bool is_common_header(const char *n, size_t len)
{
  static const char *const common[] = {
    "date", "content-type", "server", "cache-control", "vary",
    "set-cookie", "location", "expires", "x-powered-by", "content-encoding",
    "last-modified", "accept-ranges", "pragma", "x-frame-options", "etag",
    "x-content-type-options", "age", "via", "p3p", "x-xss-protection",
    "content-language", "cf-ray", "strict-transport-security", "link",
    "x-varnish"
  };
  size_t i;

  for(i = 0; i < sizeof(common) / sizeof(common[0]); i++)
    if(prb_cls_eq_nocase(n, len, common[i], strlen(common[i])))
      return true;
  return false;
}

static bool ctl_has_header(const struct prb_ctl_http *h, const char *n,
                           size_t len)
{
  size_t i;

  for(i = 0; i < h->n_headers; i++)
    if(prb_cls_eq_nocase(n, len, h->headers[i].name,
                         strlen(h->headers[i].name)))
      return true;
  return false;
}

static bool probe_has_header(const struct prb_http_request *r,
                             const char *n, size_t len)
{
  size_t i;

  for(i = 0; i < r->n_headers; i++)
    if(r->headers[i].name &&
       prb_cls_eq_nocase(n, len, r->headers[i].name, r->headers[i].name_len))
      return true;
  return false;
}

static enum prb_tri headers_match(const struct prb_http_request *r,
                                  const struct prb_ctl_http *h)
{
  bool same = true;
  size_t i;

  if(!r->n_headers || !h->n_headers)
    return PRB_TRI_NULL;
  for(i = 0; i < r->n_headers && same; i++)
    if(r->headers[i].name &&
       !ctl_has_header(h, r->headers[i].name, r->headers[i].name_len))
      same = false;
  for(i = 0; i < h->n_headers && same; i++)
    if(!probe_has_header(r, h->headers[i].name, strlen(h->headers[i].name)))
      same = false;
  if(same)
    return PRB_TRI_TRUE;
  for(i = 0; i < r->n_headers; i++) {
    const struct prb_header *ph = &r->headers[i];
    if(ph->name && !is_common_header(ph->name, ph->name_len) &&
       ctl_has_header(h, ph->name, ph->name_len))
      return PRB_TRI_TRUE;
  }
  return PRB_TRI_FALSE;
}

static uint32_t asn_of(const struct ctx *c, const struct prb_addr *a,
                       const char *text)
{
  uint32_t asn = prb_control_asn(c->ctl, a, NULL);

  if(!asn && c->in->asn_lookup)
    asn = c->in->asn_lookup(c->in->asn_ctx, text);
  return asn;
}

enum prb_dns_consistency prb_cls_dns_consistency(struct ctx *c)
{
  const struct prb_ctl_dns *d;
  size_t i, j;
  bool ctl_failed;

  if(c->url_ok && c->url.host_is_ip) {
    snprintf(c->dns_why, sizeof(c->dns_why), "the host is an address");
    return PRB_DNS_CONSISTENT;
  }
  if(c->dns_tls_valid)
    snprintf(c->dns_why, sizeof(c->dns_why), "an answer completed a "
             "verified TLS handshake for the host");
  if(!c->ctl || !c->ctl->dns.present)
    return c->dns_tls_valid ? PRB_DNS_CONSISTENT : PRB_DNS_NULL;
  /* from here on the better reasons below overwrite this one */
  d = &c->ctl->dns;
  ctl_failed = d->failure[0] || !d->n_addrs;
  if(!c->n_paddr) {
    if(!c->dns_ran)
      return PRB_DNS_NULL;
    snprintf(c->dns_why, sizeof(c->dns_why), "both lookups failed");
    return ctl_failed ? PRB_DNS_CONSISTENT : PRB_DNS_INCONSISTENT;
  }
  if(ctl_failed) {
    if(!c->dns_tls_valid && c->dns_tls_valid_ctl)
      snprintf(c->dns_why, sizeof(c->dns_why), "the control completed a "
               "verified TLS handshake for the host on an answer");
    return c->dns_tls_valid || c->dns_tls_valid_ctl ? PRB_DNS_CONSISTENT
                                                    : PRB_DNS_INCONSISTENT;
  }
  for(i = 0; i < c->n_paddr; i++) {
    if(prb_cls_addr_in(&c->paddr[i], d->bin, d->n_addrs)) {
      snprintf(c->dns_why, sizeof(c->dns_why), "shared address %s",
               c->ptext[i]);
      return PRB_DNS_CONSISTENT;
    }
  }
  for(i = 0; i < c->n_paddr; i++) {
    uint32_t a = asn_of(c, &c->paddr[i], c->ptext[i]);
    if(!a)
      continue;
    for(j = 0; j < d->n_addrs; j++) {
      if(asn_of(c, &d->bin[j], d->addrs[j]) == a) {
        snprintf(c->dns_why, sizeof(c->dns_why), "%s and %s are both in "
                 "AS%u", c->ptext[i], d->addrs[j], (unsigned)a);
        return PRB_DNS_CONSISTENT;
      }
    }
  }
  if(c->dns_tls_valid)
    return PRB_DNS_CONSISTENT;
  if(c->dns_tls_valid_ctl) {
    snprintf(c->dns_why, sizeof(c->dns_why), "the control completed a "
             "verified TLS handshake for the host on an answer");
    return PRB_DNS_CONSISTENT;
  }
  return PRB_DNS_INCONSISTENT;
}

void prb_cls_http_compare(struct ctx *c)
{
  struct prb_classification *o = c->out;
  const struct prb_ctl_http *h;
  const struct prb_http_request *r = c->final;

  o->body_proportion = 0;
  o->body_length_match = o->headers_match = PRB_TRI_NULL;
  o->status_code_match = o->title_match = PRB_TRI_NULL;
  if(!c->ctl || !c->ctl->http.present || !c->final_ok)
    return;
  h = &c->ctl->http;
  if(h->body_length > 0 && r->body_len > 0 && !r->body_is_truncated) {
    double a = (double)r->body_len, b = (double)h->body_length;
    o->body_proportion = a < b ? a / b : b / a;
    o->body_length_match = o->body_proportion > 0.7 ? PRB_TRI_TRUE
                                                    : PRB_TRI_FALSE;
  }
  if(h->status_code > 0) {
    if(h->status_code == r->code)
      o->status_code_match = PRB_TRI_TRUE;
    else if(h->status_code / 100 != 5)
      o->status_code_match = PRB_TRI_FALSE;
  }
  o->headers_match = headers_match(r, h);
  o->title_match = title_match(c->title, h->title);
  c->page_expected = o->status_code_match == PRB_TRI_TRUE &&
                     (o->body_length_match == PRB_TRI_TRUE ||
                      o->headers_match == PRB_TRI_TRUE ||
                      o->title_match == PRB_TRI_TRUE) &&
                     !c->in->http_unconfirmed;
}

void prb_cls_ooni_blocking(struct ctx *c)
{
  struct prb_classification *o = c->out;
  enum fclass dnsf = prb_cls_fclass(c->dns_failure);
  bool inconsistent = o->dns_consistency == PRB_DNS_INCONSISTENT;
  enum fclass hf;

  o->blocking = PRB_BLOCKING_NULL;
  o->accessible = PRB_TRI_NULL;
  if(c->final_ok && !c->final->failure && c->final_https) { /* blocking 1 */
    o->blocking = PRB_BLOCKING_FALSE;
    o->accessible = PRB_TRI_TRUE;
    return;
  }
  if(!c->ctl)                                               /* blocking 2 */
    return;
  if(!c->n_paddr && dnsf == F_NXDOMAIN) {
    if(o->dns_consistency == PRB_DNS_CONSISTENT) {          /* blocking 3 */
      o->blocking = PRB_BLOCKING_FALSE;
      o->accessible = PRB_TRI_FALSE;
      return;
    }
    if(inconsistent) {                                      /* blocking 4 */
      o->blocking = PRB_BLOCKING_DNS;
      o->accessible = PRB_TRI_FALSE;
      return;
    }
  }
  if(c->tcp_attempts && !c->tcp_ok) {                       /* blocking 5 */
    if(prb_cls_ctl_tcp(c, true) == CS_FAIL) {
      o->blocking = PRB_BLOCKING_FALSE;
      o->accessible = PRB_TRI_FALSE;
    }
    else if(o->dns_consistency != PRB_DNS_NULL) {
      o->blocking = inconsistent ? PRB_BLOCKING_DNS : PRB_BLOCKING_TCP_IP;
      o->accessible = PRB_TRI_FALSE;
    }
    return;
  }
  if(!c->ctl->http.present || c->ctl->http.failure[0])     /* blocking 6 */
    return;
  if(!c->final_ok) {                                        /* blocking 7 */
    hf = prb_cls_fclass(prb_cls_standin_failure(c));
    if(hf == F_NXDOMAIN)
      o->blocking = PRB_BLOCKING_DNS;
    else if(hf == F_REFUSED || hf == F_RESET || hf == F_EOF ||
            hf == F_TIMEOUT || hf == F_VERIFY)
      o->blocking = inconsistent && c->obs->n_requests <= 1
                    ? PRB_BLOCKING_DNS : PRB_BLOCKING_HTTP_FAILURE;
    else
      return;
    o->accessible = PRB_TRI_FALSE;
    return;
  }
  if(c->page_expected) {                                    /* blocking 8 */
    o->blocking = PRB_BLOCKING_FALSE;
    o->accessible = PRB_TRI_TRUE;
    return;
  }
  o->blocking = inconsistent ? PRB_BLOCKING_DNS : PRB_BLOCKING_HTTP_DIFF;
  o->accessible = PRB_TRI_FALSE;
}

/* A blockpage or DNS fingerprint is proof OONI's page comparison can miss
 * (a blockpage sharing the status and a header name with the real page
 * passes v0.4's diff): OONI's keys then say what the proof says, so tools
 * that read only them do not publish a confirmed block as accessible. */
void prb_cls_confirmed_blocking(struct ctx *c)
{
  const struct prb_analysis *a = c->an;
  if(a->verdict != PRB_VERDICT_BLOCKED || !a->confirmed ||
     (!c->in->http_fingerprint && !c->in->dns_fingerprint))
    return;
  c->out->blocking = a->method == PRB_METHOD_DNS ? PRB_BLOCKING_DNS :
                     PRB_BLOCKING_HTTP_DIFF;
  c->out->accessible = PRB_TRI_FALSE;
}

const char *prb_classify_blocking_name(enum prb_blocking b)
{
  switch(b) {
  case PRB_BLOCKING_DNS:
    return "dns";
  case PRB_BLOCKING_TCP_IP:
    return "tcp_ip";
  case PRB_BLOCKING_HTTP_FAILURE:
    return "http-failure";
  case PRB_BLOCKING_HTTP_DIFF:
    return "http-diff";
  default:
    return NULL;
  }
}

static json_t *tri_json(enum prb_tri t)
{
  return t == PRB_TRI_NULL ? json_null() : json_boolean(t == PRB_TRI_TRUE);
}

static json_t *str_or_null(const char *s)
{
  return s && s[0] ? json_string(s) : json_null();
}

/* json_object_set_new steals the value even on failure; a NULL value
 * (out of memory, bad UTF-8) is an error too. */
static int put(json_t *obj, const char *key, json_t *val)
{
  return val ? json_object_set_new(obj, key, val) : -1;
}

json_t *prb_analysis_to_json(const struct prb_analysis *a)
{
  json_t *o = json_object(), *list = json_array();
  size_t i;

  if(!o || !list)
    goto fail;
  for(i = 0; i < a->n_evidence && i < PRB_EVIDENCE_MAX; i++)
    if(json_array_append_new(list, json_string(a->evidence[i])))
      goto fail;
  if(put(o, "verdict", json_string(prb_verdict_name(a->verdict))) ||
     put(o, "method", a->verdict == PRB_VERDICT_BLOCKED
                      ? str_or_null(prb_method_name(a->method))
                      : json_null()) ||
     put(o, "detail", a->verdict == PRB_VERDICT_BLOCKED
                      ? str_or_null(a->detail) : json_null()) ||
     put(o, "confirmed", json_boolean(a->confirmed))) {
    json_decref(list);
    json_decref(o);
    return NULL;
  }
  if(put(o, "evidence", list)) {
    json_decref(o);
    return NULL;
  }
  return o;
fail:
  json_decref(list);
  json_decref(o);
  return NULL;
}

static json_t *dns_json(enum prb_dns_consistency d)
{
  if(d == PRB_DNS_CONSISTENT)
    return json_string("consistent");
  if(d == PRB_DNS_INCONSISTENT)
    return json_string("inconsistent");
  return json_null();
}

static json_t *blocking_json(enum prb_blocking b)
{
  if(b == PRB_BLOCKING_FALSE)
    return json_false();
  return str_or_null(prb_classify_blocking_name(b));
}

json_t *prb_classify_to_json(const struct prb_classification *c)
{
  json_t *o = json_object();

  if(!o)
    return NULL;
  /* each value is made right before put() takes it, so none leaks */
  if(put(o, "dns_consistency", dns_json(c->dns_consistency)) ||
     put(o, "body_proportion", json_real(c->body_proportion)) ||
     put(o, "body_length_match", tri_json(c->body_length_match)) ||
     put(o, "headers_match", tri_json(c->headers_match)) ||
     put(o, "status_code_match", tri_json(c->status_code_match)) ||
     put(o, "title_match", tri_json(c->title_match)) ||
     put(o, "blocking", blocking_json(c->blocking)) ||
     put(o, "accessible", tri_json(c->accessible)) ||
     put(o, "control_failure", str_or_null(c->control_failure)) ||
     put(o, "x_analysis", prb_analysis_to_json(&c->x_analysis))) {
    json_decref(o);
    return NULL;
  }
  return o;
}
