/* classify_ctx.h: what the classifier's three files share. Private to
 * them (classify.c: our verdict; classify_ooni.c: OONI's keys;
 * classify_facts.c: what the observations and the control's reply say,
 * gathered once): nothing else includes it.
 *
 * Vocabulary. "probe addresses": A/AAAA answers of the depth-0 lookups of
 * the URL's host (the system resolver's when any is marked so). A "real"
 * handshake uses the URL's host as SNI; a "decoy" one does not. A step
 * "failed" when it was attempted and never succeeded on any endpoint.
 * Failure names are compared after mapping the legacy helper's names
 * (prb_control_failure_canon). "Control OK/FAIL" for a step means the
 * control's result for the same endpoints, or, when it has none, its HTTP
 * fetch.
 */
#ifndef PRB_CLASSIFY_CTX_H
#define PRB_CLASSIFY_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "analysis/classify.h"
#include "common/addr.h"
#include "common/url.h"

#define MAX_PADDR 64            /* probe addresses considered */

/* What a failure string means for the rules. */
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
  F_REDIRECT,   /* a redirect the probe could not follow: the response came */
  F_UNKNOWN,    /* "unknown_failure ...": the probe's own error */
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
  const struct prb_tls_handshake *tls_last; /* the last real one */

  /* HTTP */
  const struct prb_http_request *final;
  bool final_ok;
  bool final_https;
  const char *http_failure;
  bool redirect_broke;          /* a redirect was followed, and the next hop
                                   failed before any request (OONI v0.5
                                   records only the experiment failure) */
  bool fetched_from_paddr;      /* the final request went to an address of
                                   the probe's resolver (or says none) */
  char title[PRB_CTL_TITLE_MAX];
  bool page_expected;           /* OONI's diff says "same page" */
};

/* ---- classify_facts.c ---------------------------------------------------- */

enum fclass prb_cls_fclass(const char *f);
unsigned char prb_cls_lower_ascii(unsigned char b);
bool prb_cls_eq_nocase(const char *a, size_t alen, const char *b,
                       size_t blen);
bool prb_cls_addr_in(const struct prb_addr *a, const struct prb_addr *set,
                     size_t n);
bool prb_cls_tcp_endpoint(const struct prb_tcp_connect *t,
                          struct prb_addr *ep);
/* A real handshake that completed and verified. */
bool prb_cls_tls_done(const struct prb_tls_handshake *h);

/* Gathering the facts into c, once, before any rule. */
void prb_cls_gather_dns(struct ctx *c);
void prb_cls_gather_tcp_tls(struct ctx *c);
void prb_cls_gather_http(struct ctx *c);

/* How the control's fetch went. */
enum cstate prb_cls_ctl_http(const struct prb_control *ctl);
/* The control's TCP result for the endpoints we failed to reach;
 * entries_only ignores its fetch (for OONI's keys). */
enum cstate prb_cls_ctl_tcp(const struct ctx *c, bool entries_only);
/* The control's TLS result for the endpoints where ours failed; *first
 * gets the control's entry for the first of them, NULL if it has none. */
enum cstate prb_cls_ctl_tls(const struct ctx *c,
                            const struct prb_ctl_tls **first);
/* What a request would have hit when none was made. */
const char *prb_cls_standin_failure(const struct ctx *c);

/* ---- classify_ooni.c ----------------------------------------------------- */

/* OONI's dns_consistency (c->dns_why says why, for evidence). */
enum prb_dns_consistency prb_cls_dns_consistency(struct ctx *c);
/* body_proportion, *_match and c->page_expected. */
void prb_cls_http_compare(struct ctx *c);
/* OONI's blocking and accessible (v0.4 Summarize). */
void prb_cls_ooni_blocking(struct ctx *c);
/* After our verdict: a fingerprint's proof overrides v0.4's page diff. */
void prb_cls_confirmed_blocking(struct ctx *c);

#endif
