/* httpd.c: libmicrohttpd in our loop, hardened (see httpd.h): our own
 * accept with caps and clean refusals, deadlines, slots, answers. */
#include "servers/httpd.h"
#include "servers/httpd_head.h"
#include "servers/httpd_share.h"
#include "common/addr.h"
#include "common/buf.h"
#include "common/caps.h"
#include "common/clock.h"

#include <errno.h>
#include <jansson.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define TICK 0.25               /* seconds between deadline sweeps */
#define LINGER_TIME 1.0         /* seconds a refused client has to read */
#define ACCEPT_PAUSE 0.25       /* seconds without accepting when out of fds */

/* One TCP connection, from our accept to libmicrohttpd's close. */
struct conn {
  struct MHD_Connection *mc;
  int fd;
  struct prb_addr peer;         /* its client key */
  double since;                 /* sending its current request since */
  bool busy;                    /* its request is in: no deadline */
  bool dying;                   /* shut down by us; libmicrohttpd closes it */
  struct prb_hreq *rq;
  struct conn *prev, *next;
};

struct prb_hreq {
  struct prb_httpd *h;
  struct conn *c;               /* NULL when we could not track it */
  struct MHD_Connection *mc;
  const char *method, *path;    /* libmicrohttpd's, valid until the end */
  struct prb_buf body;
  char client[PRB_IP_MAX];      /* "" when unknown */
  struct prb_share_waiter wait; /* key: the client's key */
  double wait_until;
  void (*go)(void *arg, struct prb_hreq *rq);
  bool handed, answered, gone, suspended, has_slot;
  bool in_open;                 /* in h->open */
  unsigned status, retry_after;
  char *answer;
  void *data;
  struct prb_hreq *prev, *next; /* in h->open: handed, not answered */
};

struct lingering {
  int fd;
  double until;
};

struct prb_httpd {
  struct prb_loop *loop;
  struct prb_httpd_opts o;
  struct prb_httpd_calls calls;
  void *arg;
  int lfd;
  struct MHD_Daemon *d;
  int mhd_fd;
  struct prb_timer mhd_timer, tick, slot_timer, accept_timer;
  struct conn *conns;
  unsigned n_live;              /* open and not dying */
  struct prb_share share;
  struct prb_hreq *open;
  struct lingering linger[PRB_HTTPD_LINGER_MAX];
  size_t n_linger;
  struct prb_addr adding;       /* the peer MHD_add_connection is adding */
  bool adding_started;
  struct prb_httpd_stats st;
  bool stopping;                /* no more timers: h is about to go */
  double log_window;
  unsigned log_lines, log_dropped;
};

/* ---- driving libmicrohttpd from the loop ------------------------------- */

static void run_mhd(struct prb_httpd *h);

static void on_mhd_timer(void *arg)
{
  run_mhd(arg);
}

/* MHD_run, then its next timeout as our timer. Every path that changes a
 * connection (accept, shutdown, resume) ends here or arms the timer at
 * once, so libmicrohttpd never waits for an event that will not come. */
static void run_mhd(struct prb_httpd *h)
{
  MHD_run(h->d);
  MHD_UNSIGNED_LONG_LONG ms;
  if(MHD_get_timeout(h->d, &ms) == MHD_YES)
    prb_timer_start(h->loop, &h->mhd_timer, (double)ms / 1000.0,
                    on_mhd_timer, h);
  else
    prb_timer_stop(h->loop, &h->mhd_timer);
}

static void kick_mhd(struct prb_httpd *h)
{
  if(!h->stopping)
    prb_timer_start(h->loop, &h->mhd_timer, 0.0, on_mhd_timer, h);
}

static void on_mhd_io(void *arg, int fd, unsigned events)
{
  run_mhd(arg);
}

static void on_tick(void *arg);

static void arm_tick(struct prb_httpd *h)
{
  if(!h->stopping && !prb_timer_armed(&h->tick))
    prb_timer_start(h->loop, &h->tick, TICK, on_tick, h);
}

