/* results_cmd.c: list past runs, show one run's verdicts. */
#include "volunteer/results_cmd.h"
#include "common/errors.h"
#include "volunteer/lock.h"
#include "volunteer/state.h"
#include "common/textclean.h"
#include "volunteer/config.h"
#include "volunteer/upload.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void access_hint(const char *dir)
{
  fprintf(stderr, "accessprobe: cannot read %s: %s\n", dir, strerror(errno));
  if(errno == EACCES)
    fprintf(stderr, "accessprobe: the scheduled runs' results belong to the "
            "accessprobe group; add yourself with `sudo adduser $USER "
            "accessprobe`, then log in again\n");
}

/* A run that says "running" while nobody holds the lock was killed. */
static const char *shown_status(const struct prb_run_entry *e, int held)
{
  if(!strcmp(e->status, "running") && held == 0)
    return "interrupted";
  return e->status;
}

/* Counts for display: from the file for runs that did not finish (their
 * index entry was written before any record). */
static void live_counts(const char *dir, struct prb_run_entry *e,
                        const char *status)
{
  if(!strcmp(status, "complete") && e->finished[0])
    return;
  char path[4096];
  size_t total;
  if(e->file[0] && prb_state_path(dir, e->file, path, sizeof(path)))
    prb_state_count(path, e->counts, &total);
}

/* Offline runs exit 5, which the timer counts as success: a probe that
 * has measured nothing for days must be obvious here, first thing. */
static void offline_banner(const struct prb_index *ix, FILE *out)
{
  const char *since = NULL;
  size_t n = prb_state_offline_streak(ix, &since);
  if(!n)
    return;
  fprintf(out, "!! OFFLINE: the last %zu run%s measured nothing: no canary "
          "host answered\n!! (last run that measured: %s).\n!! If this "
          "computer is online, its resolver may be blocked for the service: "
          "a resolver on\n!! 127.0.0.1 or ::1 (dnsmasq, unbound, Pi-hole) "
          "needs `sudo scripts/install-schedule`\n!! again; see `journalctl "
          "-u accessprobe` and docs/volunteers.md.\n\n", n,
          n == 1 ? "" : "s", since ? since : "none");
}

/* Where the records went: the configured collectors. */
struct uploads {
  const char *urls[PRB_MAX_COLLECTORS + 1];
  size_t n;
};

static uint64_t records_of(const struct prb_run_entry *e)
{
  uint64_t n = 0;
  for(int v = 0; v < PRB_STATE_VERDICTS; v++)
    n += e->counts[v];
  return n;
}

/* One line per run: what each collector took and what waits. */
static void upload_line(const char *dir, const struct prb_run_entry *e,
                        const struct uploads *up, FILE *out)
{
  if(!up->n || !e->file[0])
    return;
  fprintf(out, "     upload:");
  for(size_t i = 0; i < up->n; i++) {
    struct prb_upload_result st;
    prb_upload_status(dir, up->urls[i], e->file, records_of(e), &st);
    fprintf(out, "%s %s %llu stored", i ? ";" : "", up->urls[i],
            (unsigned long long)st.acked);
    if(st.refused || st.skipped)
      fprintf(out, ", %llu refused", (unsigned long long)(st.refused +
                                                         st.skipped));
    fprintf(out, ", %llu waiting", (unsigned long long)st.waiting);
  }
  fprintf(out, "\n");
}

static json_t *upload_json(const char *dir, const struct prb_run_entry *e,
                           const struct uploads *up)
{
  json_t *a = json_array();
  for(size_t i = 0; a && e->file[0] && i < up->n; i++) {
    struct prb_upload_result st;
    prb_upload_status(dir, up->urls[i], e->file, records_of(e), &st);
    json_array_append_new(a, json_pack("{s:s, s:I, s:I, s:I, s:I}",
                                       "collector", up->urls[i], "stored",
                                       (json_int_t)st.acked, "refused",
                                       (json_int_t)st.refused,
                                       "not_uploadable",
                                       (json_int_t)st.skipped, "waiting",
                                       (json_int_t)st.waiting));
  }
  return a ? a : json_array();
}

