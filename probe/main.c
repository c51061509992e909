/* main.c: the command line. Parses options, hands over to a subcommand,
 * returns its exit status. No measurement logic lives here. */
#include "volunteer/config.h"
#include "common/datadir.h"
#include "engine/dns.h"
#include "common/errors.h"
#include "lists/inputs.h"
#include "volunteer/lock.h"
#include "volunteer/onboard.h"
#include "volunteer/progress.h"
#include "volunteer/results_cmd.h"
#include "volunteer/resume.h"
#include "volunteer/state.h"
#include "common/textclean.h"
#include "lists/lists_check.h"
#include "report/report.h"
#include "servers/helper.h"
#include "engine/run.h"
#include "common/version.h"
#include "common/files.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>

static void usage(FILE *f)
{
  fprintf(f,
"Usage: accessprobe run [options] [URL...]\n"
"       accessprobe onboard [--lang kk|ru|en] [--yes] [--state-dir DIR]\n"
"       accessprobe results [show RUN] [--json] [--state-dir DIR]\n"
"       accessprobe lists check FILE...\n"
"       accessprobe report [options] FILE|DIR...   (see report --help)\n"
"       accessprobe helper [options]               (see helper --help)\n"
"       accessprobe --help | --version\n"
"\n"
"Measures whether websites are reachable from this network, the way OONI\n"
"Probe's Web Connectivity does (DNS, TCP, TLS, HTTP), and writes one\n"
"OONI-format JSON record per URL.\n"
"\n"
"run options:\n"
"  -i, --input URL           measure URL (repeatable)\n"
"  -f, --input-file FILE     measure the URLs of FILE: a Citizen Lab CSV list\n"
"                            or one URL per line, '#' comments (repeatable)\n"
"                            (default: the configured lists, else\n"
"                            lists/kz-media.csv)\n"
"  -o, --output FILE         JSON Lines output, '-' for standard output\n"
"                            (default: a new file under results/)\n"
"  -p, --parallel N          measurements in flight (default %d, max %d)\n"
"      --ca-file PATH        trust anchors, PEM file or directory\n"
"                            (default: %s)\n"
"      --resolver IP[:PORT]  also measure DNS through this resolver\n"
"                            (repeatable, at most %d)\n"
"      --probe-asn ASN       this network's AS number, e.g. AS9198\n"
"      --probe-cc CC         this network's country code, e.g. KZ\n"
"      --probe-network-name NAME  this network's name\n"
"      --canaries FILE       hosts that tell whether this probe is online\n"
"                            (default: lists/canaries.csv)\n"
"      --no-preflight        measure without checking the canaries first\n"
"      --step-timeout MS     deadline of each TCP, TLS and HTTP step\n"
"                            (default 10000; DNS uses at most 4000)\n"
"      --decoy-sni NAME      harmless server name for the SNI-filter check\n"
"                            (default example.com; '' turns it off)\n"
"      --control URL         control vantage point (OONI test-helper\n"
"                            protocol); repeatable, tried in order\n"
"      --no-control          measure without a control\n"
"      --max-runtime SECS    stop starting measurements after SECS; those\n"
"                            in flight finish and are written\n"
"  -q, --quiet               no progress lines\n"
"      --config FILE         configuration file (default: the first of\n"
"                            ~/.config/accessprobe/config.json and\n"
"                            %s)\n"
"      --state-dir DIR       keep results in DIR/results/DATE/RUN.jsonl with\n"
"                            a run index, a lock and retention\n"
"      --resume              carry on the last interrupted run (of -o FILE,\n"
"                            or of the state folder) without measuring its\n"
"                            recorded inputs again\n"
"      --scheduled           the timer's mode: needs consent (onboard), uses\n"
"                            the state folder, resumes, applies retention\n"
"      --log-format text|json  progress as text (default) or JSON lines\n"
"\n"
"Exit status: 0 run completed (whatever it found), 1 internal error,\n"
"2 usage error, 3 input unreadable or empty, 4 output unwritable,\n"
"5 this probe's own network is unavailable (nothing measured; or it\n"
"went down during the run: records so far kept, later ones not made),\n"
"6 interrupted (finished records kept), 7 lists check found bad rows,\n"
"8 disk full (finished records kept), 9 another run holds the output\n"
"folder, 10 no consent for a scheduled run, 11 malformed configuration.\n",
          PRB_DEFAULT_PARALLEL, PRB_MAX_PARALLEL, "/usr/share/ca-certificates/"
          "mozilla", PRB_MAX_RESOLVERS, PRB_CONFIG_SYSTEM_FILE);
}