/* libmicrohttpd's own messages, at most PRB_HTTPD_LOG_PER_MINUTE. */
static void on_mhd_log(void *arg, const char *fmt, va_list ap)
{
  struct prb_httpd *h = arg;
  double now = prb_now();
  if(now - h->log_window >= 60.0) {
    if(h->log_dropped)
      fprintf(stderr, "accessprobe: %u more libmicrohttpd messages not "
              "shown\n", h->log_dropped);
    h->log_window = now;
    h->log_lines = h->log_dropped = 0;
  }
  if(h->log_lines++ >= PRB_HTTPD_LOG_PER_MINUTE) {
    h->log_dropped++;
    return;
  }
  fputs("accessprobe: libmicrohttpd: ", stderr);
  vfprintf(stderr, fmt, ap);
}

/* ---- answers ----------------------------------------------------------- */

static char *error_json(const char *why)
{
  json_t *o = json_pack("{s:s}", "error", why);
  char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  return text;
}

static enum MHD_Result queue(struct prb_hreq *rq)
{
  const char *text = rq->answer ? rq->answer : "{\"error\":\"out of memory\"}";
  struct MHD_Response *resp = MHD_create_response_from_buffer(
    strlen(text), (void *)(uintptr_t)text, MHD_RESPMEM_MUST_COPY);
  if(!resp)
    return MHD_NO;
  MHD_add_response_header(resp, "Content-Type", "application/json");
  MHD_add_response_header(resp, "Cache-Control", "no-store");
  if(rq->status == MHD_HTTP_SERVICE_UNAVAILABLE) {
    char v[16];
    snprintf(v, sizeof(v), "%u", rq->retry_after ? rq->retry_after :
             rq->h->o.retry_after);
    MHD_add_response_header(resp, "Retry-After", v);
  }
  if(rq->status == MHD_HTTP_METHOD_NOT_ALLOWED)
    MHD_add_response_header(resp, "Allow", "GET, HEAD, POST");
  enum MHD_Result r = MHD_queue_response(rq->mc, rq->status, resp);
  MHD_destroy_response(resp);
  return r;
}

static void link_open(struct prb_hreq *rq)
{
  struct prb_httpd *h = rq->h;
  rq->in_open = true;
  rq->prev = NULL;
  rq->next = h->open;
  if(h->open)
    h->open->prev = rq;
  h->open = rq;
}

static void unlink_open(struct prb_hreq *rq)
{
  struct prb_httpd *h = rq->h;
  if(!rq->in_open)
    return;
  if(rq->prev)
    rq->prev->next = rq->next;
  else
    h->open = rq->next;
  if(rq->next)
    rq->next->prev = rq->prev;
  rq->prev = rq->next = NULL;
  rq->in_open = false;
}

static void on_slots(void *arg);

/* rq gives back its slot or its place in the queue. */
static void give_back(struct prb_hreq *rq)
{
  struct prb_httpd *h = rq->h;
  prb_share_leave(&h->share, &rq->wait);
  if(rq->has_slot) {
    rq->has_slot = false;
    prb_share_release(&h->share, &rq->wait.key);
    /* The next waiter starts from the loop, not inside this call. */
    if(!h->stopping)
      prb_timer_start(h->loop, &h->slot_timer, 0.0, on_slots, h);
  }
}

static void wake(struct prb_hreq *rq)
{
  if(rq->suspended) {
    rq->suspended = false;
    MHD_resume_connection(rq->mc);
    kick_mhd(rq->h);
  }
}

void prb_hreq_answer(struct prb_hreq *rq, unsigned status, const char *json,
                     unsigned retry_after)
{
  if(rq->answered || rq->gone)
    return;
  unlink_open(rq);
  rq->answered = true;
  rq->status = status;
  rq->retry_after = retry_after;
  rq->answer = strdup(json ? json : "{}");
  give_back(rq);
  wake(rq);
}

void prb_hreq_error(struct prb_hreq *rq, unsigned status, const char *why)
{
  char *text = error_json(why);
  prb_hreq_answer(rq, status, text, 0);
  free(text);
}

/* rq ends without the server's answer: the server forgets it (the
 * caller has set answered or gone, so nothing answers it meanwhile). */
static void cancel(struct prb_hreq *rq)
{
  struct prb_httpd *h = rq->h;
  bool was_open = rq->in_open;
  unlink_open(rq);
  give_back(rq);
  if(was_open && h->calls.cancel)
    h->calls.cancel(h->arg, rq);
}

