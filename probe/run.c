/* run.c: preflight, admission control, records, signals. */
#include "run.h"
#include "datadir.h"
#include "errors.h"
#include "measure.h"
#include "record.h"
#include "tlsctx.h"
#include "url.h"
#include "writer.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define PRB_PREFLIGHT_MAX 30.0  /* seconds, whatever the step deadlines */

struct run {
  const struct prb_run_opts *o;
  struct prb_engine e;
  struct prb_runinfo info;
  struct prb_writer *w;
  size_t next, in_flight, finished;
  struct prb_meas **active;     /* the in_flight measurements */
  bool stop;                    /* a signal came */
  int signo;
  bool write_failed;
  int write_errno;
  bool budget_spent;            /* --max-runtime reached */
  struct prb_timer budget;
  /* preflight */
  size_t canaries_pending, canaries_reached;
  bool preflight_expired;
  struct prb_timer preflight_timer;
};

/* ---- signals -------------------------------------------------------- */

static void on_signal(void *arg, int fd, unsigned events)
{
  struct run *r = arg;
  struct signalfd_siginfo si;
  if(read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
    r->stop = true;
    r->signo = (int)si.ssi_signo;
  }
}

static int watch_signals(struct run *r)
{
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, NULL);
  int fd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
  if(fd >= 0)
    prb_loop_watch(r->e.loop, fd, PRB_IO_READ, on_signal, r);
  return fd;
}

/* ---- preflight ------------------------------------------------------ */

struct canary {
  struct run *r;
  struct prb_meas *m;
};

static void on_canary(void *arg, struct prb_meas *m)
{
  struct canary *c = arg;
  if(prb_meas_reached(m))
    c->r->canaries_reached++;
  c->r->canaries_pending--;
  prb_meas_free(m);
  c->m = NULL;
}

static void on_preflight_expired(void *arg)
{
  struct run *r = arg;
  r->preflight_expired = true;
}

/* True when at least one canary host answered a TCP connect. */
static int preflight(struct run *r)
{
  char path[4096];
  const char *file = r->o->canaries;
  if(!file) {
    if(!prb_datafile("canaries.csv", path, sizeof(path))) {
      fprintf(stderr, "accessprobe: lists/canaries.csv not found; name a "
              "file with --canaries, or skip the check with "
              "--no-preflight\n");
      return PRB_EXIT_INPUT;
    }
    file = path;
  }
  struct prb_inputs canaries;
  prb_inputs_init(&canaries);
  int rc = prb_inputs_add_file(&canaries, file, stderr);
  if(rc != PRB_INPUTS_OK || !canaries.n) {
    fprintf(stderr, "accessprobe: %s: no usable canary URL\n", file);
    prb_inputs_free(&canaries);
    return PRB_EXIT_INPUT;
  }
  struct canary *cs = calloc(canaries.n, sizeof(*cs));
  if(!cs) {
    prb_inputs_free(&canaries);
    return PRB_EXIT_INTERNAL;
  }
  prb_timer_init(&r->preflight_timer);
  prb_timer_start(r->e.loop, &r->preflight_timer, PRB_PREFLIGHT_MAX,
                  on_preflight_expired, r);
  for(size_t i = 0; i < canaries.n; i++) {
    struct prb_url u;
    if(prb_url_parse(canaries.items[i].url, &u, NULL) < 0)
      continue;
    cs[i].r = r;
    cs[i].m = prb_meas_start(&r->e, &u, PRB_MEAS_CANARY, NULL, 0,
                           on_canary, &cs[i]);
    if(cs[i].m)
      r->canaries_pending++;
  }
  size_t total = r->canaries_pending;
  while(r->canaries_pending && !r->canaries_reached && !r->stop &&
        !r->preflight_expired)
    prb_loop_run_once(r->e.loop, 1.0);
  prb_timer_stop(r->e.loop, &r->preflight_timer);
  /* One answer is enough: the canaries still running are stopped. */
  size_t reached = r->canaries_reached;
  for(size_t i = 0; i < canaries.n; i++)
    prb_meas_free(cs[i].m);
  r->canaries_pending = 0;
  free(cs);
  prb_inputs_free(&canaries);
  if(r->stop)
    return PRB_EXIT_INTERRUPTED;
  if(!reached) {
    fprintf(stderr,
            "accessprobe: the probe's own network is unavailable: none of "
            "the %zu canary hosts in %s could be reached.\n"
            "accessprobe: nothing was measured, and no site is reported as "
            "blocked. Check the connection and run again.\n", total, file);
    return PRB_EXIT_OFFLINE;
  }
  return PRB_EXIT_OK;
}

