/* dns.c: c-ares channels in our epoll loop, one question per lookup. */
#include "engine/dns.h"
#include "common/caps.h"
#include "ooni/failure.h"

#include <arpa/inet.h>
#include <ares.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define PRB_DNS_RCVBUF (4 << 20) /* the default drops answers past ~200 */

struct prb_resolver {
  struct prb_loop *loop;
  ares_channel channel;
  struct prb_timer timer;
  double deadline;              /* seconds a lookup may take, all tries */
  bool system;
  char address[PRB_ENDPOINT_MAX];
  char ip[PRB_IP_MAX];
};

/* A lookup is freed once c-ares has called back (answered) and its
 * owner is done with it (finished: delivered, timed out or cancelled). */
struct prb_dns_lookup {
  struct prb_resolver *r;
  struct prb_loop *loop;
  prb_dns_done done;
  void *arg;
  double t_base;
  bool starting;                /* inside ares_query() */
  bool answered;                /* c-ares has called back */
  bool finished;                /* the owner was told, or left */
  struct prb_timer kick;        /* delivers an answer that came at once */
  struct prb_timer deadline;    /* our own bound on the whole lookup */
  struct prb_dns_query q;
};

bool prb_dns_global_init(void)
{
  return ares_library_init(ARES_LIB_INIT_ALL) == ARES_SUCCESS;
}

void prb_dns_global_cleanup(void)
{
  ares_library_cleanup();
}

static void rearm(struct prb_resolver *r);

static void on_timer(void *arg)
{
  struct prb_resolver *r = arg;
  ares_process_fd(r->channel, ARES_SOCKET_BAD, ARES_SOCKET_BAD);
  rearm(r);
}

/* Keeps one timer at c-ares's next retry or timeout, if any query waits. */
static void rearm(struct prb_resolver *r)
{
  struct timeval tv;
  if(!ares_timeout(r->channel, NULL, &tv)) {
    prb_timer_stop(r->loop, &r->timer);
    return;
  }
  double delay = (double)tv.tv_sec + (double)tv.tv_usec / 1e6;
  prb_timer_start(r->loop, &r->timer, delay, on_timer, r);
}

static void on_io(void *arg, int fd, unsigned events)
{
  struct prb_resolver *r = arg;
  ares_socket_t rfd = (events & (PRB_IO_READ | PRB_IO_ERROR)) ?
                      fd : ARES_SOCKET_BAD;
  ares_socket_t wfd = (events & PRB_IO_WRITE) ? fd : ARES_SOCKET_BAD;
  ares_process_fd(r->channel, rfd, wfd);
  rearm(r);
}

static void on_sock_state(void *data, ares_socket_t fd, int readable,
                          int writable)
{
  struct prb_resolver *r = data;
  unsigned ev = (readable ? PRB_IO_READ : 0u) | (writable ? PRB_IO_WRITE : 0u);
  prb_loop_watch(r->loop, fd, ev, on_io, r);
}

/* Splits "IP", "IP:PORT" or "[IPv6]:PORT" into a c-ares servers string.
 * Refuses anything that is not an address literal. */
static bool server_csv(const char *server, char *csv, size_t csvlen,
                       char *why, size_t whylen)
{
  char host[PRB_IP_MAX] = "";
  long port = 53;
  const char *p;
  unsigned char buf[16];
  if(server[0] == '[') {
    const char *end = strchr(server, ']');
    if(!end || (size_t)(end - server - 1) >= sizeof(host))
      goto bad;
    memcpy(host, server + 1, (size_t)(end - server - 1));
    host[end - server - 1] = 0;
    p = end + 1;
  }
  else {
    const char *colon = strchr(server, ':');
    if(colon && strchr(colon + 1, ':'))
      colon = NULL;               /* a bare IPv6 address */
    size_t hl = colon ? (size_t)(colon - server) : strlen(server);
    if(hl >= sizeof(host))
      goto bad;
    memcpy(host, server, hl);
    host[hl] = 0;
    p = server + hl;
  }
  if(*p == ':') {
    char *end;
    port = strtol(p + 1, &end, 10);
    if(end == p + 1 || *end || port < 1 || port > 65535)
      goto bad;
  }
  else if(*p)
    goto bad;
  bool v6 = inet_pton(AF_INET6, host, buf) == 1;
  if(!v6 && inet_pton(AF_INET, host, buf) != 1)
    goto bad;
  snprintf(csv, csvlen, v6 ? "[%s]:%ld" : "%s:%ld", host, port);
  return true;
bad:
  snprintf(why, whylen, "resolver '%s' is not IP[:PORT] or [IPv6]:PORT",
           server);
  return false;
}

