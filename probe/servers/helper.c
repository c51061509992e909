/* helper.c: `accessprobe helper`: the control, libmicrohttpd in our loop. */
#include "servers/helper.h"
#include "servers/helper_reply.h"
#include "servers/helper_request.h"
#include "common/addr.h"
#include "common/caps.h"
#include "common/asn.h"
#include "ooni/control.h"
#include "engine/dns.h"
#include "common/errors.h"
#include "engine/loop.h"
#include "engine/measure.h"
#include "engine/tlsctx.h"
#include "engine/engine.h"
#include "common/url.h"
#include "common/textclean.h"
#include "common/version.h"
#include "common/buf.h"

#include <curl/curl.h>
#include <getopt.h>
#include <microhttpd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define PRB_HELPER_DEFAULT_INFLIGHT 64

struct helper {
  struct prb_engine e;
  struct MHD_Daemon *daemon;
  struct prb_timer mhd_timer;
  long max_inflight;
  long inflight;
  bool stop;
  bool quiet;
  unsigned long served, refused;
  struct request *suspended;    /* requests waiting for a measurement */
  struct prb_asndb *asndb;      /* --mmdb, or NULL */
  bool trust_forwarded;         /* behind our own proxy: X-Forwarded-For */
};

struct request {
  struct helper *h;
  struct MHD_Connection *conn;
  struct prb_buf body;           /* at most PRB_HELPER_BODY_MAX */
  bool too_large;
  bool suspended;
  struct prb_meas *m;
  char *eps[PRB_CTL_MAX_REQ_ENDPOINTS];
  size_t n_eps;
  bool have_probe;              /* the asking probe's network is known */
  struct prb_asn_info probe;
  char probe_addr[PRB_IP_MAX];  /* sent back for scrubbing, never kept */
  unsigned status;              /* 0 until the answer is ready */
  char *answer;
  struct request *prev, *next;  /* in helper.suspended while suspended */
};

static void suspend(struct request *rq)
{
  struct helper *h = rq->h;
  rq->suspended = true;
  rq->prev = NULL;
  rq->next = h->suspended;
  if(h->suspended)
    h->suspended->prev = rq;
  h->suspended = rq;
  MHD_suspend_connection(rq->conn);
}

static void resume(struct request *rq)
{
  struct helper *h = rq->h;
  if(rq->prev)
    rq->prev->next = rq->next;
  else
    h->suspended = rq->next;
  if(rq->next)
    rq->next->prev = rq->prev;
  rq->suspended = false;
  MHD_resume_connection(rq->conn);
}

static void rearm(struct helper *h);

static void on_mhd_timer(void *arg)
{
  struct helper *h = arg;
  MHD_run(h->daemon);
  rearm(h);
}

static void rearm(struct helper *h)
{
  MHD_UNSIGNED_LONG_LONG ms;
  if(MHD_get_timeout(h->daemon, &ms) == MHD_YES)
    prb_timer_start(h->e.loop, &h->mhd_timer, (double)ms / 1000.0,
                    on_mhd_timer, h);
  else
    prb_timer_stop(h->e.loop, &h->mhd_timer);
}

static void on_mhd_io(void *arg, int fd, unsigned events)
{
  struct helper *h = arg;
  MHD_run(h->daemon);
  rearm(h);
}

static void free_request(struct request *rq)
{
  if(rq->m) {
    prb_meas_free(rq->m);
    rq->h->inflight--;
  }
  for(size_t i = 0; i < rq->n_eps; i++)
    free(rq->eps[i]);
  prb_buf_free(&rq->body);
  free(rq->answer);
  free(rq);
}

static void on_completed(void *cls, struct MHD_Connection *connection,
                         void **con_cls, enum MHD_RequestTerminationCode toe)
{
  if(*con_cls)
    free_request(*con_cls);
  *con_cls = NULL;
}