/* The client left before its answer. */
static void gone(struct prb_hreq *rq)
{
  rq->h->st.gone++;
  rq->gone = true;
  cancel(rq);
  wake(rq);                     /* libmicrohttpd closes it (on_access) */
}

/* No slot for rq: 503, the server's work for it cancelled. */
static void busy(struct prb_hreq *rq)
{
  rq->h->st.busy++;
  rq->answered = true;
  cancel(rq);
  rq->status = MHD_HTTP_SERVICE_UNAVAILABLE;
  rq->answer = error_json("too many requests in flight; try again later");
  wake(rq);
}

/* ---- slots ------------------------------------------------------------- */

void prb_hreq_wait_slot(struct prb_hreq *rq,
                        void (*go)(void *arg, struct prb_hreq *rq))
{
  struct prb_httpd *h = rq->h;
  rq->go = go;
  switch(prb_share_ask(&h->share, &rq->wait)) {
  case PRB_SHARE_GRANTED:
    rq->has_slot = true;
    go(h->arg, rq);
    break;
  case PRB_SHARE_QUEUED:
    rq->wait_until = prb_now() + h->o.slot_wait;
    arm_tick(h);
    break;
  case PRB_SHARE_FULL:
    busy(rq);
    break;
  }
}

static void on_slots(void *arg)
{
  struct prb_httpd *h = arg;
  struct prb_share_waiter *w;
  while((w = prb_share_next(&h->share))) {
    struct prb_hreq *rq = (struct prb_hreq *)(void *)
      ((char *)w - offsetof(struct prb_hreq, wait));
    rq->has_slot = true;
    rq->go(h->arg, rq);
  }
}

/* ---- connections ------------------------------------------------------- */

static void linger_close(struct prb_httpd *h, size_t i)
{
  prb_loop_watch(h->loop, h->linger[i].fd, 0, NULL, NULL);
  close(h->linger[i].fd);
  h->linger[i] = h->linger[--h->n_linger];
}

