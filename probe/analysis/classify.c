/* classify.c: the pure classifier. Observations (and the control's view)
 * in; OONI's web_connectivity keys and our x_analysis out.
 *
 * Vocabulary. "probe addresses": A/AAAA answers of the depth-0 lookups of
 * the URL's host (the system resolver's when any is marked so). A "real"
 * handshake uses the URL's host as SNI; a "decoy" one does not. A step
 * "failed" when it was attempted and never succeeded on any endpoint.
 * Failure names are compared after mapping the legacy helper's names
 * (prb_control_failure_canon). "Control OK/FAIL" for a step means the
 * control's result for the same endpoints, or, when it has none, its HTTP
 * fetch.
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
 * title_match       every word of >= 5 bytes (split on ' ', lower-cased,
 *                   Cyrillic folded too) in both titles; null when our page
 *                   has no title.
 * blocking/         first match wins (v0.4 Summarize):
 *  accessible       1 final request succeeded over https: false/true
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
 * ---- x_analysis: our verdict, first match wins --------------------------
 *  # condition                                  verdict/method/detail  conf
 *  1 no control, canaries unreachable, our      probe_offline          -
 *    fetch failed: our own network is down,
 *    so nothing here says anything about the site
 *  2 caller matched a DNS fingerprint           blocked/dns/           yes
 *                                               dns.bogus_answer
 *  3 caller matched an interception cert        blocked/tls/           yes
 *                                               tls.interception
 *  4 caller matched a blockpage fingerprint     blocked/http/          yes
 *                                               http.blockpage
 *    (with DNS inconsistent: the resolver sent  blocked/dns/           yes
 *    us there)                                  dns.bogus_answer
 *    OONI's keys then follow the proof: blocking "http-diff" ("dns"), and
 *    accessible false, whatever v0.4's page comparison said.
 *  5 no real handshake worked, one failed        blocked/tls/           yes
 *    without a verify error, and a decoy-SNI    tls.sni_filtered
 *    handshake to the same address completed
 *    (a verify error counts as completed: the
 *    decoy name cannot match the certificate).
 *    Same path, same server, only the name
 *    differs: it is its own control.
 *  6 no control and none of 2-5                 inconclusive           -
 *  7 our DNS failed: control resolved           blocked/dns/dns.<how>  no
 *    (nxdomain, no_answer, timeout, refused,
 *    servfail, failure); control failed too      down
 *  8 DNS inconsistent, control resolved, and     blocked/dns/           no
 *    our fetch did not bring the expected page  dns.bogus_answer
 *    (a matching page means a CDN answer, not a
 *    lie). Only a fingerprint (2) confirms.
 *  9 TCP failed: control connected to the same  blocked/tcp/tcp.timeout no
 *    endpoints (or, lacking TCP data, fetched)  |tcp.reset|tcp.refused
 *                                               |tcp.failure
 *    control failed alike                       down
 *    control failed there but fetched elsewhere inconclusive
 * 10 TLS failed (and no fetch worked) with a    blocked/tls/           no
 *    verify error while the control's handshake tls.interception
 *    succeeded; same leaf as the control's      inconclusive (a local
 *                                               trust problem)
 *    without a verify error, control succeeded: blocked/tls/           no
 *    timeout after TCP worked (KZ's DPI drops   tls.timeout_after_
 *    the ClientHello), reset, eof, other        clienthello|tls.reset
 *                                               |tls.eof|tls.failure
 *    control's handshake failed too             down
 * 11 final HTTP request failed, control fetched blocked/http/http.reset no
 *    (reset or eof), timeout, verify error over (eof too)|http.timeout
 *    https (-> tls.interception), other         |http.failure
 *    control's fetch failed too                 down
 * 12 fetch worked, control has no page: https   ok (a valid chain is
 *    (valid chain for the host)                 the site's own)
 *    plain http                                 inconclusive
 * 13 fetch worked and the page is expected      ok, or throttled when
 *    (OONI's diff), or it came over https with  our rate < 0.1 x the
 *    a valid chain (a different page is then    control's and both are
 *    the site's own doing, e.g. geo pages)      known (>= 64 KiB bodies)
 * 14 otherwise (plain http, page differs)       blocked/http/http.diff no
 * 15 after 7-11: canaries unreachable though    inconclusive
 *    the control answered, and the verdict
 *    rests on a failure (timeout, reset,
 *    refused, servfail...): the probe's own
 *    network is unhealthy, so its failures
 *    prove nothing. Lies (nxdomain, bogus
 *    answers, forged chains, other pages) stand.
 *
 * A failure the control also sees is an outage ("down"), never blocking;
 * without a control nothing but the fingerprints and the decoy test can
 * say "blocked". Evidence sentences are written for people: what failed,
 * where, how, and what the control saw.
 */
#include "analysis/classify.h"
#include "common/digest.h"
#include "common/textclean.h"
#include "common/title.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/x509.h>

#include "common/url.h"

#define MAX_PADDR 64            /* probe addresses considered */
#define MAX_TITLE_WORDS 128

enum fclass {
  F_NONE,
  F_TIMEOUT,
  F_RESET,
  F_EOF,
  F_REFUSED,
  F_VERIFY,
  F_NXDOMAIN,
  F_NOANSWER,
  F_DNS_REFUSED,
  F_DNS_SERVFAIL,
  F_DNS,
  F_UNREACH,
  F_OTHER
};

enum cstate {
  CS_UNKNOWN,
  CS_OK,
  CS_FAIL,
  CS_MIXED      /* failed on our endpoints, worked on its own */
};

