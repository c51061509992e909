/* collector_http.c: libmicrohttpd in our loop for the collector (see
 * collector_http.h): routes, body caps, the client's share, answers. */
#include "servers/collector_http.h"
#include "common/addr.h"
#include "common/buf.h"
#include "ooni/collector_proto.h"

#include <microhttpd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* One client's requests in progress; the table only holds clients with
 * some, so it never outgrows the connection limit. */
struct client {
  char addr[PRB_IP_MAX];
  unsigned n;
};

struct prb_chttp {
  struct prb_loop *loop;
  struct MHD_Daemon *daemon;
  struct prb_timer timer;
  struct prb_chttp_opts o;
  prb_chttp_handler handler;
  void *arg;
  struct client *clients;
  size_t n_clients, cap_clients;
  struct prb_creq *waiting;     /* handed to the handler, not answered */
  unsigned long refused;
};

struct prb_creq {
  struct prb_chttp *h;
  struct MHD_Connection *conn;
  enum prb_croute route;
  char rid[PRB_CP_RID_MAX];
  char client[PRB_IP_MAX];
  bool counted;                 /* in the client's share */
  struct prb_buf body;
  double started;
  bool too_large, handed, suspended;
  unsigned status, retry_after; /* 0 until answered */
  char *answer;
  struct prb_creq *prev, *next; /* in h->waiting while handed */
};

/* ---- the client's share ------------------------------------------------ */

static struct client *client_find(struct prb_chttp *h, const char *addr)
{
  for(size_t i = 0; i < h->n_clients; i++)
    if(!strcmp(h->clients[i].addr, addr))
      return &h->clients[i];
  return NULL;
}

/* Counts rq against its client's share: false when the share is full. */
static bool client_take(struct prb_chttp *h, struct prb_creq *rq)
{
  struct client *c = client_find(h, rq->client);
  if(!c) {
    if(!prb_array_reserve(&h->clients, &h->cap_clients, h->n_clients + 1,
                          sizeof(*h->clients), SIZE_MAX))
      return false;
    c = &h->clients[h->n_clients++];
    snprintf(c->addr, sizeof(c->addr), "%s", rq->client);
    c->n = 0;
  }
  if(c->n >= h->o.per_client)
    return false;
  c->n++;
  rq->counted = true;
  return true;
}

static void client_give(struct prb_chttp *h, struct prb_creq *rq)
{
  struct client *c = rq->counted ? client_find(h, rq->client) : NULL;
  rq->counted = false;
  if(c && --c->n == 0)
    *c = h->clients[--h->n_clients];
}

/* The client: behind our own proxy the last X-Forwarded-For entry (the one
 * it added), else the peer. */
static void note_client(struct prb_creq *rq)
{
  const char *xff = rq->h->o.trust_forwarded ?
    MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND,
                                "X-Forwarded-For") : NULL;
  struct prb_addr a;
  if(xff) {
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while(*last == ' ')
      last++;
    if(prb_addr_parse_n(last, strcspn(last, " "), &a)) {
      prb_addr_format(&a, rq->client, sizeof(rq->client));
      return;
    }
  }
  const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
    rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
  if(ci && prb_addr_from_sockaddr(ci->client_addr, &a)) {
    prb_addr_unmap(&a);
    prb_addr_format(&a, rq->client, sizeof(rq->client));
  }
}

/* ---- the loop ---------------------------------------------------------- */

static void rearm(struct prb_chttp *h);

static void on_tick(void *arg)
{
  struct prb_chttp *h = arg;
  MHD_run(h->daemon);
  rearm(h);
}

static void rearm(struct prb_chttp *h)
{
  MHD_UNSIGNED_LONG_LONG ms;
  if(MHD_get_timeout(h->daemon, &ms) == MHD_YES)
    prb_timer_start(h->loop, &h->timer, (double)ms / 1000.0, on_tick, h);
  else
    prb_timer_stop(h->loop, &h->timer);
}

static void on_io(void *arg, int fd, unsigned events)
{
  on_tick(arg);
}

/* ---- requests -------------------------------------------------------- */

static void unlink_waiting(struct prb_creq *rq)
{
  struct prb_chttp *h = rq->h;
  if(rq->prev)
    rq->prev->next = rq->next;
  else if(h->waiting == rq)
    h->waiting = rq->next;
  if(rq->next)
    rq->next->prev = rq->prev;
  rq->prev = rq->next = NULL;
}

static void on_completed(void *cls, struct MHD_Connection *conn,
                         void **con_cls, enum MHD_RequestTerminationCode toe)
{
  struct prb_creq *rq = *con_cls;
  if(!rq)
    return;
  client_give(rq->h, rq);
  prb_buf_free(&rq->body);
  free(rq->answer);
  free(rq);
  *con_cls = NULL;
}

