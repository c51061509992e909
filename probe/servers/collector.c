/* collector.c: `accessprobe collector`: options, --init-db, and the loop
 * that runs the HTTP side, the batches and the database together. */
#include "servers/collector.h"
#include "servers/collector_ingest.h"
#include "servers/httpd.h"
#include "servers/collector_pg.h"
#include "store/archive.h"
#include "store/pgschema.h"
#include "common/textclean.h"
#include "ooni/collector_proto.h"
#include "engine/loop.h"

#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DEFAULT_LISTEN "127.0.0.1:8081"

struct collector {
  const char *listen, *archive, *db;
  bool init_db, quiet, trust_forwarded;
  long collector_id, max_connections, per_client, request_ms;
  bool stop;
};

static void usage(FILE *f)
{
  fprintf(f,
"Usage: accessprobe collector --archive DIR [--db URL] [options]\n"
"       accessprobe collector --db URL --init-db\n"
"\n"
"Receives the records volunteers' probes upload (OONI's collector\n"
"protocol: POST /report, /report/{report_id}, /report/{report_id}/close,\n"
"/api/v1/submit_measurement), checks them, and stores each once: in the\n"
"archive (DIR/YYYYMMDD/HH/CC/test/*.jsonl.gz, OONI's layout, which\n"
"`accessprobe report DIR` reads) and, with --db, in PostgreSQL. A record\n"
"is acknowledged only once it is stored; when storage is down or full\n"
"the answer is 503 with Retry-After. Run it behind a TLS-terminating\n"
"proxy.\n"
"\n"
"  --listen IP:PORT       address to listen on (default %s)\n"
"  --archive DIR          the archive (default: $STATE_DIRECTORY/archive)\n"
"  --db URL               PostgreSQL, e.g. postgresql:///accessprobe or\n"
"                         postgresql://user@host/db (schema made or\n"
"                         migrated at start)\n"
"  --init-db              create or migrate the schema in --db and exit\n"
"  --collector-id N       the n<N> in the report_ids it gives (default 1)\n"
"  --max-connections N    connections at once (default 512; half of them\n"
"                         from one address unless --trust-forwarded-for)\n"
"  --max-per-client N     records one client may have on their way to\n"
"                         storage at once (default 16; more wait, then 503)\n"
"  --request-timeout MS   the longest a request's head and body may take\n"
"                         to arrive (default 60000)\n"
"  --trust-forwarded-for  behind our own proxy: the client is the last\n"
"                         X-Forwarded-For entry\n"
"  -q, --quiet            no log lines but errors\n"
"\n"
"Clients' addresses are never logged nor stored; a record that contains\n"
"the address it is uploaded from is refused.\n", DEFAULT_LISTEN);
}

static void on_signal(void *arg, int signo)
{
  struct collector *c = arg;
  c->stop = true;
}

static enum prb_exit init_db(const char *db)
{
  char why[1024], shown[512];
  bool changed;
  prb_pg_display(db, shown, sizeof(shown));
  PGconn *conn = prb_pg_connect(db, "accessprobe-collector", why,
                                sizeof(why));
  if(!conn) {
    fprintf(stderr, "accessprobe collector: %s\n", why);
    return PRB_EXIT_OUTPUT;
  }
  int rc = prb_pg_migrate(conn, &changed, why, sizeof(why));
  PQfinish(conn);
  if(rc < 0) {
    fprintf(stderr, "accessprobe collector: %s: %s\n", shown, why);
    return PRB_EXIT_OUTPUT;
  }
  printf("accessprobe collector: %s: schema version %d %s\n", shown,
         PRB_PG_SCHEMA_VERSION, changed ? "created or migrated" :
         "already in place");
  return PRB_EXIT_OK;
}