static void answer(struct request *rq, unsigned status, char *text)
{
  rq->status = status;
  rq->answer = text;
}

static char *error_json(const char *why)
{
  json_t *o = json_pack("{s:s}", "error", why);
  char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  return text;
}

static void on_measured(void *arg, struct prb_meas *m)
{
  struct request *rq = arg;
  struct helper *h = rq->h;
  json_t *reply = prb_helper_reply(prb_meas_obs(m),
                                   (const char *const *)rq->eps, rq->n_eps,
                                   h->asndb,
                                   rq->have_probe ? &rq->probe : NULL,
                                   rq->probe_addr);
  char *text = reply ? json_dumps(reply, JSON_COMPACT) : NULL;
  json_decref(reply);
  prb_meas_free(m);
  rq->m = NULL;
  h->inflight--;
  if(text)
    answer(rq, MHD_HTTP_OK, text);
  else
    answer(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, error_json("out of memory"));
  if(rq->suspended) {
    resume(rq);
    MHD_run(h->daemon);
    rearm(h);
  }
}

/* The asking probe's address: only to send back (for scrubbing) and to
 * look its network up; it is never logged nor kept past the request.
 * Behind our own proxy, the last X-Forwarded-For entry is the one the
 * proxy added. */
static void note_probe_network(struct request *rq)
{
  struct helper *h = rq->h;
  const char *xff = h->trust_forwarded ?
    MHD_lookup_connection_value(rq->conn, MHD_HEADER_KIND,
                                "X-Forwarded-For") : NULL;
  if(xff) {
    const char *last = strrchr(xff, ',');
    last = last ? last + 1 : xff;
    while(*last == ' ')
      last++;
    size_t n = strcspn(last, " ");
    struct prb_addr a;
    if(prb_addr_parse_n(last, n, &a))
      snprintf(rq->probe_addr, sizeof(rq->probe_addr), "%.*s", (int)n, last);
  }
  else {
    const union MHD_ConnectionInfo *ci = MHD_get_connection_info(
      rq->conn, MHD_CONNECTION_INFO_CLIENT_ADDRESS);
    struct prb_addr a;
    if(ci && prb_addr_from_sockaddr(ci->client_addr, &a))
      prb_addr_format(&a, rq->probe_addr, sizeof(rq->probe_addr));
  }
  if(h->asndb && rq->probe_addr[0])
    rq->have_probe = prb_asndb_lookup(h->asndb, rq->probe_addr, &rq->probe);
}

/* Validates the request body and starts measuring; on a bad request the
 * answer is set instead. */
static void start(struct request *rq)
{
  struct helper *h = rq->h;
  struct prb_helper_req req;
  const char *why = NULL;
  if(prb_helper_request_parse(rq->body.p, rq->body.len, &req, &why) == 0) {
    for(size_t i = 0; !why && i < req.n_eps; i++)
      if(!(rq->eps[rq->n_eps++] = strdup(req.eps[i])))
        why = "out of memory";
  }
  if(why) {
    answer(rq, MHD_HTTP_BAD_REQUEST, error_json(why));
    return;
  }
  if(h->inflight >= h->max_inflight) {
    h->refused++;
    answer(rq, MHD_HTTP_SERVICE_UNAVAILABLE,
           error_json("too many requests in flight; try again later"));
    return;
  }
  note_probe_network(rq);
  rq->m = prb_meas_start(&h->e, &req.url, PRB_MEAS_CONTROL, req.addrs,
                         req.n_eps, on_measured, rq);
  if(!rq->m) {
    answer(rq, MHD_HTTP_INTERNAL_SERVER_ERROR, error_json("out of memory"));
    return;
  }
  h->inflight++;
  h->served++;
  suspend(rq);
}

