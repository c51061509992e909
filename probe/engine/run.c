/* run.c: `accessprobe run`: preflight, admission, verdicts, durable
 * records, signals. */
#include "engine/run.h"
#include "analysis/analyze.h"
#include "engine/canary.h"
#include "common/errors.h"
#include "engine/measure.h"
#include "ooni/record.h"
#include "common/url.h"
#include "engine/writer.h"
#include "common/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define PRB_CANARY_MAX 30.0     /* seconds for one canary check */

struct slot {
  struct prb_meas *m;
  size_t input;                 /* index into o->inputs */
  double done_at;               /* when it finished (held ones) */
};

struct run {
  const struct prb_run_opts *o;
  struct prb_engine e;
  struct prb_evidence ev;
  struct prb_canaries *canaries;
  struct prb_runinfo info;
  struct prb_writer *w;
  size_t next, finished;
  size_t parallel;              /* o->parallel, within our fd budget */
  bool adopted;                 /* the network named by the control */
  struct slot *active;          /* measurements in flight */
  size_t in_flight;
  /* measurements done but waiting for a canary check before their
   * verdict (they failed with no control to compare with) */
  struct slot *held;
  size_t n_held;
  enum prb_tri canaries_ok;     /* the latest check's answer */
  double canaries_at;           /* when the latest check started */
  double check_started;         /* when the running check started */
  bool offline;                 /* a check mid-run found no canary */
  /* records written, waiting to be announced once they are durable */
  json_t **announce;
  size_t n_announce, cap_announce;
  bool stop;                    /* a signal came */
  int signo;
  bool write_failed;
  int write_errno;
  bool budget_spent;            /* --max-runtime reached */
  struct prb_timer budget;
};

/* The run's own messages go to the caller's hook when there is one (a
 * JSON log, say), else to stderr. */
static void say(const struct run *r, bool error, const char *fmt, ...)
  __attribute__((format(printf, 3, 4)));

static void say(const struct run *r, bool error, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  if(r->o->on_message)
    r->o->on_message(r->o->on_message_ctx, error, fmt, ap);
  else {
    char text[1024];
    vsnprintf(text, sizeof(text), fmt, ap);
    fprintf(stderr, "accessprobe: %s\n", text);
  }
  va_end(ap);
}

/* ---- file descriptors ----------------------------------------------- */

/* Sockets one measurement may hold at once: its endpoints and their decoy
 * handshakes, the fetch, the control request, and a margin. */
#define PRB_FDS_PER_MEAS (2 * PRB_MAX_ENDPOINTS + 4)
#define PRB_FDS_RESERVED 64     /* DNS, epoll, output, signals, libraries */

/* Running out of descriptors would be recorded as network failures: raise
 * the soft limit as far as allowed, and keep parallelism within it. */
static size_t fd_budget(const struct run *r)
{
  struct rlimit rl;
  size_t want = (size_t)r->o->parallel;
  if(getrlimit(RLIMIT_NOFILE, &rl) < 0)
    return want;
  if(rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
    getrlimit(RLIMIT_NOFILE, &rl);
  }
  if(rl.rlim_cur == RLIM_INFINITY)
    return want;
  size_t fit = rl.rlim_cur > PRB_FDS_RESERVED + PRB_FDS_PER_MEAS ?
               (size_t)(rl.rlim_cur - PRB_FDS_RESERVED) / PRB_FDS_PER_MEAS : 1;
  if(fit < want) {
    say(r, false, "at most %zu measurements in flight: the open-file limit "
        "is %llu (raise it with ulimit -n for more)", fit,
        (unsigned long long)rl.rlim_cur);
    return fit;
  }
  return want;
}

/* ---- signals -------------------------------------------------------- */

static void on_signal(void *arg, int signo)
{
  struct run *r = arg;
  r->stop = true;
  r->signo = signo;
}

/* ---- records -------------------------------------------------------- */