/* A refused client's bytes: read and dropped until it closes. */
static void on_linger(void *arg, int fd, unsigned events)
{
  struct prb_httpd *h = arg;
  char scratch[4096];
  ssize_t n;
  while((n = recv(fd, scratch, sizeof(scratch), MSG_DONTWAIT)) > 0)
    ;
  if(n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return;
  for(size_t i = 0; i < h->n_linger; i++)
    if(h->linger[i].fd == fd) {
      linger_close(h, i);
      return;
    }
}

static void refuse_conn(struct prb_httpd *h, int fd, const char *why)
{
  char body[160], msg[512];
  h->st.refused_conns++;
  snprintf(body, sizeof(body), "{\"error\":\"%s\"}", why);
  int n = snprintf(msg, sizeof(msg), "HTTP/1.1 503 Service Unavailable\r\n"
                   "Content-Type: application/json\r\n"
                   "Cache-Control: no-store\r\nRetry-After: %u\r\n"
                   "Connection: close\r\nContent-Length: %zu\r\n\r\n%s",
                   h->o.retry_after, strlen(body), body);
  if(send(fd, msg, (size_t)n, MSG_NOSIGNAL | MSG_DONTWAIT) < 0 ||
     h->n_linger == PRB_HTTPD_LINGER_MAX) {
    close(fd);
    return;
  }
  /* Closing now, with the client's request unread, would send a reset
   * that may destroy our answer before it is read: read and drop what
   * comes for a moment first. */
  shutdown(fd, SHUT_WR);
  if(!prb_loop_watch(h->loop, fd, PRB_IO_READ, on_linger, h)) {
    close(fd);
    return;
  }
  h->linger[h->n_linger].fd = fd;
  h->linger[h->n_linger++].until = prb_now() + LINGER_TIME;
  arm_tick(h);
}

static void drop_conn(struct prb_httpd *h, struct conn *c)
{
  if(c->dying)
    return;
  c->dying = true;
  h->n_live--;
  shutdown(c->fd, SHUT_RDWR);   /* libmicrohttpd sees it and closes */
  kick_mhd(h);
}

/* At the cap: the connection that has been idle or sending its request
 * the longest, when that is over PRB_HTTPD_EVICT_AFTER, makes room. */
static bool evict_one(struct prb_httpd *h)
{
  double now = prb_now();
  struct conn *oldest = NULL;
  for(struct conn *c = h->conns; c; c = c->next)
    if(!c->busy && !c->dying && now - c->since > PRB_HTTPD_EVICT_AFTER &&
       (!oldest || c->since < oldest->since))
      oldest = c;
  if(!oldest)
    return false;
  h->st.evicted++;
  drop_conn(h, oldest);
  return true;
}

static void admit(struct prb_httpd *h, int fd, const struct sockaddr *sa,
                  socklen_t len)
{
  struct prb_addr peer, key;
  if(!prb_addr_from_sockaddr(sa, &peer)) {
    close(fd);
    return;
  }
  prb_client_key(&peer, &key);
  if(h->n_live >= h->o.max_connections && !evict_one(h)) {
    refuse_conn(h, fd, "too many connections; try again later");
    return;
  }
  if(!prb_share_conn_open(&h->share, &key)) {
    refuse_conn(h, fd, "too many connections from your address");
    return;
  }
  h->adding = key;
  h->adding_started = false;
  if(MHD_add_connection(h->d, fd, sa, len) != MHD_YES &&
     !h->adding_started)
    prb_share_conn_close(&h->share, &key); /* the fd is closed */
}

static void on_accept_timer(void *arg);

static void on_listen(void *arg, int fd, unsigned events)
{
  struct prb_httpd *h = arg;
  for(int i = 0; i < PRB_HTTPD_ACCEPT_BATCH; i++) {
    struct sockaddr_storage ss;
    socklen_t len = sizeof(ss);
    int c = accept4(fd, (struct sockaddr *)&ss, &len,
                    SOCK_NONBLOCK | SOCK_CLOEXEC);
    if(c >= 0) {
      admit(h, c, (struct sockaddr *)&ss, len);
      continue;
    }
    if(errno == EINTR || errno == ECONNABORTED)
      continue;
    if(errno != EAGAIN && errno != EWOULDBLOCK) {
      /* Out of descriptors or memory: the socket stays readable, so stop
       * watching it for a moment rather than spin. */
      prb_loop_watch(h->loop, h->lfd, 0, NULL, NULL);
      prb_timer_start(h->loop, &h->accept_timer, ACCEPT_PAUSE,
                      on_accept_timer, h);
    }
    break;
  }
  run_mhd(h);
}

static void on_accept_timer(void *arg)
{
  struct prb_httpd *h = arg;
  prb_loop_watch(h->loop, h->lfd, PRB_IO_READ, on_listen, h);
}

static void on_notify(void *cls, struct MHD_Connection *mc,
                      void **socket_context,
                      enum MHD_ConnectionNotificationCode code)
{
  struct prb_httpd *h = cls;
  struct conn *c = *socket_context;
  if(code == MHD_CONNECTION_NOTIFY_STARTED) {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
      mc, MHD_CONNECTION_INFO_CONNECTION_FD);
    h->adding_started = true;
    c = calloc(1, sizeof(*c));
    if(!c) {
      prb_share_conn_close(&h->share, &h->adding);
      if(ci)
        shutdown(ci->connect_fd, SHUT_RDWR);
      return;
    }
    c->mc = mc;
    c->fd = ci ? ci->connect_fd : -1;
    c->peer = h->adding;
    c->since = prb_now();
    c->next = h->conns;
    if(h->conns)
      h->conns->prev = c;
    h->conns = c;
    h->n_live++;
    *socket_context = c;
    arm_tick(h);
    return;
  }
  if(!c)
    return;
  if(c->prev)
    c->prev->next = c->next;
  else
    h->conns = c->next;
  if(c->next)
    c->next->prev = c->prev;
  if(!c->dying)
    h->n_live--;
  prb_share_conn_close(&h->share, &c->peer);
  free(c);
  *socket_context = NULL;
}

/* ---- the deadline sweep ------------------------------------------------ */

/* Clients of suspended requests that went away (libmicrohttpd does not
 * watch a suspended connection): one poll() for up to 64 at a time. */
