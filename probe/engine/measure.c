/* measure.c: the state machine of one URL: DNS, connect, fetch, redirect.
 *
 * The GET goes over the first connection of ours that is usable (TCP
 * connected and, for https, the chain verified for the host), as soon as
 * it is: one TCP and one TLS handshake per endpoint, and the endpoints
 * still being measured go on meanwhile. A redirect hop gets its own
 * connection (conn.c) and GET (http1.c) the same way; its TCP or TLS
 * failure is the request's, as a browser would see it. */
#include "engine/measure_int.h"
#include "ooni/failure.h"
#include "engine/loop.h"
#include "common/addr.h"
#include "ooni/record.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* Go's http client words this failure so; OONI records it as unknown. */
#define PRB_FAIL_REDIRECTS "unknown_failure: stopped after 10 redirects"
#define PRB_FAIL_BAD_REDIRECT "http_unexpected_redirect_url"

static void start_connect(struct prb_meas *m);
static void start_hop(struct prb_meas *m);

const struct prb_obs *prb_meas_obs(const struct prb_meas *m)
{
  return &m->obs;
}

double prb_meas_started(const struct prb_meas *m)
{
  return m->t_base;
}

bool prb_meas_reached(const struct prb_meas *m)
{
  return m->reached;
}

static double rel(const struct prb_meas *m)
{
  return prb_now() - m->t_base;
}

/* Seconds left of the whole measurement's budget. */
double prb_meas_remaining(const struct prb_meas *m)
{
  if(m->e->meas_deadline <= 0)
    return 1e9;
  double left = m->e->meas_deadline - rel(m);
  return left > 0.001 ? left : 0.001;
}

/* One step's deadline: the step's own, within the measurement's. */
static double step_deadline(const struct prb_meas *m)
{
  double left = prb_meas_remaining(m);
  return m->e->step_deadline < left ? m->e->step_deadline : left;
}

static void on_kick(void *arg)
{
  struct prb_meas *m = arg;
  m->done(m->arg, m);
}

/* Done when our steps and the control are both over; completes from the
 * loop, so no caller is inside a callback of ours. */
void prb_meas_maybe_complete(struct prb_meas *m)
{
  if(!m->steps_done || (m->want_control && !m->ctl_done) ||
     m->state == ST_DONE)
    return;
  m->state = ST_DONE;
  m->obs.test_runtime = rel(m);
  prb_timer_stop(m->e->loop, &m->deadline);
  prb_timer_start(m->e->loop, &m->kick, 0, on_kick, m);
}

static void finish(struct prb_meas *m)
{
  m->steps_done = true;
  prb_meas_maybe_complete(m);
}

/* The last request is recorded (or none can be made): our steps are over
 * once the endpoints still being measured are too. */
static void chain_over(struct prb_meas *m)
{
  m->chain_over = true;
  if(!m->conns_pending)
    finish(m);
}

static void close_streams(struct prb_meas *m)
{
  for(size_t i = 0; i < m->n_eps; i++)
    if(m->eps[i].stream.fd >= 0)
      prb_stream_close(&m->eps[i].stream, true);
}

void prb_meas_free(struct prb_meas *m)
{
  if(!m)
    return;
  prb_timer_stop(m->e->loop, &m->kick);
  prb_timer_stop(m->e->loop, &m->deadline);
  for(size_t i = 0; i < m->n_lookups; i++)
    prb_dns_cancel(m->lookups[i].lk);
  for(size_t i = 0; i < m->n_eps; i++) {
    prb_conn_cancel(m->eps[i].conn);
    prb_conn_cancel(m->eps[i].decoy);
  }
  close_streams(m);
  prb_h1_cancel(m->fetch);
  prb_conn_cancel(m->hop_conn);
  prb_meas_control_free(m);
  prb_obs_free(&m->obs);
  free(m);
}

/* ---- DNS ------------------------------------------------------------ */

static bool have_hop_addr(const struct prb_meas *m, const char *ip)
{
  for(size_t i = 0; i < m->n_hop_addrs; i++)
    if(!strcmp(m->hop_addrs[i], ip))
      return true;
  return false;
}

/* Keeps a copy of the lookup in the record; system answers also become
 * candidate addresses for this hop. */