static const char *summary(const struct prb_classification *c,
                           const struct prb_obs *obs, char *buf, size_t len)
{
  const struct prb_analysis *a = &c->x_analysis;
  if(a->verdict == PRB_VERDICT_BLOCKED)
    snprintf(buf, len, "blocked (%s%s)", a->detail,
             a->confirmed ? ", confirmed" : "");
  else if(obs->dns_experiment_failure)
    snprintf(buf, len, "%s, dns: %s", prb_verdict_name(a->verdict),
             obs->dns_experiment_failure);
  else if(obs->http_experiment_failure)
    snprintf(buf, len, "%s, %s", prb_verdict_name(a->verdict),
             obs->http_experiment_failure);
  else if(obs->n_requests)
    snprintf(buf, len, "%s, HTTP %ld", prb_verdict_name(a->verdict),
             obs->requests[obs->n_requests - 1].code);
  else
    snprintf(buf, len, "%s", prb_verdict_name(a->verdict));
  return buf;
}

static void write_failed(struct run *r, int err)
{
  r->write_failed = true;
  r->write_errno = err;
}

/* Without a configured network, the control's word on which network our
 * requests came from (looked up by the helper, which keeps no address)
 * identifies the records. */
static void adopt_network(struct run *r, const json_t *reply)
{
  const struct prb_run_opts *o = r->o;
  if(r->adopted)
    return;                     /* one network per run */
  const char *asn = json_string_value(json_object_get(reply, "x_probe_asn"));
  const char *cc = json_string_value(json_object_get(reply, "x_probe_cc"));
  const char *name = json_string_value(json_object_get(reply,
                                                       "x_probe_network_name"));
  if(o->probe_asn || !asn || strncmp(asn, "AS", 2) || !strcmp(asn, "AS0") ||
     strlen(asn) >= sizeof(r->info.probe_asn) ||
     strspn(asn + 2, "0123456789") != strlen(asn + 2) || !asn[2])
    return;
  snprintf(r->info.probe_asn, sizeof(r->info.probe_asn), "%s", asn);
  if(!o->probe_cc && cc && strlen(cc) == 2 && cc[0] >= 'A' && cc[0] <= 'Z' &&
     cc[1] >= 'A' && cc[1] <= 'Z')
    snprintf(r->info.probe_cc, sizeof(r->info.probe_cc), "%s", cc);
  if(!o->probe_network_name && name)
    snprintf(r->info.probe_network_name,
             sizeof(r->info.probe_network_name), "%s", name);
  r->adopted = true;
  /* The report_id names the network too, unless records already carry
   * the old one (a resumed run keeps its own). */
  if(!o->report_id && !r->finished)
    prb_record_make_report_id(r->info.report_id, sizeof(r->info.report_id),
                              r->info.probe_cc, r->info.probe_asn);
}

/* Classifies, builds and queues the record of a finished measurement. */
static void emit(struct run *r, struct prb_meas *m, size_t input)
{
  const struct prb_obs *obs = prb_meas_obs(m);
  const struct prb_input *item = &r->o->inputs->items[input];
  struct prb_classification c;
  adopt_network(r, prb_meas_control_reply(m));
  struct prb_analyze_in in = {obs, prb_meas_control(m),
                              prb_meas_control_failure(m), r->canaries_ok,
                              r->info.probe_cc};
  json_t *keys = prb_analyze(&r->ev, &in, &c);
  if(keys) {
    json_t *req = prb_meas_control_request(m);
    json_t *reply = prb_meas_control_reply(m);
    if(req)
      json_object_set(keys, "x_control_request", req);
    json_object_set(keys, "control", reply ? reply : json_null());
    json_object_set_new(keys, "x_category_code", item->category_code[0] ?
                        json_string(item->category_code) : json_null());
    /* the canaries' answer the verdict rests on, for re-analysis later */
    json_object_set_new(keys, "x_canaries", r->canaries_ok == PRB_TRI_NULL
                        ? json_null()
                        : json_boolean(r->canaries_ok == PRB_TRI_TRUE));
  }
  json_t *rec = keys ? prb_record_build(&r->info, obs, prb_meas_control(m),
                                       prb_meas_control_url(m), keys) : NULL;
  json_decref(keys);
  size_t len = 0;
  char *line = rec ? prb_record_dump(rec, r->e.scrub, &len) : NULL;
  if(!line || !prb_writer_add(r->w, line, len)) {
    say(r, true, "out of memory writing the record of %s", obs->input);
    write_failed(r, ENOMEM);
    json_decref(rec);
    return;
  }
  r->finished++;
  if(!r->o->quiet) {
    char what[200];
    fprintf(stderr, "[%zu/%zu] %s: %s (%.1f s)\n", r->finished,
            r->o->inputs->n, obs->input, summary(&c, obs, what, sizeof(what)),
            obs->test_runtime);
  }
  if(!prb_array_reserve(&r->announce, &r->cap_announce, r->n_announce + 1,
                        sizeof(*r->announce), SIZE_MAX)) {
    json_decref(rec);
    return;                     /* only the progress display misses it */
  }
  r->announce[r->n_announce++] = rec;
}

