/* helper.c: `accessprobe helper`: the control, on our hardened server
 * layer (servers/httpd.h). */
#include "servers/helper.h"
#include "servers/helper_reply.h"
#include "servers/helper_request.h"
#include "servers/httpd.h"
#include "common/addr.h"
#include "common/asn.h"
#include "common/caps.h"
#include "common/errors.h"
#include "common/textclean.h"
#include "common/version.h"
#include "engine/dns.h"
#include "engine/engine.h"
#include "engine/loop.h"
#include "engine/measure.h"
#include "engine/tlsctx.h"

#include <curl/curl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_INFLIGHT 64

struct helper {
  struct prb_engine e;
  struct prb_httpd *httpd;
  bool stop;
  unsigned long measured;
  struct prb_asndb *asndb;      /* --mmdb, or NULL */
};

/* One POSTed request being measured. */
struct job {
  struct helper *h;
  struct prb_hreq *rq;
  struct prb_helper_req req;
  struct prb_meas *m;
};

static void free_job(struct job *j)
{
  if(j->m)
    prb_meas_free(j->m);
  free(j);
}

/* The asking probe's network, from its address (never kept). */
static bool probe_network(struct helper *h, struct prb_hreq *rq,
                          struct prb_asn_info *out)
{
  const char *addr = prb_hreq_client(rq);
  return h->asndb && addr[0] && prb_asndb_lookup(h->asndb, addr, out);
}

static void answer_json(struct prb_hreq *rq, json_t *o)
{
  char *text = o ? json_dumps(o, JSON_COMPACT) : NULL;
  if(text)
    prb_hreq_answer(rq, 200, text, 0);
  else
    prb_hreq_error(rq, 500, "out of memory");
  free(text);
}

static void on_measured(void *arg, struct prb_meas *m)
{
  struct job *j = arg;
  struct helper *h = j->h;
  const char *eps[PRB_CTL_MAX_REQ_ENDPOINTS];
  for(size_t i = 0; i < j->req.n_eps; i++)
    eps[i] = j->req.eps[i];
  struct prb_asn_info probe;
  bool have = probe_network(h, j->rq, &probe);
  json_t *reply = prb_helper_reply(prb_meas_obs(m), eps, j->req.n_eps,
                                   h->asndb, have ? &probe : NULL,
                                   prb_hreq_client(j->rq));
  answer_json(j->rq, reply);
  json_decref(reply);
  free_job(j);
}

/* A slot is ours: measure, never contacting the asker itself. */
static void go(void *arg, struct prb_hreq *rq)
{
  struct helper *h = arg;
  struct job *j = prb_hreq_data(rq);
  struct prb_addr client;
  bool known = prb_addr_parse(prb_hreq_client(rq), &client);
  j->m = prb_meas_start_control(&h->e, &j->req.url, j->req.addrs,
                                j->req.n_eps, known ? &client : NULL,
                                on_measured, j);
  if(!j->m) {
    prb_hreq_error(rq, 500, "out of memory");
    free_job(j);
    return;
  }
  h->measured++;
}

static void on_cancel(void *arg, struct prb_hreq *rq)
{
  struct job *j = prb_hreq_data(rq);
  if(j)
    free_job(j);
}

/* GET and HEAD: a health check, which also tells a probe its own address
 * (to scrub) and network before it writes any record. */
static void hello(struct helper *h, struct prb_hreq *rq)
{
  struct prb_asn_info probe;
  bool have = probe_network(h, rq, &probe);
  json_t *o = json_pack("{s:s,s:s}", "status", "ok", "software",
                        "accessprobe " PRB_VERSION);
  if(o)
    prb_helper_add_probe(o, have ? &probe : NULL, prb_hreq_client(rq));
  answer_json(rq, o);
  json_decref(o);
}