struct ctx {
  const struct prb_classify_in *in;
  const struct prb_obs *obs;
  const struct prb_control *ctl;
  struct prb_classification *out;
  struct prb_analysis *an;

  struct prb_url url;
  bool url_ok;
  bool https;

  /* DNS */
  bool dns_ran;
  size_t n_paddr;
  struct prb_addr paddr[MAX_PADDR];
  char ptext[MAX_PADDR][PRB_IP_MAX];
  const char *dns_failure;      /* when n_paddr == 0 */
  bool dns_tls_valid;
  bool dns_tls_valid_ctl;       /* the control's ip_info says so */
  char dns_why[128];            /* why DNS is consistent, for evidence */

  /* TCP (IPv6 unreachable ignored: a local setup matter) */
  size_t tcp_attempts, tcp_ok;
  const struct prb_tcp_connect *tcp_fail;

  /* TLS with the real SNI */
  size_t tls_attempts, tls_ok;
  const struct prb_tls_handshake *tls_fail;

  /* HTTP */
  const struct prb_http_request *final;
  bool final_ok;
  bool final_https;
  const char *http_failure;
  char title[PRB_CTL_TITLE_MAX];
  bool page_expected;           /* OONI's diff says "same page" */
};

/* ---- small pure helpers ------------------------------------------------ */

static enum fclass fclass(const char *f)
{
  f = prb_control_failure_canon(f);
  if(!f)
    return F_NONE;
  if(!strcmp(f, "generic_timeout_error") || !strcmp(f, "timed_out"))
    return F_TIMEOUT;
  if(!strcmp(f, "connection_reset") || !strcmp(f, "network_reset") ||
     !strcmp(f, "connection_aborted"))
    return F_RESET;
  if(!strcmp(f, "eof_error"))
    return F_EOF;
  if(!strcmp(f, "connection_refused"))
    return F_REFUSED;
  if(!strcmp(f, "ssl_unknown_authority") ||
     !strcmp(f, "ssl_invalid_certificate") ||
     !strcmp(f, "ssl_invalid_hostname"))
    return F_VERIFY;
  if(!strcmp(f, "dns_nxdomain_error") ||
     !strcmp(f, "android_dns_cache_no_data"))
    return F_NXDOMAIN;
  if(!strcmp(f, "dns_no_answer"))
    return F_NOANSWER;
  if(!strcmp(f, "dns_refused_error"))
    return F_DNS_REFUSED;
  if(!strcmp(f, "dns_servfail_error"))
    return F_DNS_SERVFAIL;
  if(!strncmp(f, "dns_", 4))
    return F_DNS;
  if(!strcmp(f, "network_unreachable") || !strcmp(f, "host_unreachable"))
    return F_UNREACH;
  return F_OTHER;
}

static unsigned char lower_ascii(unsigned char b)
{
  return (b >= 'A' && b <= 'Z') ? (unsigned char)(b + 32) : b;
}

static bool eq_nocase(const char *a, size_t alen, const char *b, size_t blen)
{
  size_t i;

  if(alen != blen)
    return false;
  for(i = 0; i < alen; i++)
    if(lower_ascii((unsigned char)a[i]) != lower_ascii((unsigned char)b[i]))
      return false;
  return true;
}

static bool streq_nocase(const char *a, const char *b)
{
  return eq_nocase(a, strlen(a), b, strlen(b));
}

/* Replaces, in place, every byte that does not start a valid UTF-8
 * sequence (RFC 3629) or is a control character with '?'. */
static void utf8_clean(char *s)
{
  unsigned char *p = (unsigned char *)s;
  size_t i = 0, n = strlen(s);

  while(i < n) {
    size_t k = prb_utf8_seq(p + i, n - i);
    if(k == 1 && (p[i] < 0x20 || p[i] == 0x7f))
      k = 0;
    if(k)
      i += k;
    else
      p[i++] = '?';
  }
}

__attribute__((format(printf, 2, 3)))
static void ev(struct prb_analysis *an, const char *fmt, ...)
{
  va_list ap;
  char *dst;

  if(an->n_evidence >= PRB_EVIDENCE_MAX)
    return;
  dst = an->evidence[an->n_evidence];
  va_start(ap, fmt);
  vsnprintf(dst, PRB_EVIDENCE_LEN, fmt, ap);
  va_end(ap);
  utf8_clean(dst);
  an->n_evidence++;
}

static void set_verdict(struct ctx *c, enum prb_verdict v, enum prb_method m,
                        const char *detail, bool confirmed)
{
  c->an->verdict = v;
  c->an->method = m;
  snprintf(c->an->detail, sizeof(c->an->detail), "%s", detail ? detail : "");
  c->an->confirmed = confirmed;
}

static const char *fstr(const char *f)
{
  return f && f[0] ? f : "unknown_failure";
}

static const char *nz(const char *s, const char *dflt)
{
  return s && s[0] ? s : dflt;
}

static bool addr_in(const struct prb_addr *a,
                    const struct prb_addr *set, size_t n)
{
  size_t i;

  for(i = 0; i < n; i++)
    if(prb_addr_equal(a, &set[i]))
      return true;
  return false;
}

static bool tcp_endpoint(const struct prb_tcp_connect *t,
                         struct prb_addr *ep)
{
  if(prb_addr_parse_endpoint(t->ip, true, ep) || ep->port)
    return false;
  ep->port = t->port;
  return true;
}

static bool tls_done(const struct prb_tls_handshake *h)
{
  return !h->failure && !h->x_verify_error[0];
}

/* ---- titles ------------------------------------------------------------ */

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
      p[i] = lower_ascii(p[i]);
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