static int list_runs(const char *dir, struct prb_index *ix, bool json,
                     const struct uploads *up, FILE *out)
{
  int held = prb_lock_held(dir);
  if(json) {
    for(size_t i = 0; i < ix->n; i++) {
      struct prb_run_entry *e = &ix->runs[i];
      const char *st = shown_status(e, held);
      live_counts(dir, e, st);
      json_t *c = json_object();
      for(int v = 0; c && v < PRB_STATE_VERDICTS; v++)
        json_object_set_new(c, prb_state_verdict_name(v),
                            json_integer((json_int_t)e->counts[v]));
      /* The name came from a person or a file: never let one bad byte
       * make the whole listing fail. */
      json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:I, "
                            "s:o, s:o}", "n", (int)(i + 1), "id", e->id,
                            "started", e->started, "status", st,
                            "probe_asn", e->asn, "probe_cc", e->cc,
                            "probe_network_name",
                            prb_json_text(e->network, strlen(e->network)),
                            "file", prb_json_text(e->file, strlen(e->file)),
                            "left", (json_int_t)e->left,
                            "verdicts", c ? c : json_object(),
                            "uploads", upload_json(dir, e, up));
      char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
      json_decref(o);
      if(!s)
        return PRB_EXIT_INTERNAL;
      fprintf(out, "%s\n", s);
      free(s);
    }
    return PRB_EXIT_OK;
  }
  if(!ix->n) {
    fprintf(out, "No runs yet in %s.\n", dir);
    return PRB_EXIT_OK;
  }
  offline_banner(ix, out);
  fprintf(out, "%3s  %-16s  %-20s  %-11s  %5s  %5s  %7s  %5s  %5s\n", "#",
          "started (UTC)", "network", "status", "sites", "ok", "blocked",
          "down", "other");
  for(size_t i = 0; i < ix->n; i++) {
    struct prb_run_entry *e = &ix->runs[i];
    const char *st = shown_status(e, held);
    live_counts(dir, e, st);
    size_t sites = 0;
    for(int v = 0; v < PRB_STATE_VERDICTS; v++)
      sites += e->counts[v];
    size_t other = sites - e->counts[PRB_VERDICT_OK] - e->counts[PRB_VERDICT_BLOCKED] -
                   e->counts[PRB_VERDICT_DOWN];
    char net[64];
    snprintf(net, sizeof(net), "%s %s%s%.10s", e->asn, e->cc,
             e->network[0] ? " " : "", e->network);
    char when[17];
    snprintf(when, sizeof(when), "%.10s %.5s", e->started,
             strlen(e->started) > 11 ? e->started + 11 : "");
    fprintf(out, "%3zu  %-16s  %-20.20s  %-11s  %5zu  %5zu  %7zu  %5zu  "
            "%5zu\n", i + 1, when, net, st, sites, e->counts[PRB_VERDICT_OK],
            e->counts[PRB_VERDICT_BLOCKED], e->counts[PRB_VERDICT_DOWN], other);
    if(e->left)
      fprintf(out, "     (%zu inputs were left unmeasured)\n", e->left);
    upload_line(dir, e, up, out);
  }
  fprintf(out, "\n`accessprobe results show N` prints the verdict for each "
          "site of run N.\n");
  return PRB_EXIT_OK;
}

/* Why a site got its verdict, in a few words. */
static void reason(json_t *rec, char *buf, size_t len)
{
  json_t *tk = json_object_get(rec, "test_keys");
  json_t *an = json_object_get(tk, "x_analysis");
  const char *method = json_string_value(json_object_get(an, "method"));
  const char *detail = json_string_value(json_object_get(an, "detail"));
  const char *dnsf = json_string_value(json_object_get(tk,
                                       "dns_experiment_failure"));
  const char *httpf = json_string_value(json_object_get(tk,
                                        "http_experiment_failure"));
  if(method || detail)
    snprintf(buf, len, "%s%s%s", method ? method : "",
             method && detail ? ": " : "", detail ? detail : "");
  else if(dnsf)
    snprintf(buf, len, "dns: %s", dnsf);
  else if(httpf)
    snprintf(buf, len, "%s", httpf);
  else {
    json_t *reqs = json_object_get(tk, "requests");
    json_t *code = json_object_get(json_object_get(json_array_get(reqs, 0),
                                                   "response"), "code");
    if(json_is_integer(code))
      snprintf(buf, len, "HTTP %lld", (long long)json_integer_value(code));
    else
      snprintf(buf, len, "-");
  }
}