static enum MHD_Result send_answer(struct MHD_Connection *conn,
                                   unsigned status, const char *text)
{
  char *copy = strdup(text);
  struct MHD_Response *resp = copy ? MHD_create_response_from_buffer(
    strlen(copy), copy, MHD_RESPMEM_MUST_FREE) : NULL;
  if(!resp) {
    free(copy);
    return MHD_NO;
  }
  MHD_add_response_header(resp, "Content-Type", "application/json");
  enum MHD_Result r = MHD_queue_response(conn, status, resp);
  MHD_destroy_response(resp);
  return r;
}

/* GET: a health check, which also tells a probe its own address (to
 * scrub) and network before it writes any record. */
static enum MHD_Result send_hello(struct request *rq)
{
  note_probe_network(rq);
  json_t *o = json_pack("{s:s,s:s}", "status", "ok", "software",
                        "accessprobe " PRB_VERSION);
  if(o)
    prb_helper_add_probe(o, rq->have_probe ? &rq->probe : NULL,
                         rq->probe_addr);
  char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
  json_decref(o);
  enum MHD_Result r = send_answer(rq->conn, text ? MHD_HTTP_OK :
                                  MHD_HTTP_INTERNAL_SERVER_ERROR,
                                  text ? text : "{\"error\":\"failed\"}");
  free(text);
  return r;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn,
                                  const char *path, const char *method,
                                  const char *version, const char *data,
                                  size_t *data_size, void **con_cls)
{
  struct helper *h = cls;
  struct request *rq = *con_cls;
  if(!rq) {
    rq = calloc(1, sizeof(*rq));
    if(!rq)
      return MHD_NO;
    rq->h = h;
    rq->conn = conn;
    prb_buf_init(&rq->body, PRB_HELPER_BODY_MAX);
    *con_cls = rq;
    return MHD_YES;
  }
  if(!strcmp(method, "GET") || !strcmp(method, "HEAD"))
    return send_hello(rq);
  if(strcmp(method, "POST"))
    return send_answer(conn, MHD_HTTP_METHOD_NOT_ALLOWED,
                       "{\"error\":\"use POST with a JSON body\"}");
  if(*data_size) {
    enum prb_buf_rc rc = rq->too_large ? PRB_BUF_TOOBIG :
                         prb_buf_add(&rq->body, data, *data_size);
    if(rc == PRB_BUF_NOMEM)
      return MHD_NO;
    rq->too_large = rc == PRB_BUF_TOOBIG;
    *data_size = 0;
    return MHD_YES;
  }
  if(rq->too_large)
    return send_answer(conn, MHD_HTTP_CONTENT_TOO_LARGE,
                       "{\"error\":\"request body over 65536 bytes\"}");
  if(!rq->status && !rq->m)
    start(rq);
  if(!rq->status)
    return MHD_YES;             /* suspended until the measurement ends */
  return send_answer(conn, rq->status,
                     rq->answer ? rq->answer : "{\"error\":\"failed\"}");
}

static void on_signal(void *arg, int signo)
{
  struct helper *h = arg;
  h->stop = true;
}

static void usage(FILE *f)
{
  fprintf(f,
"Usage: accessprobe helper [options]\n"
"\n"
"Serves as the control vantage point: measures the URL a probe POSTs\n"
"(OONI Web Connectivity test-helper protocol) from this network and\n"
"answers with what it saw. Run it outside the censored network, behind a\n"
"TLS-terminating proxy.\n"
"\n"
"  --listen IP:PORT       address to listen on (default 127.0.0.1:8080)\n"
"  --max-inflight N       measurements at once; more get 503 (default %d)\n"
"  --ca-file PATH         trust anchors (default %s)\n"
"  --step-timeout MS      deadline of each step (default 10000)\n"
"  --mmdb FILE            MaxMind DB (ASN and/or country) to tell each\n"
"                         probe its network and to give addresses an ASN\n"
"                         (repeatable); the probe's address is never\n"
"                         logged nor sent back\n"
"  --trust-forwarded-for  behind our own proxy: the probe's address is the\n"
"                         last X-Forwarded-For entry\n"
"  --allow-bogons         also measure private and reserved addresses\n"
"                         (test labs only: never on a public helper)\n"
"  -q, --quiet            no log lines\n", PRB_HELPER_DEFAULT_INFLIGHT,
          PRB_DEFAULT_CA);
}