enum {
  OPT_CA = 256, OPT_RESOLVER, OPT_ASN, OPT_CC, OPT_NETNAME, OPT_CANARIES,
  OPT_NO_PREFLIGHT, OPT_STEP_TIMEOUT, OPT_DECOY, OPT_CONTROL, OPT_NO_CONTROL,
  OPT_MAX_RUNTIME, OPT_CONFIG, OPT_STATE_DIR, OPT_RESUME, OPT_SCHEDULED,
  OPT_LOG_FORMAT
};

#define SCHEDULED_BUDGET 7200   /* seconds, when none is configured */
#define MIN_FREE_BYTES (1024 * 1024) /* below this, a run cannot start */
/* 2025-01-01: a clock before this is wrong (a Raspberry Pi without a clock
 * battery boots in the past), and every TLS handshake would fail. */
#define CLOCK_FLOOR 1735689600L

static bool parse_long(const char *s, long min, long max, long *out)
{
  char *end;
  long v = strtol(s, &end, 10);
  if(end == s || *end || v < min || v > max)
    return false;
  *out = v;
  return true;
}

/* What the command line said, before the configuration fills the gaps. */
struct cli {
  struct prb_run_opts o;
  const char *files[64];
  size_t n_files;
  const char *urls[256];
  size_t n_urls;
  char asn[24];
  bool set_parallel, set_step, set_budget, set_ca, set_canaries;
  const char *config, *state_dir;
  bool resume, scheduled;
  enum prb_log_format log;
};