/* Remembers the first server, for the record's resolver fields. */
static void note_first_server(struct prb_resolver *r)
{
  struct ares_addr_port_node *servers = NULL;
  if(ares_get_servers_ports(r->channel, &servers) != ARES_SUCCESS || !servers)
    return;
  char ip[PRB_IP_MAX] = "";
  int port = servers->udp_port ? servers->udp_port : 53;
  if(servers->family == AF_INET)
    inet_ntop(AF_INET, &servers->addr.addr4, ip, sizeof(ip));
  else if(servers->family == AF_INET6)
    inet_ntop(AF_INET6, &servers->addr.addr6, ip, sizeof(ip));
  if(ip[0]) {
    snprintf(r->ip, sizeof(r->ip), "%s", ip);
    snprintf(r->address, sizeof(r->address),
             servers->family == AF_INET6 ? "[%s]:%d" : "%s:%d", ip, port);
  }
  ares_free_data(servers);
}

struct prb_resolver *prb_resolver_new(struct prb_loop *loop,
                                      const char *server, double deadline,
                                      char *why, size_t whylen)
{
  char csv[PRB_ENDPOINT_MAX + 8];
  if(server && !server_csv(server, csv, sizeof(csv), why, whylen))
    return NULL;
  struct prb_resolver *r = calloc(1, sizeof(*r));
  if(!r) {
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  r->loop = loop;
  r->system = !server;
  r->deadline = deadline;
  prb_timer_init(&r->timer);

  /* Two tries; c-ares doubles the timeout on the second pass (its defaults
   * would take 75 s). With several servers it tries each in turn, so a
   * timer of ours also holds every lookup to the deadline. */
  struct ares_options o;
  memset(&o, 0, sizeof(o));
  int mask = ARES_OPT_SOCK_STATE_CB | ARES_OPT_TIMEOUTMS | ARES_OPT_TRIES |
             ARES_OPT_LOOKUPS | ARES_OPT_SOCK_RCVBUF | ARES_OPT_FLAGS;
  o.sock_state_cb = on_sock_state;
  o.sock_state_cb_data = r;
  o.timeout = (int)(deadline * 1000.0 / 3.0);
  if(o.timeout < 100)
    o.timeout = 100;
  o.tries = 2;
  o.lookups = (char *)"b";
  o.socket_receive_buffer_size = PRB_DNS_RCVBUF;
  /* NOCHECKRESP: a SERVFAIL or REFUSED answer is an observation to keep,
   * not a reason to ask another server. */
  o.flags = ARES_FLAG_NOCHECKRESP;
  int rc = ares_init_options(&r->channel, &o, mask);
  if(rc != ARES_SUCCESS) {
    snprintf(why, whylen, "cannot start the resolver: %s", ares_strerror(rc));
    free(r);
    return NULL;
  }
  if(server) {
    rc = ares_set_servers_ports_csv(r->channel, csv);
    if(rc != ARES_SUCCESS) {
      snprintf(why, whylen, "resolver '%s': %s", server, ares_strerror(rc));
      ares_destroy(r->channel);
      free(r);
      return NULL;
    }
  }
  note_first_server(r);
  return r;
}

void prb_resolver_free(struct prb_resolver *r)
{
  if(!r)
    return;
  prb_timer_stop(r->loop, &r->timer);
  ares_destroy(r->channel);     /* callbacks see ARES_EDESTRUCTION */
  free(r);
}

const char *prb_resolver_address(const struct prb_resolver *r)
{
  return r->address;
}

const char *prb_resolver_ip(const struct prb_resolver *r)
{
  return r->ip;
}

bool prb_resolver_is_system(const struct prb_resolver *r)
{
  return r->system;
}

static void add_answer(struct prb_dns_query *q, int type, const char *value,
                       uint32_t ttl)
{
  if(q->n_answers >= PRB_MAX_ADDRS)
    return;
  struct prb_dns_answer *a = &q->answers[q->n_answers++];
  a->type = type;
  snprintf(a->value, sizeof(a->value), "%s", value);
  a->ttl = ttl;
}

/* The CNAME c-ares followed, when the owner name differs from the query. */
static void add_cname(struct prb_dns_query *q, const struct hostent *he)
{
  if(he && he->h_name && strcasecmp(he->h_name, q->hostname))
    add_answer(q, PRB_RR_CNAME, he->h_name, 0);
}

void prb_dns_parse(struct prb_dns_query *q, int status,
                   const unsigned char *abuf, int alen)
{
  q->rcode = -1;
  q->n_answers = 0;
  if(abuf && alen >= 12)
    q->rcode = abuf[3] & 0x0f;
  if(q->rcode > 0) {
    q->failure = prb_failure_rcode(q->rcode);
    return;
  }
  if(q->rcode < 0) {
    q->failure = prb_failure_ares(status ? status : ARES_EBADRESP);
    return;
  }
  struct hostent *he = NULL;
  int rc;
  char text[PRB_IP_MAX];
  if(q->qtype == PRB_RR_A) {
    struct ares_addrttl ttls[PRB_MAX_ADDRS];
    int n = PRB_MAX_ADDRS;
    rc = ares_parse_a_reply(abuf, alen, &he, ttls, &n);
    if(rc == ARES_SUCCESS) {
      add_cname(q, he);
      for(int i = 0; i < n; i++) {
        inet_ntop(AF_INET, &ttls[i].ipaddr, text, sizeof(text));
        add_answer(q, PRB_RR_A, text, (uint32_t)(ttls[i].ttl < 0 ? 0 :
                                                 ttls[i].ttl));
      }
    }
  }
  else {
    struct ares_addr6ttl ttls[PRB_MAX_ADDRS];
    int n = PRB_MAX_ADDRS;
    rc = ares_parse_aaaa_reply(abuf, alen, &he, ttls, &n);
    if(rc == ARES_SUCCESS) {
      add_cname(q, he);
      for(int i = 0; i < n; i++) {
        inet_ntop(AF_INET6, &ttls[i].ip6addr, text, sizeof(text));
        add_answer(q, PRB_RR_AAAA, text, (uint32_t)(ttls[i].ttl < 0 ? 0 :
                                                    ttls[i].ttl));
      }
    }
  }
  if(he)
    ares_free_hostent(he);
  if(rc == ARES_ENODATA)
    q->failure = PRB_FAIL_NO_ANSWER;
  else if(rc != ARES_SUCCESS)
    q->failure = prb_failure_ares(rc);
  else
    q->failure = NULL;
}

static void release(struct prb_dns_lookup *lk)
{
  prb_timer_stop(lk->loop, &lk->kick);
  prb_timer_stop(lk->loop, &lk->deadline);
  free(lk->q.raw);
  free(lk);
}

/* Tells the owner (once); frees the lookup if c-ares is done with it. */
static void deliver(struct prb_dns_lookup *lk)
{
  lk->finished = true;
  prb_timer_stop(lk->loop, &lk->kick);
  prb_timer_stop(lk->loop, &lk->deadline);
  if(lk->done)
    lk->done(lk->arg, &lk->q);
  free(lk->q.raw);
  lk->q.raw = NULL;
  if(lk->answered)
    release(lk);
}

static void on_kick(void *arg)
{
  deliver(arg);
}

/* The server never answered in time (tries to several servers can take a
 * multiple of the deadline): a timeout, whatever c-ares does later. */
static void on_deadline(void *arg)
{
  struct prb_dns_lookup *lk = arg;
  lk->q.t = prb_now() - lk->t_base;
  lk->q.rcode = -1;
  lk->q.n_answers = 0;
  lk->q.failure = PRB_FAIL_TIMEOUT;
  deliver(lk);
}

static void on_answer(void *arg, int status, int timeouts,
                      unsigned char *abuf, int alen)
{
  struct prb_dns_lookup *lk = arg;
  lk->answered = true;
  if(lk->finished) {
    release(lk);                /* told already, or nobody waits */
    return;
  }
  struct prb_dns_query *q = &lk->q;
  q->t = prb_now() - lk->t_base;
  if(status == ARES_EDESTRUCTION) {
    q->rcode = -1;
    q->failure = PRB_FAIL_INTERRUPTED;  /* the run is ending */
  }
  else {
    prb_dns_parse(q, status, abuf, alen);
    if(abuf && alen > 0 && alen <= PRB_DNS_RAW_MAX) {
      q->raw = malloc((size_t)alen);
      if(q->raw) {
        memcpy(q->raw, abuf, (size_t)alen);
        q->raw_len = (size_t)alen;
      }
    }
  }
  if(!lk->starting)
    deliver(lk);
}

void prb_dns_cancel(struct prb_dns_lookup *lk)
{
  if(!lk || lk->finished)
    return;
  lk->done = NULL;
  lk->finished = true;
  prb_timer_stop(lk->loop, &lk->kick);
  prb_timer_stop(lk->loop, &lk->deadline);
  if(lk->answered)
    release(lk);
}

struct prb_dns_lookup *prb_dns_lookup(struct prb_resolver *r,
                                      const char *name, int qtype,
                                      double t_base, int depth,
                                      int transaction_id, prb_dns_done done,
                                      void *arg)
{
  struct prb_dns_lookup *lk = calloc(1, sizeof(*lk));
  if(!lk)
    return NULL;
  lk->r = r;
  lk->loop = r->loop;
  lk->done = done;
  lk->arg = arg;
  lk->t_base = t_base;
  prb_timer_init(&lk->kick);
  prb_timer_init(&lk->deadline);
  struct prb_dns_query *q = &lk->q;
  snprintf(q->hostname, sizeof(q->hostname), "%s", name);
  q->qtype = qtype;
  snprintf(q->resolver, sizeof(q->resolver), "%s", r->address);
  q->system = r->system;
  q->rcode = -1;
  q->depth = depth;
  q->transaction_id = transaction_id;
  q->t0 = prb_now() - t_base;
  lk->starting = true;
  ares_query(r->channel, name, 1 /* C_IN */, qtype, on_answer, lk);
  lk->starting = false;
  /* c-ares fails some lookups at once: deliver those from the loop, so
   * callers never see done() before this returns. */
  if(lk->answered)
    prb_timer_start(r->loop, &lk->kick, 0, on_kick, lk);
  else
    prb_timer_start(r->loop, &lk->deadline, r->deadline, on_deadline, lk);
  rearm(r);
  return lk;
}