/* ---- measuring ------------------------------------------------------ */

static const char *summary(const struct prb_obs *obs, char *buf, size_t len)
{
  if(obs->dns_experiment_failure)
    snprintf(buf, len, "dns: %s", obs->dns_experiment_failure);
  else if(obs->http_experiment_failure)
    snprintf(buf, len, "%s", obs->http_experiment_failure);
  else if(obs->n_requests)
    snprintf(buf, len, "HTTP %ld",
             obs->requests[obs->n_requests - 1].code);
  else
    snprintf(buf, len, "no request");
  return buf;
}

static void on_measured(void *arg, struct prb_meas *m)
{
  struct run *r = arg;
  const struct prb_obs *obs = prb_meas_obs(m);
  for(size_t i = 0; i < r->in_flight; i++)
    if(r->active[i] == m) {
      r->active[i] = r->active[r->in_flight - 1];
      break;
    }
  r->in_flight--;
  r->finished++;
  json_t *rec = prb_record_build(&r->info, obs, NULL);
  size_t len = 0;
  char *line = rec ? prb_record_dump(rec, r->e.scrub, &len) : NULL;
  if(!line || !prb_writer_add(r->w, line, len)) {
    fprintf(stderr, "accessprobe: out of memory writing the record of %s\n",
            obs->input);
    r->write_failed = true;
    r->write_errno = ENOMEM;
  }
  if(r->o->on_record)
    r->o->on_record(r->o->on_record_ctx, obs->input, rec,
                    prb_writer_count(r->w) + 1, r->o->inputs->n);
  if(!r->o->quiet) {
    char what[160];
    fprintf(stderr, "[%zu/%zu] %s: %s (%.1f s)\n", r->finished,
            r->o->inputs->n, obs->input, summary(obs, what, sizeof(what)),
            obs->test_runtime);
  }
  json_decref(rec);
  prb_meas_free(m);
}

static void admit(struct run *r)
{
  const struct prb_inputs *in = r->o->inputs;
  while(!r->stop && !r->write_failed && !r->budget_spent && r->next < in->n &&
        r->in_flight < (size_t)r->o->parallel) {
    const struct prb_input *item = &in->items[r->next++];
    struct prb_url u;
    const char *why = NULL;
    if(prb_url_parse(item->url, &u, &why) < 0) {
      fprintf(stderr, "%s: %s: %s\n", item->origin, item->url,
              why ? why : "bad URL");
      continue;
    }
    struct prb_meas *m = prb_meas_start(&r->e, &u, PRB_MEAS_FULL, NULL, 0,
                                        on_measured, r);
    if(!m) {
      fprintf(stderr, "accessprobe: out of memory\n");
      r->write_failed = true;
      r->write_errno = ENOMEM;
      return;
    }
    r->active[r->in_flight++] = m;
  }
}

/* Before each sleep: make finished records durable, then refill. */
static void before_sleep(void *arg)
{
  struct run *r = arg;
  if(r->w && !r->write_failed && prb_writer_flush(r->w) < 0) {
    r->write_failed = true;
    r->write_errno = errno;
  }
  if(r->w)
    admit(r);
}

/* ---- set-up --------------------------------------------------------- */