/* ---- headers ----------------------------------------------------------- */

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
    if(eq_nocase(n, len, common[i], strlen(common[i])))
      return true;
  return false;
}

static bool ctl_has_header(const struct prb_ctl_http *h, const char *n,
                           size_t len)
{
  size_t i;

  for(i = 0; i < h->n_headers; i++)
    if(eq_nocase(n, len, h->headers[i].name, strlen(h->headers[i].name)))
      return true;
  return false;
}

static bool probe_has_header(const struct prb_http_request *r,
                             const char *n, size_t len)
{
  size_t i;

  for(i = 0; i < r->n_headers; i++)
    if(r->headers[i].name &&
       eq_nocase(n, len, r->headers[i].name, r->headers[i].name_len))
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

/* ---- gathering the facts ----------------------------------------------- */

static bool query_counts(const struct ctx *c, const struct prb_dns_query *q,
                         bool want_system)
{
  if(q->depth != 0 || (want_system && !q->system))
    return false;
  return !c->url_ok || streq_nocase(q->hostname, c->url.host);
}

static void gather_dns(struct ctx *c)
{
  const struct prb_obs *o = c->obs;
  bool any_system = false;
  size_t i, j, len;
  int pass;

  for(i = 0; i < o->n_queries; i++)
    if(o->queries[i].system && query_counts(c, &o->queries[i], false))
      any_system = true;
  for(i = 0; i < o->n_queries; i++) {
    const struct prb_dns_query *q = &o->queries[i];
    if(!query_counts(c, q, any_system))
      continue;
    c->dns_ran = true;
    for(j = 0; j < q->n_answers && j < PRB_MAX_ADDRS; j++) {
      const struct prb_dns_answer *a = &q->answers[j];
      struct prb_addr bin;
      if((a->type != PRB_RR_A && a->type != PRB_RR_AAAA) ||
         prb_addr_parse_endpoint(a->value, true, &bin) || bin.port ||
         addr_in(&bin, c->paddr, c->n_paddr) || c->n_paddr == MAX_PADDR)
        continue;
      /* it parsed as an address, so it fits */
      len = strnlen(a->value, PRB_IP_MAX - 1);
      memcpy(c->ptext[c->n_paddr], a->value, len);
      c->ptext[c->n_paddr][len] = '\0';
      c->paddr[c->n_paddr++] = bin;
    }
  }
  if(c->n_paddr || !c->dns_ran)
    return;
  /* nothing resolved: the A query's failure speaks first */
  c->dns_failure = o->dns_experiment_failure;
  for(pass = 0; pass < 2 && !c->dns_failure; pass++)
    for(i = 0; i < o->n_queries && !c->dns_failure; i++) {
      const struct prb_dns_query *q = &o->queries[i];
      if(query_counts(c, q, any_system) &&
         (pass == 1 || q->qtype == PRB_RR_A))
        c->dns_failure = q->failure;
    }
  if(!c->dns_failure)
    c->dns_failure = "dns_no_answer";
}

static void gather_tcp_tls(struct ctx *c)
{
  const struct prb_obs *o = c->obs;
  size_t i;

  for(i = 0; i < o->n_tcp; i++) {
    const struct prb_tcp_connect *t = &o->tcp[i];
    if(t->failure && fclass(t->failure) == F_UNREACH && strchr(t->ip, ':'))
      continue;
    c->tcp_attempts++;
    if(!t->failure)
      c->tcp_ok++;
    else if(!c->tcp_fail)
      c->tcp_fail = t;
  }
  for(i = 0; i < o->n_tls; i++) {
    const struct prb_tls_handshake *h = &o->tls[i];
    struct prb_addr ep;
    if(h->decoy)
      continue;
    c->tls_attempts++;
    if(tls_done(h)) {
      c->tls_ok++;
      /* a verified handshake for the host vouches for the address */
      if((!c->url_ok || streq_nocase(h->server_name, c->url.host)) &&
         !prb_addr_parse_endpoint(h->address, false, &ep) &&
         addr_in(&ep, c->paddr, c->n_paddr))
        c->dns_tls_valid = true;
    }
    else if(!c->tls_fail)
      c->tls_fail = h;
  }
  if(c->ctl) {
    for(i = 0; i < c->n_paddr; i++) {
      long long flags;
      prb_control_asn(c->ctl, &c->paddr[i], &flags);
      if(flags & PRB_CTL_IPINFO_TLS_VALID)
        c->dns_tls_valid_ctl = true;
    }
  }
}

static void gather_http(struct ctx *c)
{
  const struct prb_obs *o = c->obs;

  if(o->n_requests) {
    c->final = &o->requests[o->n_requests - 1];
    c->final_ok = !c->final->failure && c->final->code > 0;
    c->final_https = !strncmp(c->final->url, "https://", 8);
    c->http_failure = c->final->failure;
    if(c->final->code > 0)
      prb_title_ooni(c->final->body, c->final->body_len, c->title,
                         sizeof(c->title));
  }
  if(!c->final_ok && !c->http_failure)
    c->http_failure = o->http_experiment_failure;
}

/* ---- OONI keys ---------------------------------------------------------- */

static uint32_t asn_of(const struct ctx *c, const struct prb_addr *a,
                       const char *text)
{
  uint32_t asn = prb_control_asn(c->ctl, a, NULL);

  if(!asn && c->in->asn_lookup)
    asn = c->in->asn_lookup(c->in->asn_ctx, text);
  return asn;
}

static enum prb_dns_consistency dns_consistency(struct ctx *c)
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
    if(addr_in(&c->paddr[i], d->bin, d->n_addrs)) {
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

static void http_compare(struct ctx *c)
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
                      o->title_match == PRB_TRI_TRUE);
}