static void on_request(void *arg, struct prb_hreq *rq)
{
  struct helper *h = arg;
  if(strcmp(prb_hreq_method(rq), "POST")) {
    hello(h, rq);
    return;
  }
  struct job *j = calloc(1, sizeof(*j));
  size_t len;
  const char *body = prb_hreq_body(rq, &len);
  const char *why = NULL;
  if(!j) {
    prb_hreq_error(rq, 500, "out of memory");
    return;
  }
  if(prb_helper_request_parse(body, len, &j->req, &why) < 0) {
    prb_hreq_error(rq, 400, why);
    free(j);
    return;
  }
  j->h = h;
  j->rq = rq;
  prb_hreq_set_data(rq, j);
  prb_hreq_wait_slot(rq, go);   /* the last use of rq and j here */
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
"Every answer (and GET /) tells the asking probe the address this helper\n"
"sees it come from, as x_probe_address (with --mmdb also its network:\n"
"x_probe_asn, x_probe_cc, x_probe_network_name): a probe behind NAT cannot\n"
"know its public address otherwise, and must scrub it from its records.\n"
"The helper uses that address in memory only, to answer and to share its\n"
"capacity fairly between clients; it never logs nor keeps it, and never\n"
"connects to it.\n"
"\n"
"  --listen IP:PORT       address to listen on (default 127.0.0.1:8080)\n"
"  --max-inflight N       measurements at once (default %d); a request\n"
"                         waits up to %g s for one, then gets 503 with\n"
"                         Retry-After\n"
"  --max-per-client N     measurements one client may hold (default three\n"
"                         quarters of --max-inflight; an IPv6 client is\n"
"                         its /64)\n"
"  --max-connections N    connections at once (default 2 * --max-inflight\n"
"                         + 16), at most half of them from one address;\n"
"                         more are answered 503 at once and closed\n"
"  --request-timeout MS   time a request's head and body may take (default\n"
"                         %g); slower clients are disconnected\n"
"  --ca-file PATH         trust anchors (default %s)\n"
"  --step-timeout MS      deadline of each step (default 10000)\n"
"  --mmdb FILE            MaxMind DB (ASN and/or country) to tell each\n"
"                         probe its network and to give addresses an ASN\n"
"                         (repeatable)\n"
"  --trust-forwarded-for  behind our own proxy: the client is the last\n"
"                         X-Forwarded-For entry, the one the proxy added\n"
"                         (see docs/helper.md); the per-address connection\n"
"                         cap is then off, the proxy being the only peer\n"
"  --allow-bogons         also measure private and reserved remote\n"
"                         addresses (test labs only: never on a public\n"
"                         helper); this host, its networks and the asking\n"
"                         probe stay refused\n"
"  -q, --quiet            no log lines\n"
"\n"
"Requests: POST (a JSON body of at most %d bytes, with Content-Length),\n"
"GET and HEAD. Other methods get 405, an HTTP/1.1 request without Host or\n"
"with two Content-Lengths 400, a larger body 413 before it is read.\n",
          DEFAULT_INFLIGHT, PRB_HTTPD_DEFAULT_SLOT_WAIT,
          PRB_HTTPD_DEFAULT_TIMEOUT * 1000.0, PRB_DEFAULT_CA,
          PRB_HELPER_BODY_MAX);
}

static void log_stop(struct helper *h)
{
  struct prb_httpd_stats st;
  prb_httpd_get_stats(h->httpd, &st);
  fprintf(stderr, "accessprobe helper: stopping after %lu measurements "
          "(%lu requests; refused: %lu for capacity, %lu connections; "
          "closed: %lu too slow, %lu for room; %lu clients left before "
          "their answer)\n", h->measured, st.requests, st.busy,
          st.refused_conns, st.timed_out, st.evicted, st.gone);
}

static int serve(struct helper *h, struct prb_httpd_opts *o, const char *ca,
                 bool quiet)
{
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
  /* Our own listening address is this host, wherever it sits. */
  struct prb_addr self;
  if(!prb_addr_parse_endpoint(o->listen, false, &self))
    prb_localnets_add(&e->localnets, &self,
                      self.family == AF_INET ? 32 : 128);
  static const struct prb_httpd_calls calls = {
    .request = on_request, .cancel = on_cancel
  };
  h->httpd = prb_httpd_start(e->loop, o, &calls, h, why, sizeof(why));
  if(!h->httpd) {
    fprintf(stderr, "accessprobe helper: %s\n", why);
    rc = PRB_EXIT_USAGE;
    goto out;
  }
  prb_loop_watch_signals(e->loop, on_signal, h);
  if(!quiet)
    fprintf(stderr, "accessprobe helper: listening on %s\n", o->listen);
  while(!h->stop)
    prb_loop_run_once(e->loop, 1.0);
  if(!quiet)
    log_stop(h);
  prb_httpd_stop(h->httpd);
  rc = PRB_EXIT_OK;
out:
  prb_engine_down(&h->e);
  return rc;
}