static void keep_query(struct prb_meas *m, struct prb_dns_query *q)
{
  struct prb_dns_query *slot = prb_obs_add_query(&m->obs);
  if(slot) {
    *slot = *q;
    q->raw = NULL;              /* the record owns it now */
  }
  if(q->system) {
    m->hop_failure[q->qtype == PRB_RR_A ? 0 : 1] = q->failure;
    for(size_t i = 0; i < q->n_answers; i++) {
      const struct prb_dns_answer *a = &q->answers[i];
      if(a->type == PRB_RR_CNAME || have_hop_addr(m, a->value) ||
         m->n_hop_addrs >= sizeof(m->hop_addrs) / sizeof(m->hop_addrs[0]))
        continue;
      snprintf(m->hop_addrs[m->n_hop_addrs++], PRB_IP_MAX, "%.45s", a->value);
    }
  }
}

/* What the system lookup of this hop failed with, NXDOMAIN first. */
static const char *hop_dns_failure(const struct prb_meas *m)
{
  if(m->n_hop_addrs)
    return NULL;
  for(int i = 0; i < 2; i++)
    if(m->hop_failure[i] && !strcmp(m->hop_failure[i], PRB_FAIL_NXDOMAIN))
      return m->hop_failure[i];
  if(m->hop_failure[0])
    return m->hop_failure[0];
  return m->hop_failure[1] ? m->hop_failure[1] : PRB_FAIL_NO_ANSWER;
}

/* A before AAAA: many volunteers have no IPv6 route. */
static void sort_v4_first(struct prb_meas *m)
{
  char tmp[2 * PRB_MAX_ADDRS][PRB_IP_MAX];
  size_t n = 0;
  for(int pass = 0; pass < 2; pass++)
    for(size_t i = 0; i < m->n_hop_addrs; i++)
      if((strchr(m->hop_addrs[i], ':') != NULL) == (pass == 1))
        memcpy(tmp[n++], m->hop_addrs[i], PRB_IP_MAX);
  memcpy(m->hop_addrs, tmp, n * PRB_IP_MAX);
}

/* Every lookup of the current state has answered or failed. */
static void dns_over(struct prb_meas *m)
{
  if(m->state == ST_DNS) {
    sort_v4_first(m);
    m->obs.dns_experiment_failure = hop_dns_failure(m);
    if(m->want_control)
      prb_meas_control_start(m); /* even after a failure: it resolves too */
    if(!m->n_hop_addrs && !m->n_extra) {
      finish(m);
      return;
    }
    start_connect(m);
  }
  else if(m->state == ST_HOP_DNS)
    start_hop(m);               /* answers are in: pick an address */
}

static void on_dns(void *arg, struct prb_dns_query *q)
{
  struct prb_meas *m = arg;
  for(size_t i = 0; i < m->n_lookups; i++)
    if(m->lookups[i].transaction_id == q->transaction_id) {
      m->lookups[i] = m->lookups[--m->n_lookups];
      break;
    }
  keep_query(m, q);
  if(--m->dns_pending == 0)
    dns_over(m);
}

static void lookup(struct prb_meas *m, struct prb_resolver *r)
{
  static const int qtypes[2] = {PRB_RR_A, PRB_RR_AAAA};
  for(int i = 0; i < 2; i++) {
    if(m->n_lookups == sizeof(m->lookups) / sizeof(m->lookups[0]))
      return;
    int txid = m->next_txid++;
    struct prb_dns_lookup *lk = prb_dns_lookup(r, m->url.host, qtypes[i],
                                               m->t_base, m->depth, txid,
                                               on_dns, m);
    if(!lk)
      continue;
    m->dns_pending++;
    m->lookups[m->n_lookups].lk = lk;
    m->lookups[m->n_lookups++].transaction_id = txid;
  }
}

static void start_dns(struct prb_meas *m)
{
  m->state = ST_DNS;
  m->dns_pending = 1;           /* held until every lookup has started */
  lookup(m, m->e->system);
  if(m->mode == PRB_MEAS_FULL)
    for(size_t i = 0; i < m->e->n_extra; i++)
      lookup(m, m->e->extra[i]);
  if(--m->dns_pending == 0)     /* every lookup ended at once */
    dns_over(m);
}

/* ---- TCP and TLS ---------------------------------------------------- */