/* Returns -1 to go on, else the exit status. */
static int parse_run_args(struct cli *c, int argc, char **argv)
{
  static const struct option longopts[] = {
    {"input", required_argument, NULL, 'i'},
    {"input-file", required_argument, NULL, 'f'},
    {"output", required_argument, NULL, 'o'},
    {"parallel", required_argument, NULL, 'p'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {"ca-file", required_argument, NULL, OPT_CA},
    {"resolver", required_argument, NULL, OPT_RESOLVER},
    {"probe-asn", required_argument, NULL, OPT_ASN},
    {"probe-cc", required_argument, NULL, OPT_CC},
    {"probe-network-name", required_argument, NULL, OPT_NETNAME},
    {"canaries", required_argument, NULL, OPT_CANARIES},
    {"no-preflight", no_argument, NULL, OPT_NO_PREFLIGHT},
    {"step-timeout", required_argument, NULL, OPT_STEP_TIMEOUT},
    {"decoy-sni", required_argument, NULL, OPT_DECOY},
    {"control", required_argument, NULL, OPT_CONTROL},
    {"no-control", no_argument, NULL, OPT_NO_CONTROL},
    {"max-runtime", required_argument, NULL, OPT_MAX_RUNTIME},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"state-dir", required_argument, NULL, OPT_STATE_DIR},
    {"resume", no_argument, NULL, OPT_RESUME},
    {"scheduled", no_argument, NULL, OPT_SCHEDULED},
    {"log-format", required_argument, NULL, OPT_LOG_FORMAT},
    {NULL, 0, NULL, 0}
  };
  struct prb_run_opts *o = &c->o;
  long v;
  int ch;
  while((ch = getopt_long(argc, argv, "i:f:o:p:qh", longopts, NULL)) != -1) {
    switch(ch) {
    case 'i':
      if(c->n_urls == sizeof(c->urls) / sizeof(c->urls[0])) {
        fprintf(stderr, "accessprobe: too many -i; use -f FILE\n");
        return PRB_EXIT_USAGE;
      }
      c->urls[c->n_urls++] = optarg;
      break;
    case 'f':
      if(c->n_files == sizeof(c->files) / sizeof(c->files[0])) {
        fprintf(stderr, "accessprobe: too many -f\n");
        return PRB_EXIT_USAGE;
      }
      c->files[c->n_files++] = optarg;
      break;
    case 'o':
      o->output = optarg;
      break;
    case 'p':
      if(!parse_long(optarg, 1, PRB_MAX_PARALLEL, &o->parallel)) {
        fprintf(stderr, "accessprobe: --parallel takes 1 to %d\n",
                PRB_MAX_PARALLEL);
        return PRB_EXIT_USAGE;
      }
      c->set_parallel = true;
      break;
    case 'q':
      o->quiet = true;
      break;
    case 'h':
      usage(stdout);
      return PRB_EXIT_OK;
    case OPT_CA:
      o->ca_file = optarg;
      c->set_ca = true;
      break;
    case OPT_RESOLVER:
      if(o->n_resolvers == PRB_MAX_RESOLVERS) {
        fprintf(stderr, "accessprobe: at most %d --resolver\n",
                PRB_MAX_RESOLVERS);
        return PRB_EXIT_USAGE;
      }
      o->resolvers[o->n_resolvers++] = optarg;
      break;
    case OPT_ASN:
      if(!prb_config_parse_asn(optarg, c->asn, sizeof(c->asn))) {
        fprintf(stderr, "accessprobe: --probe-asn takes AS1234 or 1234\n");
        return PRB_EXIT_USAGE;
      }
      o->probe_asn = c->asn;
      break;
    case OPT_CC:
      if(!prb_config_valid_cc(optarg)) {
        fprintf(stderr, "accessprobe: --probe-cc takes a two-letter "
                "upper-case country code, e.g. KZ\n");
        return PRB_EXIT_USAGE;
      }
      o->probe_cc = optarg;
      break;
    case OPT_NETNAME:
      /* The name goes into every record and the run index, whole. */
      if(strlen(optarg) > PRB_CONFIG_NETWORK_NAME_MAX ||
         !prb_utf8_valid(optarg, strlen(optarg))) {
        fprintf(stderr, "accessprobe: --probe-network-name takes UTF-8 text "
                "of at most %d bytes (this one has %zu%s)\n",
                PRB_CONFIG_NETWORK_NAME_MAX, strlen(optarg),
                prb_utf8_valid(optarg, strlen(optarg)) ? "" :
                ", not valid UTF-8");
        return PRB_EXIT_USAGE;
      }
      o->probe_network_name = optarg;
      break;
    case OPT_CANARIES:
      o->canaries = optarg;
      c->set_canaries = true;
      break;
    case OPT_NO_PREFLIGHT:
      o->no_preflight = true;
      break;
    case OPT_STEP_TIMEOUT:
      if(!parse_long(optarg, 100, 300000, &v)) {
        fprintf(stderr, "accessprobe: --step-timeout takes 100 to 300000 "
                "milliseconds\n");
        return PRB_EXIT_USAGE;
      }
      o->step_timeout = (double)v / 1000.0;
      c->set_step = true;
      break;
    case OPT_DECOY:
      o->decoy_sni = optarg;
      break;
    case OPT_CONTROL:
      if(o->n_controls == PRB_MAX_CONTROLS) {
        fprintf(stderr, "accessprobe: at most %d --control\n",
                PRB_MAX_CONTROLS);
        return PRB_EXIT_USAGE;
      }
      o->controls[o->n_controls++] = optarg;
      break;
    case OPT_NO_CONTROL:
      o->no_control = true;
      break;
    case OPT_MAX_RUNTIME:
      if(!parse_long(optarg, 1, 7 * 86400, &v)) {
        fprintf(stderr, "accessprobe: --max-runtime takes 1 to 604800 "
                "seconds\n");
        return PRB_EXIT_USAGE;
      }
      o->max_runtime = (double)v;
      c->set_budget = true;
      break;
    case OPT_CONFIG:
      c->config = optarg;
      break;
    case OPT_STATE_DIR:
      c->state_dir = optarg;
      break;
    case OPT_RESUME:
      c->resume = true;
      break;
    case OPT_SCHEDULED:
      c->scheduled = true;
      break;
    case OPT_LOG_FORMAT:
      if(!strcmp(optarg, "text"))
        c->log = PRB_LOG_TEXT;
      else if(!strcmp(optarg, "json"))
        c->log = PRB_LOG_JSON;
      else {
        fprintf(stderr, "accessprobe: --log-format takes text or json\n");
        return PRB_EXIT_USAGE;
      }
      break;
    default:
      usage(stderr);
      return PRB_EXIT_USAGE;
    }
  }
  for(int i = optind; i < argc; i++) {
    if(c->n_urls == sizeof(c->urls) / sizeof(c->urls[0])) {
      fprintf(stderr, "accessprobe: too many URLs; use -f FILE\n");
      return PRB_EXIT_USAGE;
    }
    c->urls[c->n_urls++] = argv[i];
  }
  if(c->o.output && (c->scheduled || c->state_dir)) {
    fprintf(stderr, "accessprobe: -o cannot be combined with --scheduled or "
            "--state-dir: the state folder names its own files\n");
    return PRB_EXIT_USAGE;
  }
  if(c->resume && c->o.output && !strcmp(c->o.output, "-")) {
    fprintf(stderr, "accessprobe: --resume needs a file, not standard "
            "output\n");
    return PRB_EXIT_USAGE;
  }
  return -1;
}