/* How the control's fetch went. */
static enum cstate ctl_http_state(const struct prb_control *ctl)
{
  if(!ctl->http.present)
    return CS_UNKNOWN;
  if(ctl->http.failure[0])
    return CS_FAIL;
  return ctl->http.status_code > 0 ? CS_OK : CS_UNKNOWN;
}

/* The control's TCP result for the endpoints we failed to reach;
 * entries_only ignores its fetch (for OONI's keys). */
static enum cstate ctl_tcp_state(const struct ctx *c, bool entries_only)
{
  bool found = false;
  size_t i, j;

  for(i = 0; i < c->obs->n_tcp; i++) {
    struct prb_addr ep;
    if(!c->obs->tcp[i].failure || !tcp_endpoint(&c->obs->tcp[i], &ep))
      continue;
    for(j = 0; j < c->ctl->n_tcp; j++) {
      if(!prb_addr_equal(&ep, &c->ctl->tcp[j].ep))
        continue;
      found = true;
      if(c->ctl->tcp[j].status)
        return CS_OK;
    }
  }
  if(entries_only)
    return found ? CS_FAIL : CS_UNKNOWN;
  if(found)
    return ctl_http_state(c->ctl) == CS_OK ? CS_MIXED : CS_FAIL;
  return ctl_http_state(c->ctl);
}

/* The control's TLS result for the endpoints where ours failed; *first
 * gets the control's entry for the first of them, NULL if it has none. */
static enum cstate ctl_tls_state(const struct ctx *c,
                                 const struct prb_ctl_tls **first)
{
  bool found = false;
  size_t i, j;

  *first = NULL;
  for(i = 0; i < c->obs->n_tls; i++) {
    const struct prb_tls_handshake *h = &c->obs->tls[i];
    struct prb_addr ep;
    if(h->decoy || tls_done(h) ||
       prb_addr_parse_endpoint(h->address, false, &ep))
      continue;
    for(j = 0; j < c->ctl->n_tls; j++) {
      if(!prb_addr_equal(&ep, &c->ctl->tls[j].ep))
        continue;
      if(!*first)
        *first = &c->ctl->tls[j];
      found = true;
      if(c->ctl->tls[j].status)
        return CS_OK;
    }
  }
  if(found)
    return ctl_http_state(c->ctl) == CS_OK ? CS_MIXED : CS_FAIL;
  return c->https ? ctl_http_state(c->ctl) : CS_UNKNOWN;
}

/* What a request would have hit when none was made: the HTTP failure,
 * else TLS's, TCP's, DNS's (v0.4 always attempted the GET). */
static const char *standin_failure(const struct ctx *c)
{
  if(c->http_failure)
    return c->http_failure;
  if(c->tls_attempts && !c->tls_ok && c->tls_fail)
    return c->tls_fail->failure ? c->tls_fail->failure
                                : "ssl_unknown_authority";
  if(c->tcp_attempts && !c->tcp_ok && c->tcp_fail)
    return c->tcp_fail->failure;
  return c->dns_failure;
}