static struct prb_meas_ep *endpoint_of(struct prb_meas *m, int txid)
{
  for(size_t i = 0; i < m->n_eps; i++)
    if(m->eps[i].transaction_id == txid)
      return &m->eps[i];
  return NULL;
}

static void keep_conn(struct prb_meas *m, struct prb_conn_result *res)
{
  if(res->local_ip[0])
    prb_scrub_add(m->e->scrub, res->local_ip);
  if(!res->tls.decoy) {
    struct prb_tcp_connect *tcp = prb_obs_add_tcp(&m->obs);
    if(tcp)
      *tcp = res->tcp;
    if(!res->tcp.failure)
      m->reached = true;
  }
  if(res->tls_attempted) {
    struct prb_tls_handshake *hs = prb_obs_add_tls(&m->obs);
    if(hs) {
      *hs = res->tls;
      res->tls.n_certs = 0;     /* the record owns the chain now */
    }
  }
}

static void start_get(struct prb_meas *m, struct prb_stream *s,
                      const char *ip, double t0, int txid);
static void start_hop_conn(struct prb_meas *m, const char *ip);

/* The endpoint to fetch through, as soon as there is one: any of ours
 * whose connection is usable; one of the probe's (the helper measuring
 * them) only when none of ours can be any more, so that the control's
 * page comes through its own DNS answer. */
static struct prb_meas_ep *pick(struct prb_meas *m)
{
  bool own_pending = false;
  for(size_t i = 0; i < m->n_eps; i++) {
    struct prb_meas_ep *ep = &m->eps[i];
    if(ep->port != m->url.port)
      continue;
    if(ep->conn && i < m->n_own)
      own_pending = true;
    else if(ep->stream.fd >= 0 && (i < m->n_own || !own_pending))
      return ep;
  }
  return NULL;
}

static void try_fetch(struct prb_meas *m)
{
  if(m->fetch_started || m->mode == PRB_MEAS_CANARY)
    return;
  struct prb_meas_ep *ep = pick(m);
  if(!ep)
    return;
  m->fetch_started = true;
  if(m->expired) {
    m->obs.http_experiment_failure = PRB_FAIL_TIMEOUT;
    close_streams(m);
    chain_over(m);
    return;
  }
  struct prb_stream s = ep->stream;
  ep->stream.fd = -1;
  ep->stream.ssl = NULL;
  close_streams(m);             /* the others are not needed */
  start_get(m, &s, ep->ip, rel(m), ep->transaction_id);
}

/* Every connect and decoy has ended. */
static void connects_over(struct prb_meas *m)
{
  if(m->mode == PRB_MEAS_CANARY) {
    finish(m);
    return;
  }
  if(m->fetch_started) {
    if(m->chain_over)
      finish(m);
    return;
  }
  m->fetch_started = true;
  if(m->expired) {
    m->obs.http_experiment_failure = PRB_FAIL_TIMEOUT;
    chain_over(m);
    return;
  }
  /* An endpoint that works, but whose connection cannot carry this GET
   * (http:// to port 443, which is measured with TLS as OONI's helper
   * does): a connection of its own, as a redirect hop gets. */
  for(size_t i = 0; i < m->n_eps; i++) {
    struct prb_meas_ep *ep = &m->eps[i];
    if(ep->port == m->url.port && ep->tcp_ok &&
       (strcmp(m->url.scheme, "https") || ep->verified)) {
      start_hop_conn(m, ep->ip);
      return;
    }
  }
  /* No endpoint to fetch through: the GET would fail as the first one
   * did, so that failure is the HTTP experiment's (as OONI's v0.4 would
   * record it), and no request is invented. */
  m->obs.http_experiment_failure = m->n_eps ? m->eps[0].failure :
                                   PRB_FAIL_REFUSED_ADDR;
  chain_over(m);
}

static void on_decoy(void *arg, struct prb_conn_result *res)
{
  struct prb_meas *m = arg;
  struct prb_meas_ep *ep = endpoint_of(m, res->tcp.transaction_id);
  if(ep)
    ep->decoy = NULL;
  keep_conn(m, res);
  if(--m->conns_pending == 0)
    connects_over(m);
}

/* A handshake that failed without a verdict on the certificate (timeout,
 * reset, EOF) after TCP worked: retry with a decoy name to see whether the
 * name itself is what is filtered. */