static enum prb_exit serve(struct collector *c)
{
  char why[1024];
  FILE *log = c->quiet ? NULL : stderr;
  struct prb_loop *loop = prb_loop_new();
  struct prb_archive *archive = NULL;
  struct prb_cpg *pg = NULL;
  struct prb_cingest *ing = NULL;
  struct prb_httpd *http = NULL;
  enum prb_exit rc = PRB_EXIT_INTERNAL;
  if(!loop)
    goto out;
  archive = prb_archive_open(c->archive, (unsigned)c->collector_id, stderr,
                             why, sizeof(why));
  if(!archive) {
    fprintf(stderr, "accessprobe collector: %s\n", why);
    rc = PRB_EXIT_OUTPUT;
    goto out;
  }
  if(c->db && !(pg = prb_cpg_new(loop, c->db, stderr)))
    goto out;
  if(!(ing = prb_cingest_new(loop, archive, pg, (unsigned)c->collector_id,
                             log)))
    goto out;
  /* Behind a proxy every connection comes from it: no cap per address. */
  struct prb_httpd_opts o = {
    .listen = c->listen, .max_connections = (unsigned)c->max_connections,
    .max_per_peer = c->trust_forwarded ? (unsigned)c->max_connections : 0,
    .request_timeout = (double)c->request_ms / 1000.0,
    .body_max = PRB_CP_BODY_MAX, .slots = PRB_CINGEST_QUEUE_MAX,
    .slots_per_client = (unsigned)c->per_client,
    .trust_forwarded_for = c->trust_forwarded, .quiet = c->quiet,
  };
  static const struct prb_httpd_calls calls = {
    .head = prb_cingest_head, .request = prb_cingest_request,
    .cancel = prb_cingest_cancel,
  };
  http = prb_httpd_start(loop, &o, &calls, ing, why, sizeof(why));
  if(!http) {
    fprintf(stderr, "accessprobe collector: %s\n", why);
    rc = PRB_EXIT_USAGE;
    goto out;
  }
  prb_loop_before_sleep(loop, prb_cingest_flush, ing);
  prb_loop_watch_signals(loop, on_signal, c);
  if(log) {
    char shown[512] = "";
    if(c->db)
      prb_pg_display(c->db, shown, sizeof(shown));
    fprintf(log, "accessprobe collector: listening on %s; archive %s%s%s\n",
            c->listen, c->archive, c->db ? "; database " : "", shown);
  }
  while(!c->stop)
    if(!prb_loop_run_once(loop, 1.0))
      break;
  rc = PRB_EXIT_OK;
  struct prb_cingest_stats st;
  prb_cingest_stats(ing, &st);
  struct prb_httpd_stats hs;
  prb_httpd_get_stats(http, &hs);
  if(log)
    fprintf(log, "accessprobe collector: stopping: %llu reports opened, "
            "%llu records stored, %llu already stored, %llu refused, %llu "
            "asked to come back; %lu connections refused, %lu timed out\n",
            st.reports, st.stored, st.duplicates, st.refused, st.unavailable,
            hs.refused_conns, hs.timed_out);
out:
  /* The HTTP side first: waiting requests are answered 503 and forgotten
   * (their records are stored all the same); then the database's batch,
   * the queue, the archive. */
  prb_httpd_stop(http);
  prb_cpg_free(pg);
  prb_cingest_free(ing);
  prb_archive_close(archive);
  prb_loop_free(loop);
  return rc;
}

enum prb_exit prb_collector_main(int argc, char **argv)
{
  enum { OPT_LISTEN = 256, OPT_ARCHIVE, OPT_DB, OPT_INIT, OPT_ID, OPT_CONN,
         OPT_PER, OPT_XFF, OPT_REQ };
  static const struct option longopts[] = {
    {"listen", required_argument, NULL, OPT_LISTEN},
    {"archive", required_argument, NULL, OPT_ARCHIVE},
    {"db", required_argument, NULL, OPT_DB},
    {"init-db", no_argument, NULL, OPT_INIT},
    {"collector-id", required_argument, NULL, OPT_ID},
    {"max-connections", required_argument, NULL, OPT_CONN},
    {"max-per-client", required_argument, NULL, OPT_PER},
    {"request-timeout", required_argument, NULL, OPT_REQ},
    {"trust-forwarded-for", no_argument, NULL, OPT_XFF},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  struct collector c;
  memset(&c, 0, sizeof(c));
  c.listen = DEFAULT_LISTEN;
  c.collector_id = 1;
  c.max_connections = 512;
  c.per_client = 16;
  c.request_ms = 60000;
  char state_archive[4096];
  int ch;
  optind = 1;
  while((ch = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
    switch(ch) {
    case OPT_LISTEN: c.listen = optarg; break;
    case OPT_ARCHIVE: c.archive = optarg; break;
    case OPT_DB: c.db = optarg; break;
    case OPT_INIT: c.init_db = true; break;
    case OPT_XFF: c.trust_forwarded = true; break;
    case 'q': c.quiet = true; break;
    case OPT_ID:
    case OPT_CONN:
    case OPT_PER:
    case OPT_REQ: {
      long lo = ch == OPT_ID ? 0 : ch == OPT_CONN ? 2 :
                ch == OPT_REQ ? 100 : 1;
      long hi = ch == OPT_ID ? 999999 : ch == OPT_CONN ? 16384 :
                ch == OPT_REQ ? 600000 : PRB_CINGEST_QUEUE_MAX;
      long *slot = ch == OPT_ID ? &c.collector_id :
                   ch == OPT_CONN ? &c.max_connections :
                   ch == OPT_REQ ? &c.request_ms : &c.per_client;
      if(!prb_parse_long(optarg, lo, hi, slot)) {
        fprintf(stderr, "accessprobe collector: %s takes %ld to %ld\n",
                argv[optind - 1], lo, hi);
        return PRB_EXIT_USAGE;
      }
      break;
    }
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
  if(c.init_db) {
    if(!c.db) {
      fprintf(stderr, "accessprobe collector: --init-db needs --db URL\n");
      return PRB_EXIT_USAGE;
    }
    return init_db(c.db);
  }
  if(!c.archive) {
    const char *sd = getenv("STATE_DIRECTORY");
    if(!sd || sd[0] != '/') {
      fprintf(stderr, "accessprobe collector: give --archive DIR (where "
              "the records are kept)\n");
      return PRB_EXIT_USAGE;
    }
    snprintf(state_archive, sizeof(state_archive), "%.*s/archive",
             (int)strcspn(sd, ":"), sd);
    c.archive = state_archive;
  }
  signal(SIGPIPE, SIG_IGN);
  return serve(&c);
}