/* ---- canaries during the run ---------------------------------------- */

static void start_recheck(struct run *r);

/* Held records whose failure came before the check started get its
 * answer; the others wait for the next check. */
static void on_recheck(void *arg, bool reached)
{
  struct run *r = arg;
  r->canaries_ok = reached ? PRB_TRI_TRUE : PRB_TRI_FALSE;
  r->canaries_at = r->check_started;
  if(!reached && !r->offline) {
    r->offline = true;
    say(r, true, "the probe's own network went down during the run (no "
        "canary host answers); stopping");
  }
  size_t kept = 0;
  for(size_t i = 0; i < r->n_held; i++) {
    struct slot *h = &r->held[i];
    if(h->done_at > r->canaries_at) {
      r->held[kept++] = *h;
      continue;
    }
    emit(r, h->m, h->input);
    prb_meas_free(h->m);
  }
  r->n_held = kept;
  if(kept)
    start_recheck(r);
}

static void start_recheck(struct run *r)
{
  if(prb_canaries_busy(r->canaries))
    return;
  r->check_started = prb_now();
  prb_canaries_check(r->canaries, &r->e, PRB_CANARY_MAX, on_recheck, r);
}

/* A failure with no control to compare with could be our own network
 * going down: unless a canary check started after this measurement did,
 * its record waits for one. */
static bool needs_recheck(const struct run *r, const struct prb_meas *m)
{
  if(!r->canaries || prb_meas_control(m))
    return false;
  if(r->e.n_controls && !prb_meas_control_unreachable(m))
    return false;
  const struct prb_obs *obs = prb_meas_obs(m);
  bool failed = obs->dns_experiment_failure || obs->http_experiment_failure ||
                !obs->n_requests;
  return failed && r->canaries_at < prb_meas_started(m);
}

static void on_measured(void *arg, struct prb_meas *m)
{
  struct run *r = arg;
  size_t input = 0;
  for(size_t i = 0; i < r->in_flight; i++)
    if(r->active[i].m == m) {
      input = r->active[i].input;
      r->active[i] = r->active[--r->in_flight];
      break;
    }
  if(needs_recheck(r, m)) {
    struct slot *h = &r->held[r->n_held++];
    h->m = m;
    h->input = input;
    h->done_at = prb_now();
    start_recheck(r);
    return;
  }
  emit(r, m, input);
  prb_meas_free(m);
}

/* ---- the main loop -------------------------------------------------- */

static bool admitting(const struct run *r)
{
  return !r->stop && !r->write_failed && !r->budget_spent && !r->offline &&
         r->next < r->o->inputs->n;
}

static void admit(struct run *r)
{
  const struct prb_inputs *in = r->o->inputs;
  while(admitting(r) && r->in_flight + r->n_held < r->parallel) {
    size_t idx = r->next++;
    const struct prb_input *item = &in->items[idx];
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
      say(r, true, "out of memory");
      write_failed(r, ENOMEM);
      return;
    }
    r->active[r->in_flight].m = m;
    r->active[r->in_flight++].input = idx;
  }
}

/* Before each sleep: make finished records durable, tell the caller, and
 * refill. */