static bool wants_decoy(const struct prb_conn_result *res)
{
  const char *f = res->tls.failure;
  return res->tls_attempted && !res->tcp.failure && f && !res->tls_done;
}

static void start_decoy(struct prb_meas *m, struct prb_meas_ep *ep)
{
  struct prb_conn_params p;
  memset(&p, 0, sizeof(p));
  p.ip = ep->ip;
  p.port = ep->port;
  p.tls = m->e->tls;
  p.sni = m->e->decoy_sni;
  p.verify_name = NULL;
  p.decoy = true;
  p.t_base = m->t_base;
  p.tcp_deadline = m->e->step_deadline;
  p.tls_deadline = m->e->step_deadline;
  p.transaction_id = ep->transaction_id;
  m->conns_pending++;
  ep->decoy = prb_conn_start(m->e->loop, &p, on_decoy, m);
  if(!ep->decoy)
    m->conns_pending--;
}

static void on_conn(void *arg, struct prb_conn_result *res)
{
  struct prb_meas *m = arg;
  struct prb_meas_ep *ep = endpoint_of(m, res->tcp.transaction_id);
  if(ep) {
    ep->conn = NULL;
    ep->tcp_ok = !res->tcp.failure;
    ep->verified = res->verified;
    ep->failure = res->tcp.failure ? res->tcp.failure : res->tls.failure;
    if(!m->fetch_started && res->stream.fd >= 0) {
      ep->stream = res->stream;
      res->stream.fd = -1;      /* ours now */
    }
    if(m->mode == PRB_MEAS_FULL && wants_decoy(res) && m->e->decoy_sni &&
       m->e->decoy_sni[0])
      start_decoy(m, ep);
  }
  keep_conn(m, res);
  try_fetch(m);
  if(--m->conns_pending == 0)
    connects_over(m);
}

/* Refused addresses are recorded as a connect that was never made. */
static void record_refused(struct prb_meas *m, const char *ip, int port)
{
  struct prb_tcp_connect *tcp = prb_obs_add_tcp(&m->obs);
  if(!tcp)
    return;
  snprintf(tcp->ip, sizeof(tcp->ip), "%s", ip);
  tcp->port = port;
  tcp->failure = PRB_FAIL_REFUSED_ADDR;
  tcp->t0 = tcp->t = rel(m);
  tcp->transaction_id = m->next_txid++;
}

/* True when ip is the address never to contact, or carries it. */
static bool is_never(const struct prb_meas *m, const char *ip)
{
  struct prb_addr a, v4;
  if(!m->has_never || !prb_addr_parse(ip, &a))
    return false;
  prb_addr_unmap(&a);
  return prb_addr_equal(&a, &m->never) ||
         (prb_addr_embedded_v4(&a, &v4) && prb_addr_equal(&v4, &m->never));
}

/* Never this host itself (any of its addresses, a service listening on
 * all of them is loopback in effect) nor the LAN it sits on (the
 * volunteer's router and printer); the helper, in addition, never private
 * or reserved space (labs excepted: their sites live there), nor the
 * asking probe's own address (the helper is no scanner of its users'
 * homes). */
bool prb_meas_allowed(const struct prb_meas *m, const char *ip)
{
  const struct prb_engine *e = m->e;
  if(!prb_addr_text_may_contact(ip) || is_never(m, ip))
    return false;
  if(m->mode == PRB_MEAS_CONTROL && e->allow_bogons)
    return true;
  if(prb_scrub_contains(e->scrub, ip) ||
     prb_localnets_contains(&e->localnets, ip))
    return false;
  return m->mode != PRB_MEAS_CONTROL || !prb_addr_text_is_bogon(ip);
}

static void add_endpoint(struct prb_meas *m, const char *ip, int port,
                         bool own)
{
  for(size_t i = 0; i < m->n_eps; i++)
    if(m->eps[i].port == port && !strcmp(m->eps[i].ip, ip))
      return;
  if(!prb_meas_allowed(m, ip)) {
    record_refused(m, ip, port);
    return;
  }
  if(m->n_eps >= sizeof(m->eps) / sizeof(m->eps[0]) ||
     (own && m->n_own >= PRB_MAX_ENDPOINTS))
    return;
  m->n_own += own;
  bool https = !strcmp(m->url.scheme, "https");
  struct prb_meas_ep *ep = &m->eps[m->n_eps++];
  snprintf(ep->ip, sizeof(ep->ip), "%.45s", ip);
  ep->port = port;
  ep->stream.fd = -1;
  /* As OONI's helper does: TLS on the URL's port for https, and on 443
   * whatever the scheme. */
  ep->tls = m->mode != PRB_MEAS_CANARY &&
            ((https && port == m->url.port) || port == 443);
  ep->transaction_id = m->next_txid++;
}