/* The configuration fills what the command line left open. */
static void apply_config(struct cli *c, const struct prb_config *cf)
{
  struct prb_run_opts *o = &c->o;
  if(!c->n_files && !c->n_urls)
    for(size_t i = 0; i < cf->n_lists; i++)
      c->files[c->n_files++] = cf->lists[i];
  if(!c->set_parallel && cf->parallel)
    o->parallel = cf->parallel;
  if(!c->set_step && cf->step_timeout_ms)
    o->step_timeout = (double)cf->step_timeout_ms / 1000.0;
  /* "max_runtime": 0 is a choice (no budget), not an absent key. */
  if(!c->set_budget && cf->has_max_runtime) {
    o->max_runtime = (double)cf->max_runtime;
    c->set_budget = true;
  }
  if(!c->set_ca && cf->ca_file)
    o->ca_file = cf->ca_file;
  if(!c->set_canaries && cf->canaries)
    o->canaries = cf->canaries;
  if(!o->n_resolvers)
    for(size_t i = 0; i < cf->n_resolvers; i++)
      o->resolvers[o->n_resolvers++] = cf->resolvers[i];
  if(!o->n_controls && !o->no_control) {
    for(size_t i = 0; i < cf->n_controls; i++)
      o->controls[o->n_controls++] = cf->controls[i];
    o->no_control = cf->no_control;
  }
  if(!o->probe_asn)
    o->probe_asn = cf->probe_asn;
  if(!o->probe_cc)
    o->probe_cc = cf->probe_cc;
  if(!o->probe_network_name)
    o->probe_network_name = cf->probe_network_name;
}

static int build_inputs(const struct cli *c, struct prb_inputs *in)
{
  char deflist[4096];
  const char *files[64];
  size_t n_files = c->n_files;
  memcpy(files, c->files, n_files * sizeof(files[0]));
  if(!n_files && !c->n_urls) {
    if(!prb_datafile("kz-media.csv", deflist, sizeof(deflist))) {
      fprintf(stderr, "accessprobe: no input given and the default list "
              "lists/kz-media.csv was not found\n");
      return PRB_EXIT_INPUT;
    }
    files[n_files++] = deflist;
  }
  for(size_t i = 0; i < c->n_urls; i++)
    if(prb_inputs_add_url(in, c->urls[i], NULL, "argument", stderr) ==
       PRB_LOAD_ENOMEM)
      return PRB_EXIT_INTERNAL;
  for(size_t i = 0; i < n_files; i++) {
    int r = prb_inputs_add_file(in, files[i], stderr);
    if(r == PRB_LOAD_EREAD)
      return PRB_EXIT_INPUT;    /* prb_inputs_add_file named the file */
    if(r == PRB_LOAD_ENOMEM)
      return PRB_EXIT_INTERNAL;
  }
  if(!in->n) {
    fprintf(stderr, "accessprobe: no valid URL to measure\n");
    return PRB_EXIT_INPUT;
  }
  return PRB_EXIT_OK;
}

static unsigned long long free_bytes(const char *dir)
{
  struct statvfs sv;
  if(statvfs(dir, &sv) < 0)
    return ~0ULL;               /* unknown: do not claim the disk is full */
  return (unsigned long long)sv.f_bavail * sv.f_frsize;
}

/* A write that failed for lack of space is "disk full": the volunteer
 * can act on it, and the next run resumes. */
static int map_output_error(int rc, const struct prb_run_stats *st,
                            char *dir, size_t dirlen)
{
  if(rc != PRB_EXIT_OUTPUT || !st->output[0] || !strcmp(st->output, "-") ||
     (st->write_errno != ENOSPC && st->write_errno != EDQUOT))
    return rc;
  prb_dir_of(st->output, dir, dirlen);
  fprintf(stderr, "accessprobe: the disk holding %s is full: measuring "
          "stopped; every complete record is kept and the unfinished one "
          "was removed. Free some space (or lower the retention limits) "
          "and run again: the run resumes where it stopped.\n", dir);
  return PRB_EXIT_DISK_FULL;
}

static int take_lock(const char *dir, int *fd)
{
  char why[512];
  long holder = 0;
  *fd = prb_lock_take(dir, &holder, why, sizeof(why));
  if(*fd == PRB_LOCK_BUSY) {
    if(holder)
      fprintf(stderr, "accessprobe: another accessprobe run (process %ld) "
              "is already writing to %s; only one run at a time may use a "
              "folder. Exiting.\n", holder, dir);
    else
      fprintf(stderr, "accessprobe: another accessprobe run is already "
              "writing to %s; only one run at a time may use a folder. "
              "Exiting.\n", dir);
    return PRB_EXIT_BUSY;
  }
  if(*fd < 0) {
    fprintf(stderr, "accessprobe: %s\n", why);
    return PRB_EXIT_OUTPUT;
  }
  return PRB_EXIT_OK;
}

/* Drops recorded inputs from *in (replacing it). Returns an exit status;
 * *already gets the number of complete records in path. */