static void before_sleep(void *arg)
{
  struct run *r = arg;
  if(!r->write_failed && prb_writer_flush(r->w) < 0)
    write_failed(r, errno);
  size_t durable = prb_writer_count(r->w);
  size_t first = durable >= r->n_announce ? durable - r->n_announce : 0;
  for(size_t i = 0; i < r->n_announce; i++) {
    const json_t *rec = r->announce[i];
    if(r->o->on_record && !r->write_failed)
      r->o->on_record(r->o->on_record_ctx,
                      json_string_value(json_object_get(rec, "input")), rec,
                      first + i + 1, r->o->inputs->n);
    json_decref(r->announce[i]);
  }
  r->n_announce = 0;
  admit(r);
}

static void on_budget(void *arg)
{
  struct run *r = arg;
  r->budget_spent = true;
}

static void fill_stats(const struct run *r, double t0,
                       struct prb_run_stats *stats)
{
  if(!stats)
    return;
  stats->written = prb_writer_count(r->w);
  stats->not_started = r->o->inputs->n - r->next;
  stats->seconds = prb_now() - t0;
  stats->write_errno = r->write_failed ? r->write_errno : 0;
  snprintf(stats->output, sizeof(stats->output), "%s",
           prb_writer_path(r->w));
  snprintf(stats->report_id, sizeof(stats->report_id), "%s",
           r->info.report_id);
}

static int measure_all(struct run *r, struct prb_run_stats *stats)
{
  const struct prb_run_opts *o = r->o;
  double t0 = prb_now();
  r->parallel = fd_budget(r);
  prb_timer_init(&r->budget);
  if(o->max_runtime > 0)
    prb_timer_start(r->e.loop, &r->budget, o->max_runtime, on_budget, r);
  r->active = calloc(r->parallel, sizeof(*r->active));
  r->held = calloc(r->parallel, sizeof(*r->held));
  if(!r->active || !r->held) {
    say(r, true, "out of memory");
    return PRB_EXIT_INTERNAL;
  }
  prb_loop_before_sleep(r->e.loop, before_sleep, r);
  admit(r);
  /* With the budget spent, measurements in flight still finish (their
   * own deadlines bound them) and are written; no new one starts. */
  while(!r->stop && !r->write_failed &&
        (r->in_flight || r->n_held || admitting(r)))
    prb_loop_run_once(r->e.loop, 1.0);
  prb_timer_stop(r->e.loop, &r->budget);
  before_sleep(r);              /* the last records */
  prb_loop_before_sleep(r->e.loop, NULL, NULL);
  fill_stats(r, t0, stats);
  size_t kept = prb_writer_count(r->w);
  size_t left = o->inputs->n - r->next;
  const char *path = prb_writer_path(r->w);
  if(r->write_failed) {
    say(r, true, "cannot write %s: %s; stopped with %zu complete records "
        "kept, %zu inputs not measured", path, strerror(r->write_errno),
        kept, left + r->in_flight);
    return PRB_EXIT_OUTPUT;
  }
  if(r->stop) {
    say(r, true, "stopped by signal %d: %zu complete records kept in %s; "
        "%zu measurements in flight discarded, %zu not started", r->signo,
        kept, path, r->in_flight + r->n_held, left);
    return PRB_EXIT_INTERRUPTED;
  }
  if(r->offline) {
    say(r, true, "%zu complete records kept in %s (those measured while "
        "offline say probe_offline); %zu inputs not measured", kept, path,
        left);
    return PRB_EXIT_OFFLINE;
  }
  double secs = prb_now() - t0;
  if(r->budget_spent && left)
    say(r, false, "time budget of %.0f s reached: %zu complete records "
        "kept in %s; %zu inputs left for the next run", o->max_runtime, kept,
        path, left);
  else if(!o->quiet)
    say(r, false, "records written: %zu, in %.1f s (%.1f/s), to %s", kept,
        secs, secs > 0 ? (double)kept / secs : 0, path);
  return PRB_EXIT_OK;
}

/* ---- set-up --------------------------------------------------------- */

static void on_preflight(void *arg, bool reached)
{
  struct run *r = arg;
  r->canaries_ok = reached ? PRB_TRI_TRUE : PRB_TRI_FALSE;
  r->canaries_at = prb_now();
}