static void ooni_blocking(struct ctx *c)
{
  struct prb_classification *o = c->out;
  enum fclass dnsf = fclass(c->dns_failure);
  bool inconsistent = o->dns_consistency == PRB_DNS_INCONSISTENT;
  enum fclass hf;

  o->blocking = PRB_BLOCKING_NULL;
  o->accessible = PRB_TRI_NULL;
  if(c->final && !c->final->failure && c->final_https) {
    o->blocking = PRB_BLOCKING_FALSE;
    o->accessible = PRB_TRI_TRUE;
    return;
  }
  if(!c->ctl)
    return;
  if(!c->n_paddr && dnsf == F_NXDOMAIN) {
    if(o->dns_consistency == PRB_DNS_CONSISTENT) {
      o->blocking = PRB_BLOCKING_FALSE;
      o->accessible = PRB_TRI_FALSE;
      return;
    }
    if(inconsistent) {
      o->blocking = PRB_BLOCKING_DNS;
      o->accessible = PRB_TRI_FALSE;
      return;
    }
  }
  if(c->tcp_attempts && !c->tcp_ok) {
    if(ctl_tcp_state(c, true) == CS_FAIL) {
      o->blocking = PRB_BLOCKING_FALSE;
      o->accessible = PRB_TRI_FALSE;
    }
    else if(o->dns_consistency != PRB_DNS_NULL) {
      o->blocking = inconsistent ? PRB_BLOCKING_DNS : PRB_BLOCKING_TCP_IP;
      o->accessible = PRB_TRI_FALSE;
    }
    return;
  }
  if(!c->ctl->http.present || c->ctl->http.failure[0])
    return;
  if(!c->final_ok) {
    hf = fclass(standin_failure(c));
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
  if(c->page_expected) {
    o->blocking = PRB_BLOCKING_FALSE;
    o->accessible = PRB_TRI_TRUE;
    return;
  }
  o->blocking = inconsistent ? PRB_BLOCKING_DNS : PRB_BLOCKING_HTTP_DIFF;
  o->accessible = PRB_TRI_FALSE;
}

/* ---- evidence helpers -------------------------------------------------- */

static void ev_answers(struct ctx *c)
{
  char ours[160] = "", theirs[160] = "";
  size_t i, used = 0;

  for(i = 0; i < c->n_paddr && used + PRB_IP_MAX + 2 < sizeof(ours); i++)
    used += (size_t)snprintf(ours + used, sizeof(ours) - used, "%s%s",
                             i ? ", " : "", c->ptext[i]);
  used = 0;
  if(c->ctl)
    for(i = 0; i < c->ctl->dns.n_addrs &&
               used + PRB_IP_MAX + 2 < sizeof(theirs); i++)
      used += (size_t)snprintf(theirs + used, sizeof(theirs) - used, "%s%s",
                               i ? ", " : "", c->ctl->dns.addrs[i]);
  if(c->ctl)
    ev(c->an, "DNS: the probe's resolver answered %s; the control resolved "
       "%s", nz(ours, "nothing"), nz(theirs, "nothing"));
  else
    ev(c->an, "DNS: the probe's resolver answered %s", nz(ours, "nothing"));
  for(i = 0; i < c->n_paddr; i++) {
    if(prb_addr_is_bogon(&c->paddr[i]) &&
       (!c->ctl || !addr_in(&c->paddr[i], c->ctl->dns.bin,
                            c->ctl->dns.n_addrs))) {
      ev(c->an, "DNS: %s is a private or reserved (bogon) address the "
         "control did not see", c->ptext[i]);
      break;
    }
  }
}

/* How DNS compared, for verdicts decided at a later step. */
static void ev_dns_ok(struct ctx *c)
{
  if(c->out->dns_consistency == PRB_DNS_CONSISTENT)
    ev(c->an, "DNS: the answers are consistent with the control's (%s)",
       nz(c->dns_why, "no disagreement"));
  else if(c->out->dns_consistency == PRB_DNS_INCONSISTENT)
    ev(c->an, "DNS: the answers share nothing with the control's, yet the "
       "page came through as expected");
}

static void cert_issuer(const struct prb_tls_handshake *h, char *out,
                        size_t outlen)
{
  const unsigned char *p;
  X509 *x;

  out[0] = '\0';
  if(!h->n_certs || !h->certs[0].der || h->certs[0].len > 1024 * 1024)
    return;
  p = h->certs[0].der;
  x = d2i_X509(NULL, &p, (long)h->certs[0].len);
  if(!x)
    return;
  if(!X509_NAME_oneline(X509_get_issuer_name(x), out, (int)outlen))
    out[0] = '\0';
  X509_free(x);
}

static bool leaf_sha256(const struct prb_tls_handshake *h,
                        unsigned char md[32])
{
  return h->n_certs && h->certs[0].der &&
         prb_sha256(h->certs[0].der, h->certs[0].len, md);
}

static void ev_chain(struct ctx *c, const struct prb_tls_handshake *h)
{
  char issuer[160];

  cert_issuer(h, issuer, sizeof(issuer));
  ev(c->an, "TLS: the chain presented for %s at %s did not verify (%s); "
     "leaf issued by %s", h->server_name, h->address,
     nz(h->x_verify_error, fstr(h->failure)), nz(issuer, "(no chain)"));
}

static void ev_tls_failure(struct ctx *c, const struct prb_tls_handshake *h)
{
  ev(c->an, "TLS: handshake with SNI %s to %s failed with %s after %.1f s "
     "(TCP connect had succeeded)", h->server_name, h->address,
     fstr(h->failure ? h->failure : "ssl_unknown_authority"), h->t - h->t0);
}

/* One sentence on how far the probe got, for verdicts without a control. */
static void ev_probe_summary(struct ctx *c)
{
  if(c->final_ok)
    ev(c->an, "HTTP: the probe fetched %s: status %ld, %zu bytes",
       c->final->url, c->final->code, c->final->body_len);
  else if(c->dns_ran && !c->n_paddr)
    ev(c->an, "DNS: the probe's lookup failed with %s", fstr(c->dns_failure));
  else if(c->tcp_attempts && !c->tcp_ok)
    ev(c->an, "TCP: no connection succeeded (%s to %s:%d)",
       fstr(c->tcp_fail->failure), c->tcp_fail->ip, c->tcp_fail->port);
  else if(c->tls_attempts && !c->tls_ok)
    ev_tls_failure(c, c->tls_fail);
  else if(c->http_failure)
    ev(c->an, "HTTP: the probe's request failed with %s", c->http_failure);
}

/* ---- our verdict -------------------------------------------------------- */

static const char *dns_detail(enum fclass f)
{
  switch(f) {
  case F_NXDOMAIN:
    return "dns.nxdomain";
  case F_NOANSWER:
    return "dns.no_answer";
  case F_TIMEOUT:
    return "dns.timeout";
  case F_DNS_REFUSED:
  case F_REFUSED:
    return "dns.refused";
  case F_DNS_SERVFAIL:
    return "dns.servfail";
  default:
    return "dns.failure";
  }
}

/* Rule 5: a decoy-SNI handshake completed where the real one failed. */
static const struct prb_tls_handshake *
decoy_for(const struct ctx *c, const struct prb_tls_handshake **real)
{
  size_t i, j;

  if(c->tls_ok || c->final_ok)
    return NULL;
  for(i = 0; i < c->obs->n_tls; i++) {
    const struct prb_tls_handshake *r = &c->obs->tls[i];
    struct prb_addr a, b;
    enum fclass f = fclass(r->failure);
    if(r->decoy || !r->failure || f == F_VERIFY ||
       prb_addr_parse_endpoint(r->address, false, &a))
      continue;
    for(j = 0; j < c->obs->n_tls; j++) {
      const struct prb_tls_handshake *d = &c->obs->tls[j];
      if(!d->decoy || (d->failure && fclass(d->failure) != F_VERIFY) ||
         prb_addr_parse_endpoint(d->address, false, &b) ||
         !prb_addr_equal(&a, &b))
        continue;
      *real = r;
      return d;
    }
  }
  return NULL;
}

static bool throttled(struct ctx *c)
{
  double pr = c->in->probe_rate, cr = c->in->control_rate;
  const struct prb_ctl_http *h = &c->ctl->http;

  if(pr <= 0 && c->final->body_len >= PRB_THROTTLE_MIN_BYTES) {
    double span = c->final->t - c->obs->requests[0].t0;
    if(span > 0)
      pr = (double)c->final->body_len / span;
  }
  if(cr <= 0 && h->body_length >= PRB_THROTTLE_MIN_BYTES &&
     c->ctl->x_timing.http_request > 0)
    cr = (double)h->body_length / c->ctl->x_timing.http_request;
  if(pr <= 0 || cr <= 0 || pr >= PRB_THROTTLE_FRACTION * cr)
    return false;
  ev(c->an, "HTTP: the probe downloaded at %.0f bytes/s, under %.0f%% of the "
     "control's %.0f bytes/s", pr, PRB_THROTTLE_FRACTION * 100, cr);
  return true;
}

static void verdict_http_success(struct ctx *c)
{
  const struct prb_ctl_http *h = &c->ctl->http;
  const struct prb_classification *o = c->out;

  ev(c->an, "HTTP: the probe fetched %s: status %ld, %zu bytes%s",
     c->final->url, c->final->code, c->final->body_len,
     c->final->body_is_truncated ? " (truncated)" : "");
  if(ctl_http_state(c->ctl) != CS_OK) {
    ev(c->an, "HTTP: the control's fetch failed (%s), nothing to compare "
       "with", fstr(h->failure));
    if(c->final_https) {
      ev(c->an, "TLS: the page came with a valid certificate for %s",
         c->url.host);
      set_verdict(c, PRB_VERDICT_OK, PRB_METHOD_NONE, NULL, false);
    }
    return;
  }
  if(c->page_expected || c->final_https) {
    if(c->page_expected)
      ev(c->an, "HTTP: the page matches the control's (status %ld, body "
         "proportion %.2f, title \"%s\")", h->status_code,
         o->body_proportion, h->title);
    else
      ev(c->an, "HTTP: the page differs from the control's (status %ld vs "
         "%ld) but came with a valid certificate for %s: the site's own "
         "doing, not the network's", c->final->code, h->status_code,
         c->url.host);
    if(throttled(c))
      set_verdict(c, PRB_VERDICT_THROTTLED, PRB_METHOD_NONE, NULL, false);
    else
      set_verdict(c, PRB_VERDICT_OK, PRB_METHOD_NONE, NULL, false);
    return;
  }
  ev(c->an, "HTTP: the page differs from the control's: status %ld vs %ld, "
     "body proportion %.2f, title \"%s\" vs \"%s\"", c->final->code,
     h->status_code, o->body_proportion, c->title, h->title);
  set_verdict(c, PRB_VERDICT_BLOCKED, PRB_METHOD_HTTP, "http.diff", false);
}

static void verdict_tls(struct ctx *c)
{
  const struct prb_tls_handshake *h = c->tls_fail;
  const struct prb_ctl_tls *ct;
  enum cstate st = ctl_tls_state(c, &ct);
  enum fclass f = h->failure ? fclass(h->failure) : F_VERIFY;
  const char *detail;

  ev_tls_failure(c, h);
  if(f == F_VERIFY) {
    unsigned char md[32];
    ev_chain(c, h);
    if(ct && ct->has_leaf_sha256 && leaf_sha256(h, md)) {
      if(!memcmp(md, ct->leaf_sha256, 32)) {
        if(st == CS_FAIL) {
          /* Expired or wrong-name for everyone: the site's own fault. */
          ev(c->an, "TLS: the control received the same leaf certificate "
             "and could not verify it either (%s): the site's certificate "
             "is broken, not blocked", fstr(ct->failure));
          set_verdict(c, PRB_VERDICT_DOWN, PRB_METHOD_NONE, NULL, false);
          return;
        }
        ev(c->an, "TLS: the control received the same leaf certificate: a "
           "local trust problem, not interception");
        return;
      }
      ev(c->an, "TLS: the control received a different leaf certificate");
    }
    detail = "tls.interception";
  }
  else if(f == F_TIMEOUT)
    detail = "tls.timeout_after_clienthello";
  else if(f == F_RESET)
    detail = "tls.reset";
  else if(f == F_EOF)
    detail = "tls.eof";
  else
    detail = "tls.failure";
  switch(st) {
  case CS_OK:
    ev(c->an, "TLS: the control's handshake %s%s succeeded",
       ct ? "to " : "(through its fetch)", ct ? ct->endpoint : "");
    set_verdict(c, PRB_VERDICT_BLOCKED, PRB_METHOD_TLS, detail, false);
    break;
  case CS_FAIL:
    ev(c->an, "TLS: the control's handshake failed too (%s): the site is "
       "broken, not blocked", fstr(ct ? ct->failure : c->ctl->http.failure));
    set_verdict(c, PRB_VERDICT_DOWN, PRB_METHOD_NONE, NULL, false);
    break;
  case CS_MIXED:
    ev(c->an, "TLS: the control failed on the same endpoints but fetched "
       "the page elsewhere");
    break;
  default:
    ev(c->an, "TLS: the control has no result to compare with");
  }
}

static void verdict_tcp(struct ctx *c)
{
  enum cstate st = ctl_tcp_state(c, false);
  enum fclass f = fclass(c->tcp_fail->failure);
  const char *detail = f == F_TIMEOUT ? "tcp.timeout"
                     : f == F_RESET ? "tcp.reset"
                     : f == F_REFUSED ? "tcp.refused" : "tcp.failure";

  ev(c->an, "TCP: none of %zu connects succeeded (%s to %s:%d)",
     c->tcp_attempts, fstr(c->tcp_fail->failure), c->tcp_fail->ip,
     c->tcp_fail->port);
  switch(st) {
  case CS_OK:
    ev(c->an, "TCP: the control connected to the same endpoints");
    set_verdict(c, PRB_VERDICT_BLOCKED, PRB_METHOD_TCP, detail, false);
    break;
  case CS_FAIL:
    ev(c->an, "TCP: the control could not connect either: the site is "
       "down, not blocked");
    set_verdict(c, PRB_VERDICT_DOWN, PRB_METHOD_NONE, NULL, false);
    break;
  case CS_MIXED:
    ev(c->an, "TCP: the control failed on the same endpoints but fetched "
       "the page elsewhere");
    break;
  default:
    ev(c->an, "TCP: the control has no result to compare with");
  }
}

static void verdict_http_failure(struct ctx *c)
{
  enum cstate st = ctl_http_state(c->ctl);
  enum fclass f = fclass(c->http_failure);
  enum prb_method m = PRB_METHOD_HTTP;
  const char *detail;

  if(!c->http_failure) {
    ev(c->an, "HTTP: no request was made");
    return;
  }
  ev(c->an, "HTTP: the probe's request to %s failed with %s",
     c->final ? c->final->url : c->obs->input, c->http_failure);
  if(f == F_VERIFY && c->https) {
    m = PRB_METHOD_TLS;
    detail = "tls.interception";
  }
  else if(f == F_RESET || f == F_EOF)
    detail = "http.reset";
  else if(f == F_TIMEOUT)
    detail = "http.timeout";
  else
    detail = "http.failure";
  if(st == CS_OK) {
    ev(c->an, "HTTP: the control fetched the page (status %ld, %lld bytes)",
       c->ctl->http.status_code, c->ctl->http.body_length);
    set_verdict(c, PRB_VERDICT_BLOCKED, m, detail, false);
  }
  else if(st == CS_FAIL) {
    ev(c->an, "HTTP: the control's fetch failed too (%s): the site is down",
       c->ctl->http.failure);
    set_verdict(c, PRB_VERDICT_DOWN, PRB_METHOD_NONE, NULL, false);
  }
  else
    ev(c->an, "HTTP: the control has no result to compare with");
}

static void verdict_dns_failure(struct ctx *c)
{
  const struct prb_ctl_dns *d = &c->ctl->dns;
  enum cstate st;

  ev(c->an, "DNS: the probe's lookup of %s failed with %s",
     c->url_ok ? c->url.host : c->obs->input, fstr(c->dns_failure));
  if(d->present)
    st = (!d->failure[0] && d->n_addrs) ? CS_OK : CS_FAIL;
  else
    st = ctl_http_state(c->ctl);
  if(st == CS_OK) {
    if(d->n_addrs)
      ev(c->an, "DNS: the control resolved it to %s%s", d->addrs[0],
         d->n_addrs > 1 ? " and more" : "");
    else
      ev(c->an, "DNS: the control fetched the page");
    set_verdict(c, PRB_VERDICT_BLOCKED, PRB_METHOD_DNS,
                dns_detail(fclass(c->dns_failure)), false);
  }
  else if(st == CS_FAIL) {
    ev(c->an, "DNS: the control's lookup failed too (%s): the name does "
       "not resolve anywhere", fstr(d->present ? d->failure
                                               : c->ctl->http.failure));
    set_verdict(c, PRB_VERDICT_DOWN, PRB_METHOD_NONE, NULL, false);
  }
  else
    ev(c->an, "DNS: the control has no result to compare with");
}

/* Details that rest only on something failing here (rule 15). */
static bool failure_based(const char *detail)
{
  static const char *const lies[] = {
    "dns.nxdomain", "dns.no_answer", "dns.bogus_answer", "tls.interception",
    "tls.sni_filtered", "http.blockpage", "http.diff"
  };
  size_t i;

  for(i = 0; i < sizeof(lies) / sizeof(lies[0]); i++)
    if(!strcmp(detail, lies[i]))
      return false;
  return true;
}

static void verdict_steps(struct ctx *c);

static void verdict(struct ctx *c)
{
  verdict_steps(c);
  if(c->an->verdict == PRB_VERDICT_BLOCKED && !c->an->confirmed &&
     c->in->canaries_ok == PRB_TRI_FALSE && failure_based(c->an->detail)) {
    ev(c->an, "canary hosts were unreachable: the probe's own network is "
       "unhealthy, so this failure proves nothing about %s",
       c->url_ok ? c->url.host : "the site");
    set_verdict(c, PRB_VERDICT_INCONCLUSIVE, PRB_METHOD_NONE, NULL, false);
  }
}

static void verdict_steps(struct ctx *c)
{
  const struct prb_tls_handshake *real = NULL, *decoy;
  const struct prb_classify_in *in = c->in;

  if(!c->ctl && in->canaries_ok == PRB_TRI_FALSE && !c->final_ok) {
    ev(c->an, "control unreachable (%s)", nz(in->control_failure,
                                              "no reply"));
    ev(c->an, "canary hosts unreachable too: the probe's own network is "
       "failing, which says nothing about this site");
    set_verdict(c, PRB_VERDICT_PROBE_OFFLINE, PRB_METHOD_NONE, NULL, false);
    return;
  }
  if(in->dns_fingerprint) {
    ev_answers(c);
    ev(c->an, "DNS: an answer matches the known blocking fingerprint %s",
       in->dns_fingerprint);
    set_verdict(c, PRB_VERDICT_BLOCKED, PRB_METHOD_DNS, "dns.bogus_answer",
                true);
    return;
  }
  if(in->cert_fingerprint) {
    if(c->tls_fail)
      ev_chain(c, c->tls_fail);
    ev(c->an, "TLS: the chain contains the known interception certificate "
       "%s", in->cert_fingerprint);
    set_verdict(c, PRB_VERDICT_BLOCKED, PRB_METHOD_TLS, "tls.interception",
                true);
    return;
  }
  if(in->http_fingerprint) {
    if(c->final)
      ev(c->an, "HTTP: %s answered status %ld, %zu bytes", c->final->url,
         c->final->code, c->final->body_len);
    ev(c->an, "HTTP: the response matches the blockpage fingerprint %s",
       in->http_fingerprint);
    /* A lying resolver that sends us to the blockpage: the means is DNS,
     * the blockpage is what confirms it. */
    if(c->out->dns_consistency == PRB_DNS_INCONSISTENT) {
      ev_answers(c);
      ev(c->an, "DNS: the answers differ from the control's and led to "
         "the blockpage: the resolver lies");
      set_verdict(c, PRB_VERDICT_BLOCKED, PRB_METHOD_DNS, "dns.bogus_answer",
                  true);
      return;
    }
    set_verdict(c, PRB_VERDICT_BLOCKED, PRB_METHOD_HTTP, "http.blockpage",
                true);
    return;
  }
  decoy = decoy_for(c, &real);
  if(decoy) {
    ev_tls_failure(c, real);
    ev(c->an, "TLS: the same handshake with the decoy SNI %s completed "
       "in %.1f s: the name is filtered", decoy->server_name,
       decoy->t - decoy->t0);
    set_verdict(c, PRB_VERDICT_BLOCKED, PRB_METHOD_TLS, "tls.sni_filtered",
                true);
    return;
  }
  if(!c->ctl) {
    ev(c->an, "no control measurement (%s): an outage cannot be told from "
       "blocking", nz(in->control_failure, "none asked"));
    ev_probe_summary(c);
    return;
  }
  if(c->dns_ran && !c->n_paddr && !(c->url_ok && c->url.host_is_ip)) {
    verdict_dns_failure(c);
    return;
  }
  if(c->out->dns_consistency == PRB_DNS_INCONSISTENT &&
     c->ctl->dns.n_addrs &&
     !(c->final_ok && (c->final_https || c->page_expected))) {
    ev_answers(c);
    ev(c->an, "DNS: no shared address or network with the control's "
       "answers, and no verified TLS handshake for %s on them",
       c->url_ok ? c->url.host : "the host");
    set_verdict(c, PRB_VERDICT_BLOCKED, PRB_METHOD_DNS, "dns.bogus_answer",
                false);
    return;
  }
  ev_dns_ok(c);
  if(c->tcp_attempts && !c->tcp_ok) {
    verdict_tcp(c);
    return;
  }
  if(c->tls_attempts && !c->tls_ok && !c->final_ok) {
    verdict_tls(c);
    return;
  }
  if(!c->final_ok) {
    verdict_http_failure(c);
    return;
  }
  verdict_http_success(c);
}

/* A blockpage or DNS fingerprint is proof OONI's page comparison can miss
 * (a blockpage sharing the status and a header name with the real page
 * passes v0.4's diff): OONI's keys then say what the proof says, so tools
 * that read only them do not publish a confirmed block as accessible. */
static void confirmed_blocking(struct ctx *c)
{
  const struct prb_analysis *a = c->an;
  if(a->verdict != PRB_VERDICT_BLOCKED || !a->confirmed ||
     (!c->in->http_fingerprint && !c->in->dns_fingerprint))
    return;
  c->out->blocking = a->method == PRB_METHOD_DNS ? PRB_BLOCKING_DNS :
                     PRB_BLOCKING_HTTP_DIFF;
  c->out->accessible = PRB_TRI_FALSE;
}

void prb_classify(const struct prb_classify_in *in,
                  struct prb_classification *out)
{
  struct ctx c;

  memset(out, 0, sizeof(*out));
  out->body_length_match = out->headers_match = PRB_TRI_NULL;
  out->status_code_match = out->title_match = PRB_TRI_NULL;
  out->accessible = PRB_TRI_NULL;
  out->x_analysis.verdict = PRB_VERDICT_INCONCLUSIVE;
  if(!in->control && in->control_failure)
    snprintf(out->control_failure, sizeof(out->control_failure), "%s",
             in->control_failure);
  utf8_clean(out->control_failure);
  if(!in->obs) {
    ev(&out->x_analysis, "no observations");
    return;
  }
  memset(&c, 0, sizeof(c));
  c.in = in;
  c.obs = in->obs;
  c.ctl = in->control;
  c.out = out;
  c.an = &out->x_analysis;
  c.url_ok = prb_url_parse(in->obs->input, &c.url, NULL) == 0;
  c.https = c.url_ok && !strcmp(c.url.scheme, "https");
  gather_dns(&c);
  gather_tcp_tls(&c);
  gather_http(&c);
  out->dns_consistency = dns_consistency(&c);
  http_compare(&c);
  ooni_blocking(&c);
  verdict(&c);
  confirmed_blocking(&c);
}

/* ---- names and JSON ------------------------------------------------------ */

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

static json_t *analysis_json(const struct prb_analysis *a)
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
     put(o, "x_analysis", analysis_json(&c->x_analysis))) {
    json_decref(o);
    return NULL;
  }
  return o;
}