static int resume_file(const char *path, struct prb_inputs *in,
                       size_t *already, char *report_id, size_t idlen)
{
  struct prb_resume r;
  prb_resume_init(&r);
  char why[512];
  if(prb_resume_scan(path, &r, why, sizeof(why)) < 0) {
    fprintf(stderr, "accessprobe: cannot resume: %s\n", why);
    prb_resume_free(&r);
    return PRB_EXIT_OUTPUT;
  }
  if(r.moved)
    fprintf(stderr, "accessprobe: %s ended in an unfinished record (%zu "
            "bytes): moved aside to %s.partial\n", path, r.moved, path);
  if(r.bad_lines)
    fprintf(stderr, "accessprobe: %s: %zu lines are not records; left in "
            "place, their inputs are measured again\n", path, r.bad_lines);
  struct prb_inputs rest;
  prb_inputs_init(&rest);
  long skipped = prb_resume_filter(&r, in, &rest);
  *already = r.kept;
  snprintf(report_id, idlen, "%s", r.report_id);
  prb_resume_free(&r);
  if(skipped < 0) {
    prb_inputs_free(&rest);
    return PRB_EXIT_INTERNAL;
  }
  if(r.kept || skipped)
    fprintf(stderr, "accessprobe: resuming %s: %zu records kept, %ld "
            "inputs already measured, %zu to go\n", path, *already, skipped,
            rest.n);
  prb_inputs_free(in);
  *in = rest;
  return PRB_EXIT_OK;
}

static const char *status_for(int rc, size_t left)
{
  switch(rc) {
  case PRB_EXIT_OK:
    return left ? "budget" : "complete";
  case PRB_EXIT_INTERRUPTED:
    return "interrupted";
  case PRB_EXIT_DISK_FULL:
    return "disk_full";
  case PRB_EXIT_OFFLINE:
    return "offline";
  default:
    return "failed";
  }
}

/* Inputs without a record after the run: those never started and those
 * cut short (signal, full disk). */
static size_t unmeasured(const struct prb_inputs *in,
                         const struct prb_run_stats *st)
{
  return st->written < in->n ? in->n - st->written : 0;
}

/* run.c's own messages join the chosen log format. */
static void on_run_message(void *ctx, bool error, const char *text)
{
  prb_progress_message(ctx, error ? "error" : "info", text);
}

/* Everything a run needs besides the options: the display, the hook. */
static int measure(struct cli *c, struct prb_inputs *in, size_t already,
                   const char *run_id, struct prb_run_stats *st)
{
  struct prb_progress *pg = NULL;
  if(!c->o.quiet) {
    pg = prb_progress_new(c->log, stderr, already, already + in->n, run_id);
    if(!pg)
      return PRB_EXIT_INTERNAL;
  }
  struct prb_run_opts o = c->o;
  o.inputs = in;
  if(pg) {
    o.on_record = prb_progress_on_record;
    o.on_record_ctx = pg;
    o.quiet = prb_progress_owns_output(pg);
  }
  if(pg) {
    o.on_message = on_run_message;
    o.on_message_ctx = pg;
  }
  int rc = prb_run(&o, st);
  char dir[4096];
  rc = map_output_error(rc, st, dir, sizeof(dir));
  if(pg) {
    if(rc == PRB_EXIT_OK || rc == PRB_EXIT_INTERRUPTED ||
       rc == PRB_EXIT_DISK_FULL || rc == PRB_EXIT_OUTPUT)
      prb_progress_finish(pg, unmeasured(in, st), rc, st->output);
    prb_progress_free(pg);
  }
  return rc;
}

/* A nameserver on this machine other than systemd-resolved's stub, which
 * the unit's IPAddressDeny=localhost blocks unless install-schedule added
 * a drop-in for it. */
static bool loopback_resolver(char *out, size_t outlen)
{
  FILE *f = fopen("/etc/resolv.conf", "re");
  if(!f)
    return false;
  char line[512], addr[128];
  bool found = false;
  while(!found && fgets(line, sizeof(line), f))
    if(sscanf(line, " nameserver %127s", addr) == 1 &&
       ((!strncmp(addr, "127.", 4) && strcmp(addr, "127.0.0.53")) ||
        !strcmp(addr, "::1"))) {
      snprintf(out, outlen, "%s", addr);
      found = true;
    }
  fclose(f);
  return found;
}

/* An offline run exits 5, which systemd counts as success: say loudly in
 * the journal how long nothing has been measured, and the likely cause. */
static void offline_notice(const struct prb_index *ix)
{
  const char *since = NULL;
  size_t streak = prb_state_offline_streak(ix, &since);
  if(streak > 1)
    fprintf(stderr, "accessprobe: WARNING: %zu runs in a row measured "
            "nothing (offline); the last run that measured was %s\n",
            streak, since ? since : "never");
  char addr[128];
  if(loopback_resolver(addr, sizeof(addr)))
    fprintf(stderr, "accessprobe: this machine's resolver is %s (in "
            "/etc/resolv.conf), on this machine: the scheduled service may "
            "not reach it unless scripts/install-schedule allowed it; run "
            "`sudo scripts/install-schedule` again (see docs/volunteers.md)"
            "\n", addr);
}