static void find_gone(struct prb_httpd *h)
{
  struct prb_hreq *batch[64];
  struct pollfd pfd[64];
  struct prb_hreq *rq = h->open;
  while(rq) {
    nfds_t n = 0;
    for(; rq && n < 64; rq = rq->next)
      if(rq->suspended && rq->c && rq->c->fd >= 0) {
        batch[n] = rq;
        pfd[n].fd = rq->c->fd;
        pfd[n].events = POLLRDHUP;
        pfd[n++].revents = 0;
      }
    if(!n || poll(pfd, n, 0) <= 0)
      continue;
    for(nfds_t i = 0; i < n; i++)
      if(pfd[i].revents & (POLLRDHUP | POLLHUP | POLLERR))
        gone(batch[i]);         /* rq's next is read before: unlinked ok */
  }
}

static void on_tick(void *arg)
{
  struct prb_httpd *h = arg;
  double now = prb_now();
  for(struct conn *c = h->conns; c; c = c->next)
    if(!c->busy && !c->dying && now - c->since > h->o.request_timeout) {
      h->st.timed_out++;
      drop_conn(h, c);
    }
  for(size_t i = 0; i < h->n_linger; )
    if(now >= h->linger[i].until)
      linger_close(h, i);
    else
      i++;
  for(struct prb_hreq *rq = h->open, *next; rq; rq = next) {
    next = rq->next;
    if(rq->wait.queued && now >= rq->wait_until)
      busy(rq);
  }
  find_gone(h);
  if(h->conns || h->n_linger)
    arm_tick(h);
}

/* ---- requests ---------------------------------------------------------- */

struct head_scan {
  struct prb_head_facts f;
  const char *xff;              /* the last X-Forwarded-For line */
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind,
                                   const char *key, const char *value)
{
  struct head_scan *s = cls;
  if(!strcasecmp(key, "Host"))
    s->f.n_host++;
  else if(!strcasecmp(key, "Content-Length")) {
    if(!s->f.n_length++)
      s->f.length = value;
  }
  else if(!strcasecmp(key, "Transfer-Encoding"))
    s->f.n_transfer_encoding++;
  else if(!strcasecmp(key, "X-Forwarded-For"))
    s->xff = value;
  return MHD_YES;
}

/* Who asks: the peer, or behind our own proxy the last X-Forwarded-For
 * entry (without one we can read, the client is unknown, counted as the
 * proxy). */
static void note_client(struct prb_hreq *rq, const char *xff)
{
  struct prb_addr a;
  bool known = false;
  if(rq->h->o.trust_forwarded_for)
    known = xff && prb_forwarded_last(xff, strlen(xff), &a);
  else {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
      rq->mc, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    known = ci && prb_addr_from_sockaddr(ci->client_addr, &a);
  }
  if(known) {
    prb_addr_unmap(&a);
    a.port = 0;
    prb_addr_format(&a, rq->client, sizeof(rq->client));
    prb_client_key(&a, &rq->wait.key);
  }
  else if(rq->c)
    rq->wait.key = rq->c->peer;
}

static enum MHD_Result refuse_early(struct prb_hreq *rq, unsigned status,
                                    const char *why)
{
  rq->answered = true;
  rq->status = status;
  rq->answer = error_json(why ? why : "refused");
  return queue(rq);
}

/* The first call for a request: its head is in, its body not yet read. */
static enum MHD_Result begin(struct prb_httpd *h, struct MHD_Connection *mc,
                             const char *path, const char *method,
                             const char *version, void **con_cls)
{
  struct prb_hreq *rq = calloc(1, sizeof(*rq));
  if(!rq)
    return MHD_NO;
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
    mc, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
  rq->h = h;
  rq->mc = mc;
  rq->c = ci ? ci->socket_context : NULL;
  rq->method = method;
  rq->path = path;
  prb_buf_init(&rq->body, 0);
  *con_cls = rq;
  if(rq->c)
    rq->c->rq = rq;

  struct head_scan s;
  memset(&s, 0, sizeof(s));
  s.f.method = method;
  s.f.version = version;
  MHD_get_connection_values(mc, MHD_HEADER_KIND, scan_header, &s);
  note_client(rq, s.xff);
  size_t announced, max = h->o.body_max;
  const char *why;
  unsigned status = prb_head_check(&s.f, SIZE_MAX, &announced, &why);
  if(!status && h->calls.head)
    status = h->calls.head(h->arg, rq, &max, &why);
  if(status)
    return refuse_early(rq, status, why);
  if(announced > max) {
    char text[80];
    snprintf(text, sizeof(text), "request body over %zu bytes", max);
    return refuse_early(rq, MHD_HTTP_CONTENT_TOO_LARGE, text);
  }
  rq->body.max = max;
  return MHD_YES;
}