static int show_run(const char *dir, struct prb_index *ix, const char *which,
                    FILE *out)
{
  struct prb_run_entry *e = NULL;
  char *end;
  long n = strtol(which, &end, 10);
  if(!strcmp(which, "latest") || !strcmp(which, "last"))
    e = ix->n ? &ix->runs[ix->n - 1] : NULL;
  else if(end != which && !*end && n >= 1 && (size_t)n <= ix->n)
    e = &ix->runs[n - 1];
  else
    e = prb_state_index_find(ix, which);
  if(!e) {
    fprintf(stderr, "accessprobe: no run %s in %s; `accessprobe results` "
            "lists them\n", which, dir);
    return PRB_EXIT_USAGE;
  }
  char path[4096];
  if(!e->file[0] || !prb_state_path(dir, e->file, path, sizeof(path))) {
    fprintf(stderr, "accessprobe: run %s has no results file\n", e->id);
    return PRB_EXIT_INPUT;
  }
  FILE *f = fopen(path, "rbe");
  if(!f) {
    if(errno == ENOENT) {
      fprintf(out, "Run %s (%s): no records (%s).\n", e->id, e->started,
              shown_status(e, prb_lock_held(dir)));
      return PRB_EXIT_OK;
    }
    access_hint(path);
    return PRB_EXIT_INPUT;
  }
  fprintf(out, "Run %s\nstarted %s, network %s %s%s%s, %s\n\n", e->id,
          e->started, e->asn, e->cc, e->network[0] ? " " : "", e->network,
          shown_status(e, prb_lock_held(dir)));
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  size_t counts[PRB_STATE_VERDICTS] = {0};
  while((len = getline(&line, &cap, f)) > 0) {
    if(line[len - 1] != '\n')
      break;
    json_t *rec = json_loadb(line, (size_t)len, 0, NULL);
    const char *input = json_string_value(json_object_get(rec, "input"));
    if(json_is_object(rec) && input) {
      enum prb_verdict v = prb_state_record_verdict(rec);
      char why[160];
      reason(rec, why, sizeof(why));
      counts[v]++;
      fprintf(out, "%-13s %s  (%s)\n", prb_state_verdict_name(v), input, why);
    }
    json_decref(rec);
  }
  free(line);
  fclose(f);
  fprintf(out, "\n");
  for(int v = 0; v < PRB_STATE_VERDICTS; v++)
    if(counts[v])
      fprintf(out, "%s %zu  ", prb_state_verdict_name(v), counts[v]);
  fprintf(out, "\n");
  if(e->left)
    fprintf(out, "%zu inputs were left unmeasured.\n", e->left);
  return PRB_EXIT_OK;
}

/* The command once the folder is chosen. */
static enum prb_exit results(const char *state_dir, int argc, char **argv,
                             const struct uploads *up, FILE *out)
{
  bool json = false;
  const char *show = NULL;
  for(int i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--json"))
      json = true;
    else if(!strcmp(argv[i], "show") && i + 1 < argc && !show)
      show = argv[++i];
    else {
      fprintf(stderr, "Usage: accessprobe results [--json]\n"
              "       accessprobe results show RUN   (N, latest, or a "
              "run id)\n");
      return PRB_EXIT_USAGE;
    }
  }
  if(access(state_dir, R_OK | X_OK) < 0) {
    if(errno == ENOENT) {
      fprintf(out, "No runs yet: %s does not exist.\n", state_dir);
      return show ? PRB_EXIT_USAGE : PRB_EXIT_OK;
    }
    access_hint(state_dir);
    return PRB_EXIT_INPUT;
  }
  struct prb_index ix;
  if(prb_state_index_load(state_dir, &ix, stderr) < 0) {
    if(errno == EACCES)
      access_hint(state_dir);
    return PRB_EXIT_INPUT;
  }
  /* Runs on disk that the index lost are shown too (read-only here: the
   * next run saves them). */
  if(prb_state_index_rebuild(state_dir, &ix) < 0) {
    prb_state_index_free(&ix);
    return PRB_EXIT_INTERNAL;
  }
  int rc = show ? show_run(state_dir, &ix, show, out) :
           list_runs(state_dir, &ix, json, up, out);
  prb_state_index_free(&ix);
  return rc;
}

enum prb_exit prb_results_main(int argc, char **argv)
{
  char dir[4096];
  const char *config = NULL;
  for(int i = 1; i < argc; i++)
    if(!strcmp(argv[i], "--config") && i + 1 < argc)
      config = argv[i + 1];
    else if(!strncmp(argv[i], "--config=", 9))
      config = argv[i] + 9;
  int rc = prb_config_state_dir(&argc, argv, dir, sizeof(dir));
  if(rc >= 0)
    return rc;
  struct prb_config cf;
  struct uploads up;
  prb_config_init(&cf);
  /* Checked already by prb_config_state_dir when it mattered. */
  if(!prb_config_load(&cf, config, NULL))
    prb_config_free(&cf);
  up.n = prb_upload_collectors(&cf, up.urls);
  rc = results(dir, argc, argv, &up, stdout);
  prb_config_free(&cf);
  return rc;
}
