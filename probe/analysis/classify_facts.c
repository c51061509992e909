/* classify_facts.c: what one measurement's observations and the
 * control's reply say, gathered once into the classifier's context, and
 * the small judgements both rule sets use (what a failure string means,
 * how the control fared on the same endpoints). Pure. */
#include "analysis/classify_ctx.h"
#include "common/title.h"

#include <string.h>

enum fclass prb_cls_fclass(const char *f)
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
  if(!strncmp(f, "http_invalid_redirect", 21) ||
     !strncmp(f, "http_unexpected_redirect", 24))
    return F_REDIRECT;
  if(!strncmp(f, "unknown_failure", 15))
    return F_UNKNOWN;
  return F_OTHER;
}

unsigned char prb_cls_lower_ascii(unsigned char b)
{
  return (b >= 'A' && b <= 'Z') ? (unsigned char)(b + 32) : b;
}

bool prb_cls_eq_nocase(const char *a, size_t alen, const char *b, size_t blen)
{
  size_t i;

  if(alen != blen)
    return false;
  for(i = 0; i < alen; i++)
    if(prb_cls_lower_ascii((unsigned char)a[i]) !=
       prb_cls_lower_ascii((unsigned char)b[i]))
      return false;
  return true;
}

static bool streq_nocase(const char *a, const char *b)
{
  return prb_cls_eq_nocase(a, strlen(a), b, strlen(b));
}

/* Replaces, in place, every byte that does not start a valid UTF-8
 * sequence (RFC 3629) or is a control character with '?'. */





bool prb_cls_addr_in(const struct prb_addr *a,
                    const struct prb_addr *set, size_t n)
{
  size_t i;

  for(i = 0; i < n; i++)
    if(prb_addr_equal(a, &set[i]))
      return true;
  return false;
}

bool prb_cls_tcp_endpoint(const struct prb_tcp_connect *t,
                         struct prb_addr *ep)
{
  if(prb_addr_parse_endpoint(t->ip, true, ep) || ep->port)
    return false;
  ep->port = t->port;
  return true;
}

bool prb_cls_tls_done(const struct prb_tls_handshake *h)
{
  return !h->failure && !h->x_verify_error[0];
}

static bool query_counts(const struct ctx *c, const struct prb_dns_query *q,
                         bool want_system)
{
  if(q->depth != 0 || (want_system && !q->system))
    return false;
  return !c->url_ok || streq_nocase(q->hostname, c->url.host);
}

void prb_cls_gather_dns(struct ctx *c)
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
         prb_cls_addr_in(&bin, c->paddr, c->n_paddr) || c->n_paddr == MAX_PADDR)
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

void prb_cls_gather_tcp_tls(struct ctx *c)
{
  const struct prb_obs *o = c->obs;
  size_t i;

  for(i = 0; i < o->n_tcp; i++) {
    const struct prb_tcp_connect *t = &o->tcp[i];
    if(t->failure && prb_cls_fclass(t->failure) == F_UNREACH &&
       strchr(t->ip, ':'))
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
    c->tls_last = h;
    if(prb_cls_tls_done(h)) {
      c->tls_ok++;
      /* a verified handshake for the host vouches for the address */
      if((!c->url_ok || streq_nocase(h->server_name, c->url.host)) &&
         !prb_addr_parse_endpoint(h->address, false, &ep) &&
         prb_cls_addr_in(&ep, c->paddr, c->n_paddr))
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

/* A failure of the network (not of the probe, not of the site's own
 * redirect): what ends a fetch that a redirect had sent on. */
static bool network_failure(const char *f)
{
  enum fclass k = prb_cls_fclass(f);
  return k != F_NONE && k != F_REDIRECT && k != F_UNKNOWN && k != F_OTHER;
}

void prb_cls_gather_http(struct ctx *c)
{
  const struct prb_obs *o = c->obs;

  c->fetched_from_paddr = true;
  if(o->n_requests) {
    const struct prb_http_request *f = &o->requests[o->n_requests - 1];
    struct prb_addr ep;
    c->final = f;
    /* a redirect the probe would not follow still brought a response */
    c->final_ok = f->code > 0 &&
                  (!f->failure || prb_cls_fclass(f->failure) == F_REDIRECT);
    c->final_https = !strncmp(f->url, "https://", 8);
    c->http_failure = f->failure;
    if(f->code > 0)
      prb_title_ooni(f->body, f->body_len, c->title, sizeof(c->title));
    if(c->final_ok && !f->failure && f->code / 100 == 3 &&
       network_failure(o->http_experiment_failure)) {
      c->final_ok = false;
      c->redirect_broke = true;
    }
    if(f->address[0] && !prb_addr_parse_endpoint(f->address, false, &ep)) {
      ep.port = 0;
      c->fetched_from_paddr = prb_cls_addr_in(&ep, c->paddr, c->n_paddr);
    }
  }
  if(!c->final_ok && !c->http_failure)
    c->http_failure = o->http_experiment_failure;
}

/* How the control's fetch went. */
enum cstate prb_cls_ctl_http(const struct prb_control *ctl)
{
  if(!ctl->http.present)
    return CS_UNKNOWN;
  if(ctl->http.failure[0])
    return CS_FAIL;
  return ctl->http.status_code > 0 ? CS_OK : CS_UNKNOWN;
}

/* The control's TCP result for the endpoints we failed to reach;
 * entries_only ignores its fetch (for OONI's keys). */
enum cstate prb_cls_ctl_tcp(const struct ctx *c, bool entries_only)
{
  bool found = false;
  size_t i, j;

  for(i = 0; i < c->obs->n_tcp; i++) {
    struct prb_addr ep;
    if(!c->obs->tcp[i].failure || !prb_cls_tcp_endpoint(&c->obs->tcp[i], &ep))
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
    return prb_cls_ctl_http(c->ctl) == CS_OK ? CS_MIXED : CS_FAIL;
  return prb_cls_ctl_http(c->ctl);
}

/* The control's TLS result for the endpoints where ours failed; *first
 * gets the control's entry for the first of them, NULL if it has none. */
enum cstate prb_cls_ctl_tls(const struct ctx *c,
                                 const struct prb_ctl_tls **first)
{
  bool found = false;
  size_t i, j;

  *first = NULL;
  for(i = 0; i < c->obs->n_tls; i++) {
    const struct prb_tls_handshake *h = &c->obs->tls[i];
    struct prb_addr ep;
    if(h->decoy || prb_cls_tls_done(h) ||
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
    return prb_cls_ctl_http(c->ctl) == CS_OK ? CS_MIXED : CS_FAIL;
  return c->https ? prb_cls_ctl_http(c->ctl) : CS_UNKNOWN;
}

/* What a request would have hit when none was made: the HTTP failure,
 * else TLS's, TCP's, DNS's (v0.4 always attempted the GET). */
const char *prb_cls_standin_failure(const struct ctx *c)
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