static enum MHD_Result on_access(void *cls, struct MHD_Connection *mc,
                                 const char *path, const char *method,
                                 const char *version, const char *data,
                                 size_t *data_size, void **con_cls)
{
  struct prb_httpd *h = cls;
  struct prb_hreq *rq = *con_cls;
  if(!rq)
    return begin(h, mc, path, method, version, con_cls);
  if(rq->gone)
    return MHD_NO;              /* its client left: close */
  if(*data_size) {
    /* Content-Length was checked against the cap: TOOBIG cannot happen */
    if(prb_buf_add(&rq->body, data, *data_size) != PRB_BUF_OK)
      return MHD_NO;
    *data_size = 0;
    return MHD_YES;
  }
  if(!rq->handed && !rq->answered) {
    rq->handed = true;
    if(rq->c)
      rq->c->busy = true;
    link_open(rq);
    h->st.requests++;
    h->calls.request(h->arg, rq);
  }
  if(rq->gone)
    return MHD_NO;
  if(rq->answered)
    return queue(rq);
  if(!rq->suspended) {
    rq->suspended = true;
    MHD_suspend_connection(mc);
  }
  return MHD_YES;
}

static void on_completed(void *cls, struct MHD_Connection *mc,
                         void **con_cls, enum MHD_RequestTerminationCode toe)
{
  struct prb_hreq *rq = *con_cls;
  *con_cls = NULL;
  if(!rq)
    return;
  if(!rq->answered && !rq->gone) {
    rq->gone = true;
    cancel(rq);
  }
  if(rq->c) {
    rq->c->rq = NULL;
    rq->c->busy = false;
    rq->c->since = prb_now();   /* the next request's deadline starts */
  }
  prb_buf_free(&rq->body);
  free(rq->answer);
  free(rq);
}

const char *prb_hreq_method(const struct prb_hreq *rq)
{
  return rq->method;
}

const char *prb_hreq_path(const struct prb_hreq *rq)
{
  return rq->path;
}

const char *prb_hreq_header(const struct prb_hreq *rq, const char *name)
{
  return MHD_lookup_connection_value(rq->mc, MHD_HEADER_KIND, name);
}

const char *prb_hreq_body(const struct prb_hreq *rq, size_t *len)
{
  *len = rq->body.len;
  return rq->body.p ? rq->body.p : "";
}

const char *prb_hreq_client(const struct prb_hreq *rq)
{
  return rq->client;
}

void prb_hreq_set_data(struct prb_hreq *rq, void *data)
{
  rq->data = data;
}

void *prb_hreq_data(const struct prb_hreq *rq)
{
  return rq->data;
}

/* ---- the server -------------------------------------------------------- */

static int listen_on(const char *text, char *why, size_t whylen)
{
  struct prb_addr a;
  struct sockaddr_storage ss;
  socklen_t len;
  if(prb_addr_parse_endpoint(text, false, &a) < 0 ||
     !(len = prb_addr_to_sockaddr(&a, &ss))) {
    snprintf(why, whylen, "--listen takes IP:PORT or [IPv6]:PORT, not "
             "\"%s\"", text);
    return -1;
  }
  int fd = socket(ss.ss_family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC,
                  0);
  int one = 1;
  if(fd >= 0)
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
  if(fd >= 0 && ss.ss_family == AF_INET6)
    setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof(one));
  if(fd < 0 || bind(fd, (struct sockaddr *)&ss, len) < 0 ||
     listen(fd, 256) < 0) {
    snprintf(why, whylen, "cannot listen on %s: %s", text, strerror(errno));
    if(fd >= 0)
      close(fd);
    return -1;
  }
  return fd;
}