static bool number(const char *opt, const char *arg, long min, long max,
                   long *out)
{
  if(prb_parse_long(arg, min, max, out))
    return true;
  fprintf(stderr, "accessprobe helper: %s takes %ld to %ld\n", opt, min,
          max);
  return false;
}

enum prb_exit prb_helper_main(int argc, char **argv)
{
  enum { OPT_LISTEN = 256, OPT_INFLIGHT, OPT_PER_CLIENT, OPT_CONNS,
         OPT_REQ_TIMEOUT, OPT_CA, OPT_STEP, OPT_BOGONS, OPT_MMDB, OPT_XFF };
  static const struct option longopts[] = {
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"max-inflight", required_argument, NULL, OPT_INFLIGHT},
    {"max-per-client", required_argument, NULL, OPT_PER_CLIENT},
    {"max-connections", required_argument, NULL, OPT_CONNS},
    {"request-timeout", required_argument, NULL, OPT_REQ_TIMEOUT},
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
  struct prb_httpd_opts o;
  memset(&o, 0, sizeof(o));
  o.listen = "127.0.0.1:8080";
  o.body_max = PRB_HELPER_BODY_MAX;
  long inflight = DEFAULT_INFLIGHT, per_client = 0, conns = 0;
  long req_ms = (long)(PRB_HTTPD_DEFAULT_TIMEOUT * 1000.0);
  const char *ca = PRB_DEFAULT_CA;
  double step = 10.0;
  const char *mmdb[PRB_ASNDB_MAX];
  size_t n_mmdb = 0;
  int c;
  long v;
  while((c = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
    switch(c) {
    case OPT_LISTEN:
      o.listen = optarg;
      break;
    case OPT_INFLIGHT:
      if(!number("--max-inflight", optarg, 1, 4096, &inflight))
        return PRB_EXIT_USAGE;
      break;
    case OPT_PER_CLIENT:
      if(!number("--max-per-client", optarg, 1, 4096, &per_client))
        return PRB_EXIT_USAGE;
      break;
    case OPT_CONNS:
      if(!number("--max-connections", optarg, 2, 16384, &conns))
        return PRB_EXIT_USAGE;
      break;
    case OPT_REQ_TIMEOUT:
      if(!number("--request-timeout", optarg, 100, 300000, &req_ms))
        return PRB_EXIT_USAGE;
      break;
    case OPT_CA:
      ca = optarg;
      break;
    case OPT_STEP:
      if(!number("--step-timeout", optarg, 100, 300000, &v))
        return PRB_EXIT_USAGE;
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
      o.trust_forwarded_for = true;
      break;
    case 'q':
      o.quiet = true;
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
  if(per_client > inflight) {
    fprintf(stderr, "accessprobe helper: --max-per-client is more than "
            "--max-inflight\n");
    return PRB_EXIT_USAGE;
  }
  o.slots = (unsigned)inflight;
  o.slots_per_client = (unsigned)per_client;
  o.max_connections = conns ? (unsigned)conns : (unsigned)(2 * inflight + 16);
  /* behind our proxy every connection comes from it */
  o.max_per_peer = o.trust_forwarded_for ? o.max_connections : 0;
  o.request_timeout = (double)req_ms / 1000.0;
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
    prb_asndb_close(h.asndb);
    return PRB_EXIT_INTERNAL;
  }
  int rc = serve(&h, &o, ca, o.quiet);
  prb_asndb_close(h.asndb);
  prb_dns_global_cleanup();
  curl_global_cleanup();
  return rc;
}