static enum MHD_Result respond(struct MHD_Connection *conn, unsigned status,
                               const char *json, unsigned retry_after)
{
  struct MHD_Response *resp = MHD_create_response_from_buffer(
    strlen(json), (void *)(uintptr_t)json, MHD_RESPMEM_MUST_COPY);
  if(!resp)
    return MHD_NO;
  MHD_add_response_header(resp, "Content-Type", "application/json");
  MHD_add_response_header(resp, "Cache-Control", "no-store");
  if(retry_after) {
    char v[16];
    snprintf(v, sizeof(v), "%u", retry_after);
    MHD_add_response_header(resp, "Retry-After", v);
  }
  enum MHD_Result r = MHD_queue_response(conn, status, resp);
  MHD_destroy_response(resp);
  return r;
}

static char *error_json(const char *why)
{
  json_t *o = json_pack("{s:s}", "error", why);
  char *t = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  return t;
}

static enum MHD_Result refuse(struct MHD_Connection *conn, unsigned status,
                              const char *why, unsigned retry_after)
{
  char *t = error_json(why);
  enum MHD_Result r = respond(conn, status, t ? t : "{}", retry_after);
  free(t);
  return r;
}

void prb_creq_answer(struct prb_creq *rq, unsigned status, const char *json,
                     unsigned retry_after)
{
  if(rq->status)
    return;
  rq->status = status;
  rq->retry_after = retry_after;
  rq->answer = strdup(json);
  if(rq->handed)
    unlink_waiting(rq);
  if(rq->suspended) {
    rq->suspended = false;
    MHD_resume_connection(rq->conn);
    /* The loop runs MHD again before it sleeps (prb_chttp's timer). */
    prb_timer_start(rq->h->loop, &rq->h->timer, 0.0, on_tick, rq->h);
  }
}

void prb_creq_error(struct prb_creq *rq, unsigned status, const char *why,
                    unsigned retry_after)
{
  char *t = error_json(why);
  prb_creq_answer(rq, status, t ? t : "{}", retry_after);
  free(t);
}

/* The route of method and path; 0 with *status (404 or 405) otherwise. */
static bool route_of(const char *method, const char *path,
                     struct prb_creq *rq, unsigned *status)
{
  bool post = !strcmp(method, "POST");
  if(!strcmp(path, "/")) {
    rq->route = PRB_CROUTE_HEALTH;
    *status = MHD_HTTP_METHOD_NOT_ALLOWED;
    return !strcmp(method, "GET") || !strcmp(method, "HEAD");
  }
  *status = MHD_HTTP_NOT_FOUND;
  if(!strcmp(path, "/report")) {
    rq->route = PRB_CROUTE_OPEN;
  } else if(!strcmp(path, "/api/v1/submit_measurement")) {
    rq->route = PRB_CROUTE_SUBMIT_V1;
  } else if(!strncmp(path, "/report/", 8)) {
    const char *id = path + 8;
    size_t n = strcspn(id, "/");
    if(!n || n >= sizeof(rq->rid))
      return false;
    if(!id[n])
      rq->route = PRB_CROUTE_SUBMIT;
    else if(!strcmp(id + n, "/close"))
      rq->route = PRB_CROUTE_CLOSE;
    else
      return false;
    memcpy(rq->rid, id, n);
    rq->rid[n] = '\0';
  } else {
    return false;
  }
  *status = MHD_HTTP_METHOD_NOT_ALLOWED;
  return post;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind,
                                    const char *key, const char *value)
{
  if(!strcasecmp(key, "Content-Length"))
    (*(unsigned *)cls)++;
  return MHD_YES;
}

/* The first call for a request: route, size and share checks. MHD_YES
 * with *rqp set to go on, else the refusal's result. */