static bool parse_listen(const char *s, struct sockaddr_storage *ss)
{
  const char *colon = strrchr(s, ':');
  if(!colon)
    return false;
  const char *h = s;
  size_t hl = (size_t)(colon - s);
  if(hl >= 2 && s[0] == '[' && s[hl - 1] == ']') {
    h++;
    hl -= 2;
  }
  struct prb_addr a;
  char *end;
  long port = strtol(colon + 1, &end, 10);
  if(!prb_addr_parse_n(h, hl, &a) || *end || port < 1 || port > 65535)
    return false;
  a.port = (int)port;
  return prb_addr_to_sockaddr(&a, ss) > 0;
}

static int serve(struct helper *h, const char *listen, const char *ca)
{
  struct sockaddr_storage ss;
  if(!parse_listen(listen, &ss)) {
    fprintf(stderr, "accessprobe helper: --listen takes IP:PORT\n");
    return PRB_EXIT_USAGE;
  }
  struct prb_engine_cfg cfg;
  memset(&cfg, 0, sizeof(cfg));
  cfg.ca_file = ca;
  cfg.step_timeout = h->e.step_deadline;
  bool bogons = h->e.allow_bogons;
  char why[512];
  int rc = prb_engine_up(&h->e, &cfg, why, sizeof(why));
  struct prb_engine *e = &h->e;
  e->allow_bogons = bogons;
  /* The probe waits 3 steps + DNS + 5 s for us: answer well before. */
  e->meas_deadline = 3.0 * e->step_deadline;
  if(rc != PRB_EXIT_OK) {
    fprintf(stderr, "accessprobe: %s\n", why);
    goto out;
  }
  rc = PRB_EXIT_INTERNAL;
  prb_timer_init(&h->mhd_timer);
  unsigned flags = MHD_USE_EPOLL | MHD_ALLOW_SUSPEND_RESUME |
                   MHD_USE_ERROR_LOG;
  if(ss.ss_family == AF_INET6)
    flags |= MHD_USE_IPv6;
  h->daemon = MHD_start_daemon(
    flags, 0, NULL, NULL, on_request, h,
    MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
    MHD_OPTION_NOTIFY_COMPLETED, on_completed, h,
    MHD_OPTION_CONNECTION_LIMIT, (unsigned)(h->max_inflight * 2 + 16),
    MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)(e->meas_deadline + 30),
    MHD_OPTION_LISTENING_ADDRESS_REUSE, 1u,
    MHD_OPTION_END);
  if(!h->daemon) {
    fprintf(stderr, "accessprobe helper: cannot listen on %s\n", listen);
    rc = PRB_EXIT_USAGE;
    goto out;
  }
  const union MHD_DaemonInfo *info = MHD_get_daemon_info(
    h->daemon, MHD_DAEMON_INFO_EPOLL_FD);
  prb_loop_watch(e->loop, info->epoll_fd, PRB_IO_READ, on_mhd_io, h);
  rearm(h);

  prb_loop_watch_signals(e->loop, on_signal, h);
  if(!h->quiet)
    fprintf(stderr, "accessprobe helper: listening on %s\n", listen);
  while(!h->stop)
    prb_loop_run_once(e->loop, 1.0);
  if(!h->quiet)
    fprintf(stderr, "accessprobe helper: stopping after %lu measurements "
            "(%lu refused as over capacity)\n", h->served, h->refused);
  /* libmicrohttpd cannot stop with suspended connections: answer them. */
  while(h->suspended) {
    struct request *rq = h->suspended;
    prb_meas_free(rq->m);
    rq->m = NULL;
    h->inflight--;
    answer(rq, MHD_HTTP_SERVICE_UNAVAILABLE,
           error_json("the helper is shutting down"));
    resume(rq);
  }
  MHD_run(h->daemon);
  MHD_stop_daemon(h->daemon);  /* frees what requests remain */
  rc = PRB_EXIT_OK;