static void start_connect(struct prb_meas *m)
{
  m->state = ST_CONNECT;
  for(size_t i = 0; i < m->n_hop_addrs; i++)
    add_endpoint(m, m->hop_addrs[i], m->url.port, true);
  for(size_t i = 0; i < m->n_extra; i++) {
    char ip[PRB_IP_MAX];
    prb_addr_format(&m->extra[i], ip, sizeof(ip));
    add_endpoint(m, ip, m->extra[i].port, false);
  }
  m->conns_pending = 1;         /* held until every connect has started */
  for(size_t i = 0; i < m->n_eps; i++) {
    struct prb_meas_ep *ep = &m->eps[i];
    struct prb_conn_params p;
    memset(&p, 0, sizeof(p));
    p.ip = ep->ip;
    p.port = ep->port;
    p.tls = ep->tls ? m->e->tls : NULL;
    p.sni = m->url.host_is_ip ? NULL : m->url.host;
    p.verify_name = m->url.host;
    p.t_base = m->t_base;
    p.tcp_deadline = m->e->step_deadline;
    p.tls_deadline = m->e->step_deadline;
    p.transaction_id = ep->transaction_id;
    /* The connection the GET may go over: the URL's port, with TLS
     * exactly when the URL is https. */
    p.keep = m->mode != PRB_MEAS_CANARY && ep->port == m->url.port &&
             ep->tls == !strcmp(m->url.scheme, "https");
    m->conns_pending++;
    ep->conn = prb_conn_start(m->e->loop, &p, on_conn, m);
    if(!ep->conn) {
      m->conns_pending--;
      ep->failure = PRB_FAIL_UNKNOWN;
    }
  }
  if(--m->conns_pending == 0)
    connects_over(m);
}

/* ---- HTTP and redirects --------------------------------------------- */

static const char *header_value(const struct prb_http_request *req,
                                const char *name)
{
  for(size_t i = 0; i < req->n_headers; i++)
    if(!strcasecmp(req->headers[i].name, name))
      return req->headers[i].value;
  return NULL;
}

static bool is_redirect(long code)
{
  return code == 301 || code == 302 || code == 303 || code == 307 ||
         code == 308;
}

/* A request that could not be made (or whose connection failed) still
 * belongs in the record. ip NULL: no address was chosen. */
static void record_failed_request(struct prb_meas *m, const char *failure,
                                  const char *ip, double t0, int txid)
{
  struct prb_http_request *req = prb_obs_add_request(&m->obs);
  if(req) {
    prb_url_format(&m->url, req->url, sizeof(req->url));
    if(ip)
      prb_addr_endpoint_text(ip, m->url.port, req->address,
                             sizeof(req->address));
    req->failure = failure;
    req->depth = m->depth;
    req->t0 = t0;
    req->t = rel(m);
    req->transaction_id = txid;
  }
  m->obs.http_experiment_failure = failure;
}

static void record_refused_request(struct prb_meas *m, const char *failure)
{
  record_failed_request(m, failure, NULL, rel(m), m->next_txid++);
}

