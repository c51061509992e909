/* classify.c: the pure classifier. Observations (and the control's view)
 * in; OONI's web_connectivity keys (classify_ooni.c) and our x_analysis
 * (here) out. The facts are gathered once (classify_facts.c); the
 * vocabulary is in classify_ctx.h.
 *
 * ---- x_analysis: our verdict, first match wins --------------------------
 * (Each rule's number stands in a comment at the branch that implements it
 * and on the rows of tests/unit/test_classify.c that exercise it.)
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
 *    our DNS answered, but the name does not    down
 *    exist for the control (nxdomain) and its
 *    fetch failed: a resolver inventing an
 *    address for a dead name blocks no site
 *  8 DNS inconsistent, control resolved, and     blocked/dns/           no
 *    our fetch did not bring the expected page  dns.bogus_answer
 *    from one of the resolver's addresses (a
 *    matching page there means a CDN answer,
 *    not a lie). Only a fingerprint (2)
 *    confirms.
 *  9 TCP failed: control connected to the same  blocked/tcp/tcp.timeout no
 *    endpoints (or, lacking TCP data, fetched)  |tcp.reset|tcp.refused
 *                                               |tcp.failure
 *    control failed alike                       down
 *    control failed there but fetched elsewhere inconclusive
 * 10 TLS failed (and no fetch worked, or a     blocked/tls/           no
 *    redirect's next hop failed at its
 *    handshake) with a
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
 *    "unknown_failure ...": the probe's own     inconclusive
 *    error, nothing about the network
 *    no request made (the only addresses are   down
 *    private or loopback, which no probe
 *    contacts) and the control failed too
 * 12 fetch worked, control has no page: https   ok (a valid chain is
 *    (valid chain for the host)                 the site's own)
 *    plain http                                 inconclusive
 * 13 fetch worked and the page is expected      ok, or throttled when
 *    (OONI's diff; never a page matching a      our rate < 0.1 x the
 *    blockpage fingerprint, confirming or not),
 *    or it came over https with
 *    a valid chain (a different page is then    control's and both are
 *    the site's own doing, e.g. geo pages)      known (>= 64 KiB bodies)
 *    (a redirect the probe could not follow
 *    still counts as a response)
 * 14 otherwise (plain http, page differs)       blocked/http/http.diff no
 *    the response was a redirect the probe      blocked/http/
 *    could not follow                           http.failure
 *    the page is a known false positive (a     inconclusive
 *    CDN's bot check: OONI's scope fp rows)
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
#include "analysis/classify_ctx.h"
#include "common/digest.h"
#include "common/textclean.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <openssl/x509.h>

/* ---- writing the evidence ------------------------------------------------ */

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
       (!c->ctl || !prb_cls_addr_in(&c->paddr[i], c->ctl->dns.bin,
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
    enum fclass f = prb_cls_fclass(r->failure);
    if(r->decoy || !r->failure || f == F_VERIFY ||
       prb_addr_parse_endpoint(r->address, false, &a))
      continue;
    for(j = 0; j < c->obs->n_tls; j++) {
      const struct prb_tls_handshake *d = &c->obs->tls[j];
      if(!d->decoy || (d->failure && prb_cls_fclass(d->failure) != F_VERIFY) ||
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
  if(prb_cls_ctl_http(c->ctl) != CS_OK) {                   /* rule 12 */
    ev(c->an, "HTTP: the control's fetch failed (%s), nothing to compare "
       "with", fstr(h->failure));
    if(c->final_https) {
      ev(c->an, "TLS: the page came with a valid certificate for %s",
         c->url.host);
      set_verdict(c, PRB_VERDICT_OK, PRB_METHOD_NONE, NULL, false);
    }
    return;
  }
  if(c->page_expected || c->final_https) {                  /* rule 13 */
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
  if(c->in->http_false_positive) {                          /* rule 14 */
    ev(c->an, "HTTP: the page matches %s, one of OONI's known false "
       "positives (a CDN's or host's own page): not the network's doing",
       c->in->http_false_positive);
    return;
  }
  if(c->final->failure) {
    ev(c->an, "HTTP: the probe could not follow the redirect (%s) where "
       "the control fetched the page", c->final->failure);
    set_verdict(c, PRB_VERDICT_BLOCKED, PRB_METHOD_HTTP, "http.failure",
                false);
    return;
  }
  set_verdict(c, PRB_VERDICT_BLOCKED, PRB_METHOD_HTTP, "http.diff",
              false);
}

static void verdict_tls(struct ctx *c)
{
  const struct prb_tls_handshake *h = c->tls_fail;
  const struct prb_ctl_tls *ct;
  enum cstate st = prb_cls_ctl_tls(c, &ct);
  enum fclass f = h->failure ? prb_cls_fclass(h->failure) : F_VERIFY;
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
  enum cstate st = prb_cls_ctl_tcp(c, false);
  enum fclass f = prb_cls_fclass(c->tcp_fail->failure);
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

/* No request was made because every address the probe got is private or
 * loopback (a probe contacts none of them). */
static bool unreachable_everywhere(const struct ctx *c)
{
  if(!c->n_paddr || c->tcp_attempts)
    return false;
  for(size_t i = 0; i < c->n_paddr; i++)
    if(!prb_addr_is_bogon(&c->paddr[i]))
      return false;
  return true;
}

static void verdict_http_failure(struct ctx *c)
{
  enum cstate st = prb_cls_ctl_http(c->ctl);
  enum fclass f = prb_cls_fclass(c->http_failure);
  enum prb_method m = PRB_METHOD_HTTP;
  const char *detail;

  if(!c->http_failure) {
    ev(c->an, "HTTP: no request was made");
    if(unreachable_everywhere(c) && st == CS_FAIL) {
      ev(c->an, "HTTP: the control's fetch failed too (%s): the site's "
         "addresses are reachable from nowhere", fstr(c->ctl->http.failure));
      set_verdict(c, PRB_VERDICT_DOWN, PRB_METHOD_NONE, NULL, false);
    }
    return;
  }
  if(f == F_UNKNOWN) {
    ev(c->an, "HTTP: the probe's request to %s failed with %s: the "
       "probe's own error, which says nothing about the network",
       c->final ? c->final->url : c->obs->input, c->http_failure);
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
    st = prb_cls_ctl_http(c->ctl);
  if(st == CS_OK) {
    if(d->n_addrs)
      ev(c->an, "DNS: the control resolved it to %s%s", d->addrs[0],
         d->n_addrs > 1 ? " and more" : "");
    else
      ev(c->an, "DNS: the control fetched the page");
    set_verdict(c, PRB_VERDICT_BLOCKED, PRB_METHOD_DNS,
                dns_detail(prb_cls_fclass(c->dns_failure)), false);
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

/* Rule 7's second case: our resolver answered a name the control's says
 * does not exist, and the control could not fetch it. */
static bool dead_name(const struct ctx *c)
{
  return c->n_paddr && c->ctl->dns.present &&
         prb_cls_fclass(c->ctl->dns.failure) == F_NXDOMAIN &&
         prb_cls_ctl_http(c->ctl) != CS_OK &&
         !(c->final_ok && c->final_https);
}

static void verdict(struct ctx *c)
{
  verdict_steps(c);
  /* rule 15 */
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

  /* rule 1 */
  if(!c->ctl && in->canaries_ok == PRB_TRI_FALSE && !c->final_ok) {
    ev(c->an, "control unreachable (%s)", nz(in->control_failure,
                                              "no reply"));
    ev(c->an, "canary hosts unreachable too: the probe's own network is "
       "failing, which says nothing about this site");
    set_verdict(c, PRB_VERDICT_PROBE_OFFLINE, PRB_METHOD_NONE, NULL, false);
    return;
  }
  if(in->dns_fingerprint) {                                 /* rule 2 */
    ev_answers(c);
    ev(c->an, "DNS: an answer matches the known blocking fingerprint %s",
       in->dns_fingerprint);
    set_verdict(c, PRB_VERDICT_BLOCKED, PRB_METHOD_DNS, "dns.bogus_answer",
                true);
    return;
  }
  if(in->cert_fingerprint) {                                /* rule 3 */
    if(c->tls_fail)
      ev_chain(c, c->tls_fail);
    ev(c->an, "TLS: the chain contains the known interception certificate "
       "%s", in->cert_fingerprint);
    set_verdict(c, PRB_VERDICT_BLOCKED, PRB_METHOD_TLS, "tls.interception",
                true);
    return;
  }
  if(in->http_fingerprint) {                                /* rule 4 */
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
  if(decoy) {                                               /* rule 5 */
    ev_tls_failure(c, real);
    ev(c->an, "TLS: the same handshake with the decoy SNI %s completed "
       "in %.1f s: the name is filtered", decoy->server_name,
       decoy->t - decoy->t0);
    set_verdict(c, PRB_VERDICT_BLOCKED, PRB_METHOD_TLS, "tls.sni_filtered",
                true);
    return;
  }
  if(!c->ctl) {                                             /* rule 6 */
    ev(c->an, "no control measurement (%s): an outage cannot be told from "
       "blocking", nz(in->control_failure, "none asked"));
    ev_probe_summary(c);
    return;
  }
  if(c->dns_ran && !c->n_paddr && !(c->url_ok && c->url.host_is_ip)) {
    verdict_dns_failure(c);                                 /* rule 7 */
    return;
  }
  if(dead_name(c)) {                                        /* rule 7 */
    ev_answers(c);
    ev(c->an, "DNS: the control's lookup says the name does not exist "
       "(%s) and its fetch failed (%s): there is no site to block",
       c->ctl->dns.failure, fstr(c->ctl->http.failure));
    set_verdict(c, PRB_VERDICT_DOWN, PRB_METHOD_NONE, NULL, false);
    return;
  }
  if(c->out->dns_consistency == PRB_DNS_INCONSISTENT &&    /* rule 8 */
     c->ctl->dns.n_addrs &&
     !(c->final_ok && c->fetched_from_paddr &&
       (c->final_https || c->page_expected))) {
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
    verdict_tcp(c);                                         /* rule 9 */
    return;
  }
  if(c->tls_attempts && !c->tls_ok && !c->final_ok) {
    verdict_tls(c);                                         /* rule 10 */
    return;
  }
  if(c->redirect_broke && c->tls_last && !prb_cls_tls_done(c->tls_last)) {
    ev(c->an, "HTTP: %s answered status %ld and redirected; the next hop "
       "failed with %s", c->final->url, c->final->code,
       fstr(c->obs->http_experiment_failure));
    c->tls_fail = c->tls_last;
    verdict_tls(c);                                         /* rule 10 */
    return;
  }
  if(!c->final_ok) {
    verdict_http_failure(c);                                /* rule 11 */
    return;
  }
  verdict_http_success(c);                                  /* rules 12-14 */
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
  prb_cls_gather_dns(&c);
  prb_cls_gather_tcp_tls(&c);
  prb_cls_gather_http(&c);
  out->dns_consistency = prb_cls_dns_consistency(&c);
  prb_cls_http_compare(&c);
  prb_cls_ooni_blocking(&c);
  verdict(&c);
  prb_cls_confirmed_blocking(&c);
}