static void save_index(const char *dir, const struct prb_index *ix)
{
  char why[512];
  if(prb_state_index_save(dir, ix, why, sizeof(why)) < 0)
    fprintf(stderr, "accessprobe: cannot update the run index: %s\n", why);
}

/* --scheduled and --state-dir: dated files, index, lock, retention. */
static int run_in_state(struct cli *c, const struct prb_config *cf,
                        struct prb_inputs *in)
{
  char dir[4096], why[512];
  if(c->state_dir)
    snprintf(dir, sizeof(dir), "%s", c->state_dir);
  else if(cf->state_dir)
    snprintf(dir, sizeof(dir), "%s", cf->state_dir);
  else if(!prb_state_default_dir(dir, sizeof(dir))) {
    fprintf(stderr, "accessprobe: no state folder: give --state-dir DIR\n");
    return PRB_EXIT_USAGE;
  }
  if(c->scheduled) {
    enum prb_consent consent = prb_onboard_check(dir, why, sizeof(why));
    if(consent != PRB_CONSENT_YES) {
      fprintf(stderr, "accessprobe: not measuring: %s\n", why);
      return PRB_EXIT_NO_CONSENT;
    }
    if((long)time(NULL) < CLOCK_FLOOR) {
      fprintf(stderr, "accessprobe: not measuring: this computer's clock is "
              "wrong (it says before 2025), so every TLS check would fail; "
              "wait for the time to be synchronised (NTP) and run again\n");
      return PRB_EXIT_OFFLINE;
    }
  }
  if(prb_state_prepare(dir, why, sizeof(why)) < 0) {
    fprintf(stderr, "accessprobe: %s\n", why);
    return PRB_EXIT_OUTPUT;
  }
  int lock = -1;
  int rc = take_lock(dir, &lock);
  if(rc != PRB_EXIT_OK)
    return rc;
  struct prb_index ix;
  /* Retention must see every run on disk, listed or not. */
  if(prb_state_index_open(dir, &ix, stderr) < 0) {
    prb_state_index_free(&ix);
    prb_lock_release(lock);
    return PRB_EXIT_INTERNAL;
  }
  struct prb_run_entry e;
  struct prb_run_entry *prev = (c->resume || c->scheduled) ?
                               prb_state_resumable(&ix, c->scheduled,
                                                   time(NULL)) : NULL;
  size_t already = 0;
  char path[4096];
  char report_id[96] = "";      /* a resumed run keeps its report_id */
  if(prev) {
    e = *prev;
    if(!prb_state_path(dir, e.file, path, sizeof(path))) {
      rc = PRB_EXIT_INTERNAL;
      goto out;
    }
    rc = resume_file(path, in, &already, report_id, sizeof(report_id));
    if(rc != PRB_EXIT_OK)
      goto out;
    if(report_id[0])
      c->o.report_id = report_id;
    if(!in->n) {
      /* It had finished; only its index entry had not been updated. */
      prb_state_count(path, e.counts, &already);
      snprintf(e.status, sizeof(e.status), "complete");
      e.left = 0;
      prb_state_now(e.finished);
      prb_state_index_put(&ix, &e);
      save_index(dir, &ix);
      fprintf(stderr, "accessprobe: run %s was already complete\n", e.id);
      if(!c->scheduled)
        goto out;
      /* The timer asked for today's measurement: a new run does it. */
      c->o.report_id = NULL;
      already = 0;
      rc = build_inputs(c, in);
      if(rc != PRB_EXIT_OK)
        goto out;
      prev = NULL;
    } else {
      e.resumed++;
      snprintf(e.status, sizeof(e.status), "running");
      e.finished[0] = '\0';
    }
  }
  if(!prev) {
    if(c->resume)
      fprintf(stderr, "accessprobe: nothing to resume in %s; starting a new "
              "run\n", dir);
    if(prb_state_new_run(dir, c->o.probe_asn, c->o.probe_cc, &e, why,
                         sizeof(why)) < 0 ||
       !prb_state_path(dir, e.file, path, sizeof(path))) {
      fprintf(stderr, "accessprobe: %s\n", why);
      rc = PRB_EXIT_OUTPUT;
      goto out;
    }
    e.inputs = in->n;
    prb_state_copy_text(e.network, sizeof(e.network),
                        c->o.probe_network_name);
  }
  if(!prb_state_index_put(&ix, &e)) {
    rc = PRB_EXIT_INTERNAL;
    goto out;
  }
  /* Old runs go first, so the SD card has room for this one. */
  prb_state_retain(dir, &ix, cf->retention_days, cf->retention_max_mb, e.id,
                   stderr);
  save_index(dir, &ix);
  if(free_bytes(dir) < MIN_FREE_BYTES) {
    fprintf(stderr, "accessprobe: the disk holding %s is full (less than 1 "
            "MiB free): not measuring. Free some space or lower the "
            "retention limits in the configuration.\n", dir);
    rc = PRB_EXIT_DISK_FULL;
    goto out;
  }
  if(c->scheduled && !c->set_budget)
    c->o.max_runtime = SCHEDULED_BUDGET;
  /* A root run (sudo ... --state-dir) writes files the service user must
   * still append to: create the results file as the folder's owner. */
  prb_state_own_file(path);
  c->o.output = path;
  struct prb_run_stats st;
  memset(&st, 0, sizeof(st));
  rc = measure(c, in, already, e.id, &st);
  struct prb_run_entry *cur = prb_state_index_find(&ix, e.id);
  if(cur) {
    size_t total = 0;
    cur->left = unmeasured(in, &st);
    snprintf(cur->status, sizeof(cur->status), "%s",
             status_for(rc, cur->left));
    prb_state_now(cur->finished);
    if(prb_state_count(path, cur->counts, &total) < 0)
      memset(cur->counts, 0, sizeof(cur->counts));
    save_index(dir, &ix);
  }
  if(rc == PRB_EXIT_OFFLINE && c->scheduled)
    offline_notice(&ix);
out:
  prb_state_index_free(&ix);
  prb_lock_release(lock);
  return rc;
}

