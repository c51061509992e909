/* results_cmd.c: list past runs, show one run's verdicts, in the
 * volunteer's language (--json: in English, for machines). */
#include "volunteer/results_cmd.h"
#include "common/errors.h"
#include "common/suggest.h"
#include "common/textclean.h"
#include "volunteer/config.h"
#include "volunteer/lock.h"
#include "volunteer/progress.h"
#include "volunteer/state.h"
#include "volunteer/upload.h"
#include "volunteer/words.h"

#include <errno.h>
#include <jansson.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define NETWORK_COLUMN_MAX 40   /* wider names are cut, with "…" */

static void access_hint(const char *dir)
{
  fprintf(stderr, prb_tr("accessprobe: cannot read %s: %s\n"), dir,
          strerror(errno));
  if(errno == EACCES)
    fprintf(stderr, "%s", prb_tr("accessprobe: the scheduled runs' results "
                                 "belong to the accessprobe group; add "
                                 "yourself with `sudo adduser $USER "
                                 "accessprobe`, then log in again\n"));
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
  fprintf(out, prb_trn("!! OFFLINE: the last %zu run measured nothing: no "
                       "canary host answered\n", "!! OFFLINE: the last %zu "
                       "runs measured nothing: no canary host answered\n",
                       n), n);
  fprintf(out, prb_tr("!! (last run that measured: %s).\n!! If this "
                      "computer is online, its resolver may be blocked for "
                      "the service: a resolver on\n!! 127.0.0.1 or ::1 "
                      "(dnsmasq, unbound, Pi-hole) needs `sudo "
                      "scripts/install-schedule`\n!! again; see `journalctl "
                      "-u accessprobe` and docs/volunteers.md.\n\n"),
          since ? since : prb_tr("none"));
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
  fprintf(out, "     %s", prb_tr("upload:"));
  for(size_t i = 0; i < up->n; i++) {
    struct prb_upload_result st;
    prb_upload_status(dir, up->urls[i], e->file, records_of(e), &st);
    fprintf(out, "%s %s ", i ? ";" : "", up->urls[i]);
    fprintf(out, prb_tr("%llu stored"), (unsigned long long)st.acked);
    if(st.refused || st.skipped)
      fprintf(out, prb_tr(", %llu refused"),
              (unsigned long long)(st.refused + st.skipped));
    fprintf(out, prb_tr(", %llu waiting"), (unsigned long long)st.waiting);
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

static int list_json(const char *dir, struct prb_index *ix,
                     const struct uploads *up, FILE *out)
{
  int held = prb_lock_held(dir);
  for(size_t i = 0; i < ix->n; i++) {
    struct prb_run_entry *e = &ix->runs[i];
    const char *st = shown_status(e, held);
    live_counts(dir, e, st);
    json_t *c = json_object();
    for(int v = 0; c && v < PRB_STATE_VERDICTS; v++)
      json_object_set_new(c, prb_state_verdict_name(v),
                          json_integer((json_int_t)e->counts[v]));
    /* The name came from a person or a file: never let one bad byte make
     * the whole listing fail. */
    json_t *o = json_pack("{s:i, s:s, s:s, s:s, s:s, s:s, s:o, s:o, s:I, "
                          "s:o, s:s?, s:o}", "n", (int)(i + 1), "id", e->id,
                          "started", e->started, "status", st,
                          "probe_asn", e->asn, "probe_cc", e->cc,
                          "probe_network_name",
                          prb_json_text(e->network, strlen(e->network)),
                          "file", prb_json_text(e->file, strlen(e->file)),
                          "left", (json_int_t)e->left,
                          "verdicts", c ? c : json_object(),
                          "control", e->control[0] ? e->control : NULL,
                          "uploads", upload_json(dir, e, up));
    if(o && e->control_unreachable)
      json_object_set_new(o, "control_unreachable", json_pack(
        "{s:I, s:s}", "measurements", (json_int_t)e->control_unreachable,
        "how", e->control_how));
    char *s = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
    json_decref(o);
    if(!s)
      return PRB_EXIT_INTERNAL;
    fprintf(out, "%s\n", s);
    free(s);
  }
  return PRB_EXIT_OK;
}

static void network_of(const struct prb_run_entry *e, char *buf, size_t len)
{
  snprintf(buf, len, "%s %s%s%s", e->asn, e->cc, e->network[0] ? " " : "",
           e->network);
}

/* The table's columns: a header and a width, each at least its header's. */
enum { C_N, C_START, C_NET, C_STATUS, C_CONTROL, C_SITES, C_OK, C_BLOCKED,
       C_THROTTLED, C_DOWN, C_OTHER, C_COUNT };

static size_t max_size(size_t a, size_t b)
{
  return a > b ? a : b;
}

static void list_text(const char *dir, struct prb_index *ix,
                      const struct uploads *up, FILE *out)
{
  int held = prb_lock_held(dir);
  const char *head[C_COUNT] = {
    "#", prb_tr("started (UTC)"), prb_tr("network"), prb_tr("status"),
    prb_tr("control"), prb_tr("sites"), prb_tr("ok"), prb_tr("blocked"),
    prb_tr("throttled"), prb_tr("down"), prb_tr("other")
  };
  size_t width[C_COUNT];
  for(int k = 0; k < C_COUNT; k++)
    width[k] = max_size(prb_words_width(head[k]), k >= C_SITES ? 5 : 1);
  width[C_N] = 3;
  width[C_START] = max_size(width[C_START], 16);
  bool without = false;
  for(size_t i = 0; i < ix->n; i++) {
    char net[160];
    network_of(&ix->runs[i], net, sizeof(net));
    width[C_NET] = max_size(width[C_NET], prb_words_width(net));
    width[C_STATUS] = max_size(width[C_STATUS], prb_words_width(
                                 prb_words_status(shown_status(&ix->runs[i],
                                                               held))));
    without |= !strcmp(ix->runs[i].control, "without");
  }
  if(width[C_NET] > NETWORK_COLUMN_MAX)
    width[C_NET] = NETWORK_COLUMN_MAX;
  width[C_CONTROL] = max_size(width[C_CONTROL], max_size(
                                prb_words_width(prb_tr("yes")),
                                prb_words_width(prb_tr("no"))));
  for(int k = 0; k < C_COUNT; k++) {
    prb_words_cell(out, head[k], width[k], k == C_N || k >= C_SITES);
    fputs(k + 1 < C_COUNT ? "  " : "\n", out);
  }
  for(size_t i = 0; i < ix->n; i++) {
    struct prb_run_entry *e = &ix->runs[i];
    const char *st = shown_status(e, held);
    live_counts(dir, e, st);
    size_t cell[C_COUNT] = {0};
    for(int v = 0; v < PRB_STATE_VERDICTS; v++)
      cell[C_SITES] += e->counts[v];
    cell[C_OK] = e->counts[PRB_VERDICT_OK];
    cell[C_BLOCKED] = e->counts[PRB_VERDICT_BLOCKED];
    cell[C_THROTTLED] = e->counts[PRB_VERDICT_THROTTLED];
    cell[C_DOWN] = e->counts[PRB_VERDICT_DOWN];
    cell[C_OTHER] = cell[C_SITES] - cell[C_OK] - cell[C_BLOCKED] -
                    cell[C_THROTTLED] - cell[C_DOWN];
    char text[C_SITES][160];
    snprintf(text[C_N], sizeof(text[0]), "%zu", i + 1);
    snprintf(text[C_START], sizeof(text[0]), "%.10s %.5s", e->started,
             strlen(e->started) > 11 ? e->started + 11 : "");
    network_of(e, text[C_NET], sizeof(text[0]));
    snprintf(text[C_STATUS], sizeof(text[0]), "%s", prb_words_status(st));
    snprintf(text[C_CONTROL], sizeof(text[0]), "%s",
             !strcmp(e->control, "with") ? prb_tr("yes") :
             !strcmp(e->control, "without") ? prb_tr("no") : "?");
    for(int k = 0; k < C_SITES; k++) {
      prb_words_cell(out, text[k], width[k], k == C_N);
      fputs("  ", out);
    }
    for(int k = C_SITES; k < C_COUNT; k++)
      fprintf(out, "%*zu%s", (int)width[k], cell[k],
              k + 1 < C_COUNT ? "  " : "\n");
    if(e->left)
      fprintf(out, prb_trn("     (%zu input was left unmeasured)\n",
                           "     (%zu inputs were left unmeasured)\n",
                           e->left), e->left);
    if(e->control_unreachable)
      fprintf(out, prb_trn("     (the control was unreachable for %zu "
                           "measurement: %s)\n", "     (the control was "
                           "unreachable for %zu measurements: %s)\n",
                           e->control_unreachable), e->control_unreachable,
              e->control_how[0] ? e->control_how : "other");
    upload_line(dir, e, up, out);
  }
  if(without)
    fprintf(out, "\n%s", prb_tr("Runs without a control (\"no\" above) "
                                "cannot tell blocking from an outage: most "
                                "sites that did not open are \"other\" "
                                "(inconclusive). Ask your monitoring "
                                "organisation for a control: "
                                "docs/volunteers.md.\n"));
  fprintf(out, "\n%s", prb_tr("`accessprobe results show N` prints the "
                              "verdict for each site of run N.\n"));
}

static int list_runs(const char *dir, struct prb_index *ix, bool json,
                     const struct uploads *up, FILE *out)
{
  if(json)
    return list_json(dir, ix, up, out);
  if(!ix->n) {
    fprintf(out, prb_tr("No runs yet in %s.\n"), dir);
    return PRB_EXIT_OK;
  }
  offline_banner(ix, out);
  list_text(dir, ix, up, out);
  return PRB_EXIT_OK;
}

/* "3" is run number 3 of the list (never the start of a run id), "latest"
 * the newest, anything else a run id or the start of one. */
static struct prb_run_entry *pick_run(const char *dir, struct prb_index *ix,
                                      const char *which)
{
  if(!strcmp(which, "latest") || !strcmp(which, "last")) {
    if(ix->n)
      return &ix->runs[ix->n - 1];
  } else if(which[0] && strspn(which, "0123456789") == strlen(which)) {
    char *end;
    unsigned long n = strtoul(which, &end, 10);
    if(n >= 1 && n <= ix->n)
      return &ix->runs[n - 1];
    fprintf(stderr, prb_trn("accessprobe: there is no run %s in %s: it "
                            "holds %zu run (`accessprobe results` lists "
                            "it)\n", "accessprobe: there is no run %s in "
                            "%s: it holds %zu runs (`accessprobe results` "
                            "lists them)\n", ix->n), which, dir, ix->n);
    return NULL;
  } else {
    struct prb_run_entry *e = prb_state_index_find(ix, which);
    if(e)
      return e;
  }
  fprintf(stderr, prb_tr("accessprobe: no run %s in %s; `accessprobe "
                         "results` lists them\n"), which, dir);
  return NULL;
}

/* What show_records() counted: each site by its first measurement. */
struct shown {
  size_t counts[PRB_STATE_VERDICTS];
  size_t answered, control_failed;  /* the control's answer, or failure */
  size_t looks;                     /* second looks */
  size_t lost;                      /* records: the control unreachable */
  char how[16];                     /* and how, the last one's */
};

/* One line per record; counts by verdict and of the control's answers. */
static void show_records(FILE *f, FILE *out, struct shown *sh)
{
  size_t vw = 0;
  for(int v = 0; v < PRB_STATE_VERDICTS; v++)
    vw = max_size(vw, prb_words_width(prb_words_verdict(v)));
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  while((len = getline(&line, &cap, f)) > 0) {
    if(line[len - 1] != '\n')
      break;
    json_t *rec = json_loadb(line, (size_t)len, 0, NULL);
    const char *input = json_string_value(json_object_get(rec, "input"));
    if(json_is_object(rec) && input) {
      enum prb_verdict v = prb_state_record_verdict(rec);
      json_t *tk = json_object_get(rec, "test_keys");
      bool again = json_object_get(tk, "x_second_look") != NULL;
      const char *how = json_string_value(json_object_get(
        json_object_get(tk, "x_control_unreachable"), "how"));
      char why[160];
      prb_progress_reason(rec, why, sizeof(why));
      if(again)
        sh->looks++;
      else {
        sh->counts[v]++;
        if(prb_progress_control_answered(rec))
          sh->answered++;
        else if(json_is_string(json_object_get(tk, "control_failure")))
          sh->control_failed++;
      }
      if(how) {
        sh->lost++;
        snprintf(sh->how, sizeof(sh->how), "%s", how);
      }
      prb_words_cell(out, prb_words_verdict(v), vw, false);
      fprintf(out, "  %s  (%s)%s\n", input, why,
              again ? prb_tr("  second look") : "");
    }
    json_decref(rec);
  }
  free(line);
}

static int show_run(const char *dir, struct prb_index *ix, const char *which,
                    FILE *out)
{
  struct prb_run_entry *e = pick_run(dir, ix, which);
  if(!e)
    return PRB_EXIT_USAGE;
  char path[4096];
  if(!e->file[0] || !prb_state_path(dir, e->file, path, sizeof(path))) {
    fprintf(stderr, prb_tr("accessprobe: run %s has no results file\n"),
            e->id);
    return PRB_EXIT_INPUT;
  }
  const char *st = prb_words_status(shown_status(e, prb_lock_held(dir)));
  FILE *f = fopen(path, "rbe");
  if(!f) {
    if(errno == ENOENT) {
      fprintf(out, prb_tr("Run %s (%s): no records (%s).\n"), e->id,
              e->started, st);
      return PRB_EXIT_OK;
    }
    access_hint(path);
    return PRB_EXIT_INPUT;
  }
  char net[160];
  network_of(e, net, sizeof(net));
  fprintf(out, prb_tr("Run %s\nstarted %s, network %s, %s\n\n"), e->id,
          e->started, net, st);
  struct shown sh = {0};
  size_t all = 0;
  show_records(f, out, &sh);
  fclose(f);
  fprintf(out, "\n");
  for(int v = 0; v < PRB_STATE_VERDICTS; v++) {
    all += sh.counts[v];
    if(sh.counts[v])
      fprintf(out, "%s %zu  ", prb_words_verdict(v), sh.counts[v]);
  }
  fprintf(out, "\n");
  if(sh.looks)
    fprintf(out, prb_trn("%zu site found blocked without confirmation, or "
                         "down, was measured a second time (\"second "
                         "look\"); the counts are of first measurements.\n",
                         "%zu sites found blocked without confirmation, or "
                         "down, were measured a second time (\"second "
                         "look\"); the counts are of first measurements.\n",
                         sh.looks), sh.looks);
  if(sh.lost)
    fprintf(out, prb_trn("The control could not be reached for %zu "
                         "measurement (%s): a blocked control is itself a "
                         "finding. Without it, only a fingerprint or the "
                         "SNI test says blocked.\n", "The control could not "
                         "be reached for %zu measurements (%s): a blocked "
                         "control is itself a finding. Without it, only a "
                         "fingerprint or the SNI test says blocked.\n",
                         sh.lost), sh.lost, sh.how);
  if(e->left)
    fprintf(out, prb_trn("%zu input was left unmeasured.\n",
                         "%zu inputs were left unmeasured.\n", e->left),
            e->left);
  if(all && !sh.answered && !sh.control_failed)
    fprintf(out, "%s", prb_tr("This run measured without a control: a site "
                              "that failed here cannot be told from a site "
                              "that is down everywhere, so those are "
                              "\"inconclusive\"; blocking is named only "
                              "when it leaves a signature (a block page, a "
                              "forged DNS answer, an interception "
                              "certificate). See docs/volunteers.md, \"The "
                              "control\".\n"));
  else if(all && sh.answered < all)
    fprintf(out, prb_tr("The control answered for %zu of %zu sites; the "
                        "others cannot be told from an outage.\n"),
            sh.answered, all);
  return PRB_EXIT_OK;
}

static int usage_error(const char *arg)
{
  static const char *const known[] = {"show", "--json", "--state-dir",
                                      "--config"};
  const char *near = prb_suggest(arg, known, sizeof(known) / sizeof(known[0]));
  if(near)
    fprintf(stderr, prb_tr("accessprobe results: unknown argument %s; did "
                           "you mean %s?\n"), arg, near);
  else
    fprintf(stderr, prb_tr("accessprobe results: unknown argument %s\n"),
            arg);
  fprintf(stderr, "%s", prb_tr("Usage: accessprobe results [--json]\n"
                               "       accessprobe results show RUN   (N, "
                               "latest, or a run id)\n"));
  return PRB_EXIT_USAGE;
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
    else if(!strcmp(argv[i], "show") && !show) {
      fprintf(stderr, "%s", prb_tr("accessprobe results: show needs a run: "
                                   "N, latest or a run id\n"));
      return PRB_EXIT_USAGE;
    } else
      return usage_error(argv[i]);
  }
  if(access(state_dir, R_OK | X_OK) < 0) {
    if(errno == ENOENT) {
      fprintf(out, prb_tr("No runs yet: %s does not exist.\n"), state_dir);
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
  const char *config = prb_config_arg(argc, argv);
  prb_words_use(prb_words_env_lang());
  int rc = prb_config_state_dir(&argc, argv, dir, sizeof(dir));
  if(rc >= 0)
    return rc;
  prb_words_use_for(dir);
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