static enum MHD_Result begin(struct prb_chttp *h, struct MHD_Connection *conn,
                             const char *path, const char *method,
                             void **con_cls)
{
  struct prb_creq *rq = calloc(1, sizeof(*rq));
  if(!rq)
    return MHD_NO;
  rq->h = h;
  rq->conn = conn;
  rq->started = prb_now();
  *con_cls = rq;
  unsigned status, lengths = 0;
  if(!route_of(method, path, rq, &status))
    return refuse(conn, status, status == MHD_HTTP_NOT_FOUND ?
                  "no such endpoint: the collector takes POST /report, "
                  "/report/{report_id}, /report/{report_id}/close and "
                  "/api/v1/submit_measurement" :
                  "method not allowed here", 0);
  size_t cap = rq->route == PRB_CROUTE_OPEN ||
               rq->route == PRB_CROUTE_CLOSE ? PRB_CP_TEMPLATE_BODY_MAX :
               PRB_CP_BODY_MAX;
  prb_buf_init(&rq->body, cap);
  MHD_get_connection_values(conn, MHD_HEADER_KIND, count_header, &lengths);
  const char *cl = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                               "Content-Length");
  const char *ce = MHD_lookup_connection_value(conn, MHD_HEADER_KIND,
                                               "Content-Encoding");
  if(lengths > 1)
    return refuse(conn, MHD_HTTP_BAD_REQUEST, "more than one "
                  "Content-Length", 0);
  if(ce && strcasecmp(ce, "identity"))
    return refuse(conn, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE, "Content-Encoding "
                  "is not supported: send the JSON as it is", 0);
  if(cl && strtoull(cl, NULL, 10) > cap) {
    char why[128];
    snprintf(why, sizeof(why), "request body over %zu bytes", cap);
    return refuse(conn, MHD_HTTP_CONTENT_TOO_LARGE, why, 0);
  }
  note_client(rq);
  if(!client_take(h, rq)) {
    h->refused++;
    return refuse(conn, MHD_HTTP_SERVICE_UNAVAILABLE, "too many requests "
                  "from one address at once; try again later", 10);
  }
  return MHD_YES;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *path, const char *method,
                                  const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
  struct prb_chttp *h = cls;
  struct prb_creq *rq = *con_cls;
  if(!rq)
    return begin(h, conn, path, method, con_cls);
  if(rq->status)
    return respond(conn, rq->status, rq->answer ? rq->answer : "{}",
                   rq->retry_after);
  if(prb_now() - rq->started > h->o.request_deadline)
    return MHD_NO;              /* a slow drip: no answer, just close */
  if(*data_size) {
    enum prb_buf_rc r = rq->too_large ? PRB_BUF_TOOBIG :
                        prb_buf_add(&rq->body, data, *data_size);
    if(r == PRB_BUF_NOMEM)
      return MHD_NO;
    rq->too_large = r == PRB_BUF_TOOBIG;
    *data_size = 0;
    return MHD_YES;
  }
  if(rq->too_large) {
    char why[128];
    snprintf(why, sizeof(why), "request body over %zu bytes", rq->body.max);
    h->refused++;
    return refuse(conn, MHD_HTTP_CONTENT_TOO_LARGE, why, 0);
  }
  if(!rq->handed) {
    rq->handed = true;
    rq->next = h->waiting;
    if(h->waiting)
      h->waiting->prev = rq;
    h->waiting = rq;
    h->handler(h->arg, rq);
    if(rq->status)
      return respond(conn, rq->status, rq->answer ? rq->answer : "{}",
                     rq->retry_after);
  }
  if(!rq->suspended) {
    rq->suspended = true;
    MHD_suspend_connection(conn);
  }
  return MHD_YES;
}

enum prb_croute prb_creq_route(const struct prb_creq *rq)
{
  return rq->route;
}

const char *prb_creq_report_id(const struct prb_creq *rq)
{
  return rq->rid;
}

const char *prb_creq_body(const struct prb_creq *rq, size_t *len)
{
  *len = rq->body.len;
  return rq->body.p ? rq->body.p : "";
}

const char *prb_creq_client(const struct prb_creq *rq)
{
  return rq->client;
}

unsigned long prb_chttp_refused(const struct prb_chttp *h)
{
  return h->refused;
}

struct prb_chttp *prb_chttp_start(struct prb_loop *loop,
                                  const struct prb_chttp_opts *o,
                                  prb_chttp_handler handler, void *arg,
                                  char *why, size_t whylen)
{
  struct prb_addr a;
  struct sockaddr_storage ss;
  if(prb_addr_parse_endpoint(o->listen, false, &a) < 0 ||
     !prb_addr_to_sockaddr(&a, &ss)) {
    snprintf(why, whylen, "--listen takes IP:PORT, not \"%s\"", o->listen);
    return NULL;
  }
  struct prb_chttp *h = calloc(1, sizeof(*h));
  if(!h) {
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  h->loop = loop;
  h->o = *o;
  h->handler = handler;
  h->arg = arg;
  prb_timer_init(&h->timer);
  unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                   MHD_USE_ERROR_LOG;
  if(ss.ss_family == AF_INET6)
    flags |= MHD_USE_IPv6;
  h->daemon = MHD_start_daemon(
    flags, 0, NULL, NULL, on_request, h,
    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
    MHD_OPTION_CONNECTION_LIMIT, o->max_connections,
    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)30,
    MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
    MHD_OPTION_END);
  if(!h->daemon) {
    snprintf(why, whylen, "cannot listen on %s", o->listen);
    free(h);
    return NULL;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(
    h->daemon, MHD_DAEMON_INFO_EPOLL_FD);
  prb_loop_watch(loop, info->epoll_fd, PRB_IO_READ, on_io, h);
  rearm(h);
  return h;
}

void prb_chttp_stop(struct prb_chttp *h)
{
  if(!h)
    return;
  /* libmicrohttpd cannot stop with suspended connections: answer them. */
  while(h->waiting)
    prb_creq_error(h->waiting, MHD_HTTP_SERVICE_UNAVAILABLE,
                   "the collector is shutting down", 30);
  MHD_run(h->daemon);
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(
    h->daemon, MHD_DAEMON_INFO_EPOLL_FD);
  prb_loop_watch(h->loop, info->epoll_fd, 0, NULL, NULL);
  prb_timer_stop(h->loop, &h->timer);
  MHD_stop_daemon(h->daemon);
  free(h->clients);
  free(h);
}