struct prb_httpd *prb_httpd_start(struct prb_loop *loop,
                                  const struct prb_httpd_opts *o,
                                  const struct prb_httpd_calls *calls,
                                  void *arg, char *why, size_t whylen)
{
  struct prb_httpd *h = calloc(1, sizeof(*h));
  if(!h) {
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  h->loop = loop;
  h->o = *o;
  h->calls = *calls;
  h->arg = arg;
  if(!h->o.max_connections)
    h->o.max_connections = 1;
  if(!h->o.max_per_peer)
    h->o.max_per_peer = (h->o.max_connections + 1) / 2;
  if(h->o.request_timeout <= 0)
    h->o.request_timeout = PRB_HTTPD_DEFAULT_TIMEOUT;
  if(h->o.slot_wait <= 0)
    h->o.slot_wait = PRB_HTTPD_DEFAULT_SLOT_WAIT;
  if(!h->o.retry_after)
    h->o.retry_after = PRB_HTTPD_DEFAULT_RETRY_AFTER;
  prb_share_init(&h->share, h->o.slots, h->o.slots_per_client,
                 h->o.max_per_peer);
  h->lfd = listen_on(o->listen, why, whylen);
  if(h->lfd < 0) {
    prb_share_free(&h->share);
    free(h);
    return NULL;
  }
  /* Connections we shut down stay counted by libmicrohttpd until it
   * closes them: room for as many again. */
  h->d = MHD_start_daemon(
    MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME | MHD_USE_NO_LISTEN_SOCKET |
    (o->quiet ? 0 : MHD_USE_ERROR_LOG), 0, NULL, NULL, on_access, h,
    MHD_OPTION_EXTERNAL_LOGGER, on_mhd_log, h,      /* first, or ignored */
    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
    MHD_OPTION_NOTIFY_CONNECTION, on_notify, h,
    MHD_OPTION_CONNECTION_LIMIT, 2 * h->o.max_connections,
    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(h->o.request_timeout + 1),
    MHD_OPTION_END);
  const union MHD_DaemonInfo *info = h->d ? MHD_get_daemon_info(
    h->d, MHD_DAEMON_INFO_EPOLL_FD) : NULL;
  if(!info || !prb_loop_watch(loop, info->epoll_fd, PRB_IO_READ, on_mhd_io,
                              h) ||
     !prb_loop_watch(loop, h->lfd, PRB_IO_READ, on_listen, h)) {
    snprintf(why, whylen, "cannot start libmicrohttpd");
    if(info)
      prb_loop_watch(loop, info->epoll_fd, 0, NULL, NULL);
    if(h->d)
      MHD_stop_daemon(h->d);
    close(h->lfd);
    prb_share_free(&h->share);
    free(h);
    return NULL;
  }
  h->mhd_fd = info->epoll_fd;
  run_mhd(h);
  return h;
}

void prb_httpd_stop(struct prb_httpd *h)
{
  if(!h)
    return;
  prb_loop_watch(h->loop, h->lfd, 0, NULL, NULL);
  close(h->lfd);
  h->stopping = true;
  /* libmicrohttpd cannot stop with suspended connections: every open
   * request is cancelled and answered. */
  while(h->open) {
    struct prb_hreq *rq = h->open;
    rq->answered = true;
    cancel(rq);
    rq->status = MHD_HTTP_SERVICE_UNAVAILABLE;
    rq->answer = error_json("the server is stopping");
    wake(rq);
  }
  MHD_run(h->d);                /* the answers go out when they can */
  while(h->n_linger)
    linger_close(h, 0);
  prb_loop_watch(h->loop, h->mhd_fd, 0, NULL, NULL);
  prb_timer_stop(h->loop, &h->mhd_timer);
  prb_timer_stop(h->loop, &h->tick);
  prb_timer_stop(h->loop, &h->slot_timer);
  prb_timer_stop(h->loop, &h->accept_timer);
  MHD_stop_daemon(h->d);        /* closes the rest; frees their requests */
  prb_share_free(&h->share);
  free(h);
}

void prb_httpd_get_stats(const struct prb_httpd *h,
                         struct prb_httpd_stats *out)
{
  *out = h->st;
}