static void fill_runinfo(struct run *r)
{
  const struct prb_run_opts *o = r->o;
  prb_record_time(r->info.test_start_time, prb_wall());
  snprintf(r->info.probe_asn, sizeof(r->info.probe_asn), "%s",
           o->probe_asn ? o->probe_asn : "AS0");
  snprintf(r->info.probe_cc, sizeof(r->info.probe_cc), "%s",
           o->probe_cc ? o->probe_cc : "ZZ");
  snprintf(r->info.probe_network_name, sizeof(r->info.probe_network_name),
           "%s", o->probe_network_name ? o->probe_network_name : "");
  snprintf(r->info.resolver_ip, sizeof(r->info.resolver_ip), "%s",
           prb_resolver_ip(r->e.system));
  prb_record_make_report_id(r->info.report_id, sizeof(r->info.report_id),
                            r->info.probe_cc, r->info.probe_asn);
}

static int engine_up(struct run *r, X509_STORE **store)
{
  const struct prb_run_opts *o = r->o;
  char why[512];
  size_t n = 0;
  const char *ca = o->ca_file ? o->ca_file : PRB_DEFAULT_CA;
  *store = prb_tls_store_load(ca, &n, why, sizeof(why));
  if(!*store) {
    fprintf(stderr, "accessprobe: %s\n", why);
    return PRB_EXIT_INPUT;
  }
  struct prb_engine *e = &r->e;
  e->step_deadline = o->step_timeout;
  e->dns_deadline = o->step_timeout < 4.0 ? o->step_timeout : 4.0;
  e->decoy_sni = o->decoy_sni;
  if(!(e->loop = prb_loop_new()) || !(e->scrub = prb_scrub_new()) ||
     !(e->tls = prb_tls_ctx_new(*store))) {
    fprintf(stderr, "accessprobe: out of memory\n");
    return PRB_EXIT_INTERNAL;
  }
  prb_scrub_add_interfaces(e->scrub);
  e->system = prb_resolver_new(e->loop, NULL, e->dns_deadline, why,
                               sizeof(why));
  if(!e->system) {
    fprintf(stderr, "accessprobe: system resolver: %s\n", why);
    return PRB_EXIT_INTERNAL;
  }
  for(size_t i = 0; i < o->n_resolvers; i++) {
    e->extra[i] = prb_resolver_new(e->loop, o->resolvers[i], e->dns_deadline,
                                   why, sizeof(why));
    if(!e->extra[i]) {
      fprintf(stderr, "accessprobe: %s\n", why);
      return PRB_EXIT_USAGE;
    }
    e->n_extra++;
  }
  e->http = prb_http_new(e->loop, *store, why, sizeof(why));
  if(!e->http) {
    fprintf(stderr, "accessprobe: %s\n", why);
    return PRB_EXIT_INTERNAL;
  }
  return PRB_EXIT_OK;
}

static void engine_down(struct run *r)
{
  struct prb_engine *e = &r->e;
  prb_http_free(e->http);
  for(size_t i = 0; i < e->n_extra; i++)
    prb_resolver_free(e->extra[i]);
  prb_resolver_free(e->system);
  SSL_CTX_free(e->tls);
  prb_scrub_free(e->scrub);
  prb_loop_free(e->loop);
}

static int open_output(struct run *r)
{
  char path[4096];
  const char *out = r->o->output;
  if(!out) {
    snprintf(path, sizeof(path), "results/%s.jsonl", r->info.report_id);
    out = path;
  }
  char why[512];
  r->w = prb_writer_open(out, why, sizeof(why));
  if(!r->w) {
    fprintf(stderr, "accessprobe: cannot write the results: %s\n", why);
    return PRB_EXIT_OUTPUT;
  }
  return PRB_EXIT_OK;
}

static void on_budget(void *arg)
{
  struct run *r = arg;
  r->budget_spent = true;
}