/* Only results files are locked: not "-", nor a device like /dev/null
 * (whose folder is no place for a lock file). */
static bool lockable(const char *out)
{
  struct stat st;
  if(!out)
    return true;
  if(!strcmp(out, "-"))
    return false;
  return stat(out, &st) < 0 || S_ISREG(st.st_mode);
}

/* A plain run: -o FILE, standard output, or results/ as before. */
static int run_plain(struct cli *c, struct prb_inputs *in)
{
  const char *out = c->o.output;
  int lock = -1, rc;
  char report_id[96] = "";      /* a resumed run keeps its report_id */
  size_t already = 0;
  if(lockable(out)) {
    /* A file inside a state folder takes the state folder's lock, the one
     * scheduled runs take: two runs must never share a results file. */
    char dir[4096];
    if(!prb_lock_dir_for(out ? out : "results/run.jsonl", dir, sizeof(dir)))
      prb_dir_of(out ? out : "results/run.jsonl", dir, sizeof(dir));
    rc = take_lock(dir, &lock);
    if(rc == PRB_EXIT_BUSY)
      return rc;
    /* A folder where no lock file can be made (read-only, not ours) is
     * reported by the writer if the results cannot go there either. */
    if(rc != PRB_EXIT_OK)
      lock = -1;
  }
  if(c->resume) {
    if(!out) {
      fprintf(stderr, "accessprobe: --resume needs -o FILE or a state "
              "folder (--state-dir)\n");
      prb_lock_release(lock);
      return PRB_EXIT_USAGE;
    }
    rc = resume_file(out, in, &already, report_id, sizeof(report_id));
    if(rc == PRB_EXIT_OK && report_id[0])
      c->o.report_id = report_id;
    if(rc == PRB_EXIT_OK && !in->n) {
      fprintf(stderr, "accessprobe: every input already has a record in "
              "%s\n", out);
      prb_lock_release(lock);
      return PRB_EXIT_OK;
    }
    if(rc != PRB_EXIT_OK) {
      prb_lock_release(lock);
      return rc;
    }
  }
  struct prb_run_stats st;
  memset(&st, 0, sizeof(st));
  rc = measure(c, in, already, NULL, &st);
  prb_lock_release(lock);
  return rc;
}

static int cmd_run(int argc, char **argv)
{
  struct cli c;
  memset(&c, 0, sizeof(c));
  c.o.parallel = PRB_DEFAULT_PARALLEL;
  c.o.step_timeout = 10.0;
  c.o.decoy_sni = "example.com";
  int rc = parse_run_args(&c, argc, argv);
  if(rc >= 0)
    return rc;
  struct prb_config cf;
  prb_config_init(&cf);
  if(!prb_config_load(&cf, c.config, stderr)) {
    fprintf(stderr, "accessprobe: the configuration is not usable; fix it "
            "(see docs/config.md): nothing was measured\n");
    prb_config_free(&cf);
    return PRB_EXIT_CONFIG;
  }
  apply_config(&c, &cf);
  struct prb_inputs in;
  prb_inputs_init(&in);
  rc = build_inputs(&c, &in);
  if(rc == PRB_EXIT_OK) {
    bool state = c.scheduled || c.state_dir || (c.resume && !c.o.output);
    rc = state ? run_in_state(&c, &cf, &in) : run_plain(&c, &in);
  }
  prb_inputs_free(&in);
  prb_config_free(&cf);
  return rc;
}