static void on_fetch(void *arg, struct prb_http_request *req)
{
  struct prb_meas *m = arg;
  m->fetch = NULL;
  const char *location = req->failure ? NULL : header_value(req, "location");
  long code = req->code;
  struct prb_url next;
  const char *reason = NULL;
  bool follow = location && is_redirect(code) &&
                prb_url_resolve(&m->url, location, &next, &reason) == 0;
  if(location && is_redirect(code) && !follow)
    m->obs.http_experiment_failure = PRB_FAIL_BAD_REDIRECT;

  const char *failure = req->failure;
  struct prb_http_request *slot = prb_obs_add_request(&m->obs);
  if(slot)
    *slot = *req;
  else                          /* over the cap: drop the bytes */
    prb_obs_request_free(req);
  if(failure) {
    m->obs.http_experiment_failure = failure;
    chain_over(m);
    return;
  }
  if(!follow) {
    chain_over(m);
    return;
  }
  if(m->depth >= PRB_MAX_REDIRECTS) {
    m->obs.http_experiment_failure = PRB_FAIL_REDIRECTS;
    chain_over(m);
    return;
  }
  m->url = next;
  m->depth++;
  m->n_hop_addrs = 0;
  m->hop_failure[0] = m->hop_failure[1] = NULL;
  if(m->url.host_is_ip) {
    snprintf(m->hop_addrs[0], PRB_IP_MAX, "%.45s", m->url.host);
    m->n_hop_addrs = 1;
    start_hop(m);
    return;
  }
  m->state = ST_HOP_DNS;
  m->dns_pending = 1;
  lookup(m, m->e->system);
  if(--m->dns_pending == 0)
    dns_over(m);
}

static void start_get(struct prb_meas *m, struct prb_stream *s,
                      const char *ip, double t0, int txid)
{
  char url[PRB_URL_MAX];
  m->state = ST_FETCH;
  if(prb_url_format(&m->url, url, sizeof(url)) < 0) {
    prb_stream_close(s, true);
    record_refused_request(m, PRB_FAIL_BAD_REDIRECT);
    chain_over(m);
    return;
  }
  struct prb_h1_params p;
  memset(&p, 0, sizeof(p));
  p.url = url;
  p.host = m->url.host;
  p.port = m->url.port;
  p.https = !strcmp(m->url.scheme, "https");
  p.target = m->url.path;
  p.ip = ip;
  p.t_base = m->t_base;
  p.t0 = t0;
  p.deadline = step_deadline(m);
  p.depth = m->depth;
  p.transaction_id = txid;
  /* The helper tells a page's real length, not the part it keeps. */
  p.count_body = m->mode == PRB_MEAS_CONTROL;
  m->fetch = prb_h1_get(m->e->loop, s, &p, on_fetch, m);
  if(!m->fetch) {
    record_failed_request(m, PRB_FAIL_UNKNOWN, ip, t0, txid);
    chain_over(m);
  }
}

/* A redirect hop's connection: over, the GET; failed, the request's
 * failure (as libcurl's connect was, before). */
static void on_hop_conn(void *arg, struct prb_conn_result *res)
{
  struct prb_meas *m = arg;
  m->hop_conn = NULL;
  if(res->local_ip[0])
    prb_scrub_add(m->e->scrub, res->local_ip);
  if(res->stream.fd < 0) {
    const char *f = res->tcp.failure ? res->tcp.failure :
                    res->tls.failure ? res->tls.failure : PRB_FAIL_UNKNOWN;
    record_failed_request(m, f, m->hop_ip, m->hop_t0, m->hop_txid);
    chain_over(m);
    return;
  }
  struct prb_stream s = res->stream;
  res->stream.fd = -1;
  start_get(m, &s, m->hop_ip, m->hop_t0, m->hop_txid);
}

static void start_hop_conn(struct prb_meas *m, const char *ip)
{
  m->state = ST_FETCH;
  snprintf(m->hop_ip, sizeof(m->hop_ip), "%s", ip);
  m->hop_t0 = rel(m);
  m->hop_txid = m->next_txid++;
  bool https = !strcmp(m->url.scheme, "https");
  struct prb_conn_params p;
  memset(&p, 0, sizeof(p));
  p.ip = m->hop_ip;
  p.port = m->url.port;
  p.tls = https ? m->e->tls : NULL;
  p.sni = m->url.host_is_ip ? NULL : m->url.host;
  p.verify_name = m->url.host;
  p.t_base = m->t_base;
  p.tcp_deadline = step_deadline(m);
  p.tls_deadline = m->e->step_deadline;
  p.transaction_id = m->hop_txid;
  p.keep = true;
  m->hop_conn = prb_conn_start(m->e->loop, &p, on_hop_conn, m);
  if(!m->hop_conn) {
    record_failed_request(m, PRB_FAIL_UNKNOWN, ip, m->hop_t0, m->hop_txid);
    chain_over(m);
  }
}