out:
  prb_engine_down(&h->e);
  return rc;
}

enum prb_exit prb_helper_main(int argc, char **argv)
{
  enum { OPT_LISTEN = 256, OPT_INFLIGHT, OPT_CA, OPT_STEP, OPT_BOGONS,
         OPT_MMDB, OPT_XFF };
  static const struct option longopts[] = {
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"max-inflight", required_argument, NULL, OPT_INFLIGHT},
    {"ca-file", required_argument, NULL, OPT_CA},
    {"step-timeout", required_argument, NULL, OPT_STEP},
    {"allow-bogons", no_argument, NULL, OPT_BOGONS},
    {"mmdb", required_argument, NULL, OPT_MMDB},
    {"trust-forwarded-for", no_argument, NULL, OPT_XFF},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  struct helper h;
  memset(&h, 0, sizeof(h));
  h.max_inflight = PRB_HELPER_DEFAULT_INFLIGHT;
  const char *listen = "127.0.0.1:8080";
  const char *ca = PRB_DEFAULT_CA;
  double step = 10.0;
  const char *mmdb[PRB_ASNDB_MAX];
  size_t n_mmdb = 0;
  int c;
  long v;
  while((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
    switch(c) {
    case OPT_LISTEN:
      listen = optarg;
      break;
    case OPT_INFLIGHT:
      if(!prb_parse_long(optarg, 1, 4096, &v)) {
        fprintf(stderr, "accessprobe helper: --max-inflight takes 1 to "
                "4096\n");
        return PRB_EXIT_USAGE;
      }
      h.max_inflight = v;
      break;
    case OPT_CA:
      ca = optarg;
      break;
    case OPT_STEP:
      if(!prb_parse_long(optarg, 100, 300000, &v)) {
        fprintf(stderr, "accessprobe helper: --step-timeout takes 100 to "
                "300000 milliseconds\n");
        return PRB_EXIT_USAGE;
      }
      step = (double)v / 1000.0;
      break;
    case OPT_BOGONS:
      h.e.allow_bogons = true;
      break;
    case OPT_MMDB:
      if(n_mmdb == PRB_ASNDB_MAX) {
        fprintf(stderr, "accessprobe helper: at most %d --mmdb\n",
                PRB_ASNDB_MAX);
        return PRB_EXIT_USAGE;
      }
      mmdb[n_mmdb++] = optarg;
      break;
    case OPT_XFF:
      h.trust_forwarded = true;
      break;
    case 'q':
      h.quiet = true;
      break;
    case 'h':
      usage(stdout);
      return PRB_EXIT_OK;
    default:
      usage(stderr);
      return PRB_EXIT_USAGE;
    }
  }
  if(optind < argc) {
    usage(stderr);
    return PRB_EXIT_USAGE;
  }
  h.e.step_deadline = step;
  if(n_mmdb) {
    char why[512];
    h.asndb = prb_asndb_open(mmdb, n_mmdb, why, sizeof(why));
    if(!h.asndb) {
      fprintf(stderr, "accessprobe helper: %s\n", why);
      return PRB_EXIT_INPUT;
    }
  }
  signal(SIGPIPE, SIG_IGN);
  if(curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
     !prb_dns_global_init()) {
    fprintf(stderr, "accessprobe helper: cannot initialise libcurl or "
            "c-ares\n");
    return PRB_EXIT_INTERNAL;
  }
  int rc = serve(&h, listen, ca);
  prb_asndb_close(h.asndb);
  prb_dns_global_cleanup();
  curl_global_cleanup();
  return rc;
}