/* Refuses to measure when none of the canaries answers. */
static int preflight(struct run *r)
{
  if(!r->canaries)
    return PRB_EXIT_INPUT;      /* load_canaries said why */
  r->canaries_ok = PRB_TRI_NULL;
  prb_canaries_check(r->canaries, &r->e, PRB_CANARY_MAX, on_preflight, r);
  while(prb_canaries_busy(r->canaries) && !r->stop)
    prb_loop_run_once(r->e.loop, 1.0);
  if(r->stop)
    return PRB_EXIT_INTERRUPTED;
  if(r->canaries_ok != PRB_TRI_TRUE) {
    say(r, true, "the probe's own network is unavailable: none of the %zu "
        "canary hosts in %s could be reached. Nothing was measured, and no "
        "site is reported as blocked. Check the connection and run again.",
        prb_canaries_count(r->canaries), prb_canaries_file(r->canaries));
    return PRB_EXIT_OFFLINE;
  }
  return PRB_EXIT_OK;
}

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
  if(o->report_id)
    snprintf(r->info.report_id, sizeof(r->info.report_id), "%s",
             o->report_id);
  else
    prb_record_make_report_id(r->info.report_id, sizeof(r->info.report_id),
                              r->info.probe_cc, r->info.probe_asn);
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
    say(r, true, "cannot write the results: %s", why);
    return PRB_EXIT_OUTPUT;
  }
  return PRB_EXIT_OK;
}

enum prb_exit prb_run(const struct prb_run_opts *o, struct prb_run_stats *stats)
{
  if(stats)
    memset(stats, 0, sizeof(*stats));
  struct run r;
  memset(&r, 0, sizeof(r));
  r.o = o;
  r.canaries_ok = PRB_TRI_NULL;
  signal(SIGPIPE, SIG_IGN);     /* a closed stdout is an error, not death */
  struct prb_engine_cfg cfg;
  memset(&cfg, 0, sizeof(cfg));
  cfg.ca_file = o->ca_file;
  cfg.step_timeout = o->step_timeout;
  cfg.decoy_sni = o->decoy_sni;
  cfg.resolvers = o->resolvers;
  cfg.n_resolvers = o->n_resolvers;
  cfg.controls = o->no_control ? NULL : o->controls;
  cfg.n_controls = o->no_control ? 0 : o->n_controls;
  prb_evidence_load(&r.ev, stderr);
  char why[512];
  int rc = prb_engine_up(&r.e, &cfg, why, sizeof(why));
  if(rc != PRB_EXIT_OK) {
    say(&r, true, "%s", why);
    goto out;
  }
  for(size_t i = 0; i < r.e.n_controls; i++)
    if(!r.e.controls[i].ip[0])
      say(&r, true, "control %s: its name does not resolve; measurements "
          "will record it as unreachable", r.e.controls[i].url);
  prb_loop_watch_signals(r.e.loop, on_signal, &r);
  /* Without a preflight the canaries still serve the checks made when a
   * site fails with no control to compare with. */
  r.canaries = prb_canaries_load(o->canaries, stderr, why, sizeof(why));
  if(!r.canaries && !o->no_preflight)
    say(&r, true, "%s", why);
  if(!o->no_preflight) {
    rc = preflight(&r);
    if(rc != PRB_EXIT_OK)
      goto out;
  }
  fill_runinfo(&r);
  /* Before any record: learn our public address (to scrub it) and, with
   * no network configured, which network we are on. */
  json_t *hello = prb_engine_greet(&r.e);
  adopt_network(&r, hello);
  json_decref(hello);
  rc = open_output(&r);
  if(rc != PRB_EXIT_OK)
    goto out;
  rc = measure_all(&r, stats);
out:
  /* Measurements cut short by a signal or a write error are dropped
   * whole: a record is written complete or not at all. */
  for(size_t i = 0; i < r.in_flight; i++)
    prb_meas_free(r.active[i].m);
  for(size_t i = 0; i < r.n_held; i++)
    prb_meas_free(r.held[i].m);
  for(size_t i = 0; i < r.n_announce; i++)
    json_decref(r.announce[i]);
  free(r.announce);
  free(r.active);
  free(r.held);
  prb_canaries_free(r.canaries);
  if(r.w)
    prb_writer_close(r.w);
  prb_engine_down(&r.e);
  prb_evidence_free(&r.ev);
  return rc;
}