/* Picks the first address of this hop the policy allows, and connects. */
static void start_hop(struct prb_meas *m)
{
  sort_v4_first(m);
  if(m->expired) {
    record_refused_request(m, PRB_FAIL_TIMEOUT);
    chain_over(m);
    return;
  }
  if(!m->n_hop_addrs) {
    m->obs.http_experiment_failure = hop_dns_failure(m);
    chain_over(m);
    return;
  }
  for(size_t i = 0; i < m->n_hop_addrs; i++)
    if(prb_meas_allowed(m, m->hop_addrs[i])) {
      start_hop_conn(m, m->hop_addrs[i]);
      return;
    }
  record_refused_request(m, PRB_FAIL_REFUSED_ADDR);
  chain_over(m);
}

/* The whole measurement's budget: what is in flight when it runs out ends
 * as a timeout; steps already over keep their results. */
static void on_deadline(void *arg)
{
  struct prb_meas *m = arg;
  m->expired = true;
  prb_meas_control_expire(m);
  if(m->state == ST_FETCH && (m->fetch || m->hop_conn)) {
    prb_h1_cancel(m->fetch);
    prb_conn_cancel(m->hop_conn);
    m->fetch = NULL;
    m->hop_conn = NULL;
    record_refused_request(m, PRB_FAIL_TIMEOUT);
    chain_over(m);
  }
  else if(m->state == ST_HOP_DNS) {
    for(size_t i = 0; i < m->n_lookups; i++)
      prb_dns_cancel(m->lookups[i].lk);
    m->n_lookups = 0;
    m->dns_pending = 0;
    record_refused_request(m, PRB_FAIL_TIMEOUT);
    chain_over(m);
  }
  /* DNS and connect steps end by their own deadlines and see expired. */
}

static struct prb_meas *start(struct prb_engine *e, const struct prb_url *url,
                              enum prb_meas_mode mode,
                              const struct prb_addr *extra, size_t n_extra,
                              const struct prb_addr *never,
                              prb_meas_done done, void *arg)
{
  struct prb_meas *m = calloc(1, sizeof(*m));
  if(!m)
    return NULL;
  m->e = e;
  m->mode = mode;
  m->done = done;
  m->arg = arg;
  m->url = *url;
  m->t_base = prb_now();
  m->next_txid = 1;
  prb_timer_init(&m->kick);
  prb_timer_init(&m->deadline);
  if(n_extra > PRB_CTL_MAX_REQ_ENDPOINTS)
    n_extra = PRB_CTL_MAX_REQ_ENDPOINTS;
  if(n_extra)
    memcpy(m->extra, extra, n_extra * sizeof(*extra));
  m->n_extra = n_extra;
  if(never) {
    m->never = *never;
    m->never.port = 0;
    prb_addr_unmap(&m->never);
    m->has_never = true;
  }
  m->want_control = mode == PRB_MEAS_FULL && e->n_controls > 0;
  if(e->meas_deadline > 0)
    prb_timer_start(e->loop, &m->deadline, e->meas_deadline, on_deadline, m);
  prb_url_format(url, m->obs.input, sizeof(m->obs.input));
  prb_record_time(m->obs.measurement_start_time, prb_wall());
  snprintf(m->obs.client_resolver, sizeof(m->obs.client_resolver), "%s",
           prb_resolver_ip(e->system));
  if(url->host_is_ip) {
    snprintf(m->hop_addrs[0], PRB_IP_MAX, "%.45s", url->host);
    m->n_hop_addrs = 1;
    if(m->want_control)
      prb_meas_control_start(m);
    start_connect(m);
  }
  else
    start_dns(m);
  return m;
}

struct prb_meas *prb_meas_start(struct prb_engine *e, const struct prb_url *url,
                                enum prb_meas_mode mode,
                                const struct prb_addr *extra,
                                size_t n_extra, prb_meas_done done,
                                void *arg)
{
  return start(e, url, mode, extra, n_extra, NULL, done, arg);
}

struct prb_meas *prb_meas_start_control(struct prb_engine *e,
                                        const struct prb_url *url,
                                        const struct prb_addr *extra,
                                        size_t n_extra,
                                        const struct prb_addr *never,
                                        prb_meas_done done, void *arg)
{
  return start(e, url, PRB_MEAS_CONTROL, extra, n_extra, never, done, arg);
}