/* Takes --config FILE and --state-dir DIR out of argv (in place) and
 * finds the state folder the way runs do. Returns -1 to go on, else the
 * exit status. */
static int state_dir_from_args(int *argc, char **argv, char *dir,
                               size_t dirlen)
{
  const char *config = NULL, *state = NULL;
  int n = 1;
  for(int i = 1; i < *argc; i++) {
    const char **slot = !strcmp(argv[i], "--config") ? &config :
                        !strcmp(argv[i], "--state-dir") ? &state : NULL;
    if(slot) {
      if(i + 1 >= *argc) {
        fprintf(stderr, "accessprobe: %s needs a value\n", argv[i]);
        return PRB_EXIT_USAGE;
      }
      *slot = argv[++i];
    } else if(!strncmp(argv[i], "--config=", 9))
      config = argv[i] + 9;
    else if(!strncmp(argv[i], "--state-dir=", 12))
      state = argv[i] + 12;
    else
      argv[n++] = argv[i];
  }
  *argc = n;
  if(state) {
    snprintf(dir, dirlen, "%s", state);
    return -1;
  }
  struct prb_config cf;
  prb_config_init(&cf);
  if(!prb_config_load(&cf, config, stderr)) {
    prb_config_free(&cf);
    return PRB_EXIT_CONFIG;
  }
  bool ok = true;
  if(cf.state_dir)
    snprintf(dir, dirlen, "%s", cf.state_dir);
  else
    ok = prb_state_default_dir(dir, dirlen);
  prb_config_free(&cf);
  if(!ok) {
    fprintf(stderr, "accessprobe: no state folder: give --state-dir DIR\n");
    return PRB_EXIT_USAGE;
  }
  return -1;
}

static int cmd_onboard(int argc, char **argv)
{
  char dir[4096];
  int rc = state_dir_from_args(&argc, argv, dir, sizeof(dir));
  if(rc >= 0)
    return rc;
  const char *lang = NULL;
  bool yes = false;
  for(int i = 1; i < argc; i++) {
    if(!strcmp(argv[i], "--yes") || !strcmp(argv[i], "-y"))
      yes = true;
    else if(!strcmp(argv[i], "--lang") && i + 1 < argc)
      lang = argv[++i];
    else if(!strncmp(argv[i], "--lang=", 7))
      lang = argv[i] + 7;
    else {
      fprintf(stderr, "Usage: accessprobe onboard [--lang kk|ru|en] [--yes] "
              "[--state-dir DIR] [--config FILE]\n");
      return PRB_EXIT_USAGE;
    }
  }
  if(lang && !prb_onboard_lang_known(lang)) {
    fprintf(stderr, "accessprobe: --lang takes kk, ru or en\n");
    return PRB_EXIT_USAGE;
  }
  return prb_onboard_run(dir, lang ? lang : prb_onboard_lang_from_env(), yes,
                         stdin, stdout);
}

static int cmd_results(int argc, char **argv)
{
  char dir[4096];
  int rc = state_dir_from_args(&argc, argv, dir, sizeof(dir));
  if(rc >= 0)
    return rc;
  return prb_results_main(dir, argc, argv, stdout);
}

int main(int argc, char **argv)
{
  if(argc < 2) {
    usage(stderr);
    return PRB_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if(!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    usage(stdout);
    return PRB_EXIT_OK;
  }
  if(!strcmp(cmd, "--version")) {
    printf("%s %s (%s)\n", prb_software_name(), prb_software_version(),
           curl_version());
    return PRB_EXIT_OK;
  }
  int rc;
  if(!strcmp(cmd, "run")) {
    if(curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
       !prb_dns_global_init()) {
      fprintf(stderr, "accessprobe: cannot initialise libcurl or c-ares\n");
      return PRB_EXIT_INTERNAL;
    }
    rc = cmd_run(argc - 1, argv + 1);
    prb_dns_global_cleanup();
    curl_global_cleanup();
    return rc;
  }
  if(!strcmp(cmd, "onboard"))
    return cmd_onboard(argc - 1, argv + 1);
  if(!strcmp(cmd, "results"))
    return cmd_results(argc - 1, argv + 1);
  if(!strcmp(cmd, "lists"))
    return prb_lists_check_main(argc - 1, argv + 1);
  if(!strcmp(cmd, "report"))
    return prb_report_main(argc - 1, argv + 1);
  if(!strcmp(cmd, "helper"))
    return prb_helper_main(argc - 1, argv + 1);
  fprintf(stderr, "accessprobe: unknown command '%s'\n", cmd);
  usage(stderr);
  return PRB_EXIT_USAGE;
}