static int measure_all(struct run *r, struct prb_run_stats *stats)
{
  double t0 = prb_now();
  prb_timer_init(&r->budget);
  if(r->o->max_runtime > 0)
    prb_timer_start(r->e.loop, &r->budget, r->o->max_runtime, on_budget, r);
  r->active = calloc((size_t)r->o->parallel, sizeof(*r->active));
  if(!r->active) {
    fprintf(stderr, "accessprobe: out of memory\n");
    return PRB_EXIT_INTERNAL;
  }
  prb_loop_before_sleep(r->e.loop, before_sleep, r);
  admit(r);
  /* With the budget spent, measurements in flight still finish (their
   * own deadlines bound them) and are written; no new one starts. */
  while(!r->stop && !r->write_failed &&
        (r->in_flight || (r->next < r->o->inputs->n && !r->budget_spent)))
    prb_loop_run_once(r->e.loop, 1.0);
  prb_timer_stop(r->e.loop, &r->budget);
  prb_loop_before_sleep(r->e.loop, NULL, NULL);
  if(!r->write_failed && prb_writer_flush(r->w) < 0) {
    r->write_failed = true;
    r->write_errno = errno;
  }
  size_t kept = prb_writer_count(r->w);
  const char *path = prb_writer_path(r->w);
  if(stats) {
    stats->written = kept;
    stats->not_started = r->o->inputs->n - r->next;
    stats->seconds = prb_now() - t0;
    snprintf(stats->output, sizeof(stats->output), "%s", path);
  }
  if(r->write_failed) {
    fprintf(stderr, "accessprobe: cannot write %s: %s; stopped with %zu "
            "complete records kept\n", path, strerror(r->write_errno), kept);
    return PRB_EXIT_OUTPUT;
  }
  if(r->stop) {
    fprintf(stderr, "accessprobe: stopped by signal %d: %zu complete "
            "records kept in %s; %zu measurements in flight discarded, "
            "%zu not started\n", r->signo, kept, path, r->in_flight,
            r->o->inputs->n - r->next);
    return PRB_EXIT_INTERRUPTED;
  }
  double secs = prb_now() - t0;
  if(r->budget_spent)
    fprintf(stderr, "accessprobe: time budget of %.0f s reached: %zu "
            "complete records kept in %s; %zu inputs left for the next "
            "run\n", r->o->max_runtime, kept, path,
            r->o->inputs->n - r->next);
  else if(!r->o->quiet)
    fprintf(stderr, "accessprobe: measured %zu URLs in %.1f s (%.1f/s); "
            "records in %s\n", kept, secs, secs > 0 ? (double)kept / secs : 0,
            path);
  return PRB_EXIT_OK;
}

int prb_run(const struct prb_run_opts *o, struct prb_run_stats *stats)
{
  if(stats)
    memset(stats, 0, sizeof(*stats));
  struct run r;
  memset(&r, 0, sizeof(r));
  r.o = o;
  X509_STORE *store = NULL;
  int sigfd = -1;
  signal(SIGPIPE, SIG_IGN);     /* a closed stdout is an error, not death */
  int rc = engine_up(&r, &store);
  if(rc != PRB_EXIT_OK)
    goto out;
  sigfd = watch_signals(&r);
  if(!o->no_preflight) {
    rc = preflight(&r);
    if(rc != PRB_EXIT_OK)
      goto out;
  }
  fill_runinfo(&r);
  rc = open_output(&r);
  if(rc != PRB_EXIT_OK)
    goto out;
  rc = measure_all(&r, stats);
out:
  /* Measurements cut short by a signal or a write error are dropped
   * whole: a record is written complete or not at all. */
  for(size_t i = 0; i < r.in_flight; i++)
    prb_meas_free(r.active[i]);
  free(r.active);
  if(r.w)
    prb_writer_close(r.w);
  engine_down(&r);
  if(sigfd >= 0)
    close(sigfd);
  X509_STORE_free(store);
  return rc;
}
