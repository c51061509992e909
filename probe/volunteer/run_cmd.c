/* run_cmd.c: `accessprobe run`: the options, the configuration filling
 * what they leave open, the inputs, and a plain run (-o FILE, standard
 * output, or results/). A run in a state folder continues in
 * run_state.c. */
#include "volunteer/run_cmd.h"
#include "volunteer/run_cli.h"
#include "common/datadir.h"
#include "common/files.h"
#include "common/suggest.h"
#include "common/textclean.h"
#include "engine/dns.h"
#include "volunteer/lock.h"
#include "volunteer/resume.h"
#include "volunteer/words.h"

#include <curl/curl.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void prb_run_usage(FILE *f)
{
  fprintf(f,
"Usage: accessprobe run [options] [URL...]\n"
"       accessprobe onboard [--lang kk|ru|en] [--yes] [--control URL]...\n"
"                           [--collector URL]... [--no-control]\n"
"                           [--state-dir DIR] [--config FILE]\n"
"       accessprobe results [show RUN] [--json] [--state-dir DIR]\n"
"       accessprobe lists check FILE...\n"
"       accessprobe upload [options] [FILE...]     (see upload --help)\n"
"       accessprobe report [options] FILE|DIR...   (see report --help)\n"
"       accessprobe analyze [options] FILE|DIR...  (see analyze --help)\n"
"       accessprobe helper [options]               (see helper --help)\n"
"       accessprobe collector [options]            (see collector --help)\n"
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
"      --second-look-pause SECS  measure again, at the end of the run and at\n"
"                            least SECS after the first time (default %d),\n"
"                            every URL found blocked without confirmation or\n"
"                            down: two agreeing measurements count in the\n"
"                            report where one does not\n"
"      --no-second-look      measure every URL once\n"
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
"\n",
          PRB_DEFAULT_PARALLEL, PRB_MAX_PARALLEL, "/usr/share/ca-certificates/"
          "mozilla", PRB_MAX_RESOLVERS, (int)PRB_SECOND_LOOK_PAUSE,
          PRB_CONFIG_SYSTEM_FILE);
  fputs(
"Exit status: 0 run completed (whatever it found), 1 internal error,\n"
"2 usage error, 3 input unreadable or empty, 4 output unwritable,\n"
"5 this probe's own network is unavailable (nothing measured; or it\n"
"went down during the run: records so far kept, later ones not made),\n"
"6 interrupted (finished records kept), 7 lists check found bad rows,\n"
"8 disk full (finished records kept), 9 another run holds the output\n"
"folder, 10 no consent for a scheduled run, 11 malformed configuration,\n"
"12 (upload) records still wait for a collector.\n",
        f);
}

enum {
  OPT_CA = 256, OPT_RESOLVER, OPT_ASN, OPT_CC, OPT_NETNAME, OPT_CANARIES,
  OPT_NO_PREFLIGHT, OPT_STEP_TIMEOUT, OPT_DECOY, OPT_CONTROL, OPT_NO_CONTROL,
  OPT_MAX_RUNTIME, OPT_CONFIG, OPT_STATE_DIR, OPT_RESUME, OPT_SCHEDULED,
  OPT_LOG_FORMAT, OPT_LOOK_PAUSE, OPT_NO_LOOK
};

/* The options of `run`, for getopt and for "did you mean". */
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
  {"second-look-pause", required_argument, NULL, OPT_LOOK_PAUSE},
  {"no-second-look", no_argument, NULL, OPT_NO_LOOK},
  {NULL, 0, NULL, 0}
};

/* A mistyped or incomplete option: one line saying so, with the option it
 * resembles, rather than the whole usage. */
static int bad_option(int ch, int argc, char **argv)
{
  char word[128];
  /* The word getopt stopped at: a long option (its "=VALUE" cut off), or
   * the short option's letter. */
  const char *w = optind >= 2 && optind <= argc ? argv[optind - 1] : "";
  if(!strncmp(w, "--", 2))
    snprintf(word, sizeof(word), "%.*s", (int)strcspn(w, "="), w);
  else if(optopt > 0 && optopt < 128)
    snprintf(word, sizeof(word), "-%c", optopt);
  else
    snprintf(word, sizeof(word), "%.60s", w);
  if(ch == ':') {
    fprintf(stderr, prb_tr("accessprobe run: %s needs a value (accessprobe "
                           "run --help)\n"), word);
    return PRB_EXIT_USAGE;
  }
  const char *names[sizeof(longopts) / sizeof(longopts[0])];
  size_t n = 0;
  for(const struct option *l = longopts; l->name; l++)
    names[n++] = l->name;
  const char *bare = word + strspn(word, "-");
  const char *near = strlen(bare) > 1 ? prb_suggest(bare, names, n) : NULL;
  if(near)
    fprintf(stderr, prb_tr("accessprobe run: unknown option %s; did you mean "
                           "--%s? (accessprobe run --help)\n"), word, near);
  else
    fprintf(stderr, prb_tr("accessprobe run: unknown option %s (accessprobe "
                           "run --help)\n"), word);
  return PRB_EXIT_USAGE;
}

/* Returns -1 to go on, else the exit status. */
static int parse_run_args(struct prb_run_cli *c, int argc, char **argv)
{
  struct prb_run_opts *o = &c->o;
  long v;
  int ch;
  opterr = 0;                   /* bad_option() says it, once */
  while((ch = getopt_long(argc, argv, ":i:f:o:p:qh", longopts, NULL)) != -1) {
    switch(ch) {
    case 'i':
      if(c->n_urls == sizeof(c->urls) / sizeof(c->urls[0])) {
        fprintf(stderr, prb_tr("accessprobe: too many -i; use -f FILE\n"));
        return PRB_EXIT_USAGE;
      }
      c->urls[c->n_urls++] = optarg;
      break;
    case 'f':
      if(c->n_files == sizeof(c->files) / sizeof(c->files[0])) {
        fprintf(stderr, prb_tr("accessprobe: too many -f\n"));
        return PRB_EXIT_USAGE;
      }
      c->files[c->n_files++] = optarg;
      break;
    case 'o':
      o->output = optarg;
      break;
    case 'p':
      if(!prb_parse_long(optarg, 1, PRB_MAX_PARALLEL, &o->parallel)) {
        fprintf(stderr, prb_tr("accessprobe: --parallel takes 1 to %d\n"),
                PRB_MAX_PARALLEL);
        return PRB_EXIT_USAGE;
      }
      c->set_parallel = true;
      break;
    case 'q':
      o->quiet = true;
      break;
    case 'h':
      prb_run_usage(stdout);
      return PRB_EXIT_OK;
    case OPT_CA:
      o->ca_file = optarg;
      c->set_ca = true;
      break;
    case OPT_RESOLVER:
      if(o->n_resolvers == PRB_MAX_RESOLVERS) {
        fprintf(stderr, prb_tr("accessprobe: at most %d --resolver\n"),
                PRB_MAX_RESOLVERS);
        return PRB_EXIT_USAGE;
      }
      o->resolvers[o->n_resolvers++] = optarg;
      break;
    case OPT_ASN:
      if(!prb_config_parse_asn(optarg, c->asn, sizeof(c->asn))) {
        fprintf(stderr, prb_tr("accessprobe: --probe-asn takes AS1234 or "
                               "1234\n"));
        return PRB_EXIT_USAGE;
      }
      o->probe_asn = c->asn;
      break;
    case OPT_CC:
      if(!prb_config_valid_cc(optarg)) {
        fprintf(stderr, prb_tr("accessprobe: --probe-cc takes a two-letter "
                               "upper-case country code, e.g. KZ\n"));
        return PRB_EXIT_USAGE;
      }
      o->probe_cc = optarg;
      break;
    case OPT_NETNAME:
      /* The name goes into every record and the run index, whole. */
      if(strlen(optarg) > PRB_CONFIG_NETWORK_NAME_MAX ||
         !prb_utf8_valid(optarg, strlen(optarg))) {
        fprintf(stderr, prb_tr("accessprobe: --probe-network-name takes UTF-8 "
                               "text of at most %d bytes (this one has "
                               "%zu%s)\n"),
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
      if(!prb_parse_long(optarg, 100, 300000, &v)) {
        fprintf(stderr, prb_tr("accessprobe: --step-timeout takes 100 to "
                               "300000 milliseconds\n"));
        return PRB_EXIT_USAGE;
      }
      o->step_timeout = (double)v / 1000.0;
      c->set_step = true;
      break;
    case OPT_DECOY:
      o->decoy_sni = optarg;
      break;
    case OPT_CONTROL: {
      char why[300];
      if(o->n_controls == PRB_MAX_CONTROLS) {
        fprintf(stderr, prb_tr("accessprobe: at most %d --control\n"),
                PRB_MAX_CONTROLS);
        return PRB_EXIT_USAGE;
      }
      if(!prb_config_valid_endpoint(optarg, why, sizeof(why))) {
        fprintf(stderr, prb_tr("accessprobe: --control %s\n"), why);
        return PRB_EXIT_USAGE;
      }
      o->controls[o->n_controls++] = optarg;
      break;
    }
    case OPT_NO_CONTROL:
      o->no_control = true;
      break;
    case OPT_MAX_RUNTIME:
      if(!prb_parse_long(optarg, 1, 7 * 86400, &v)) {
        fprintf(stderr, prb_tr("accessprobe: --max-runtime takes 1 to 604800 "
                               "seconds\n"));
        return PRB_EXIT_USAGE;
      }
      o->max_runtime = (double)v;
      c->set_budget = true;
      break;
    case OPT_LOOK_PAUSE:
      if(!prb_parse_long(optarg, 0, 86400, &v)) {
        fprintf(stderr, prb_tr("accessprobe: --second-look-pause takes 0 to "
                               "86400 seconds\n"));
        return PRB_EXIT_USAGE;
      }
      o->second_look_pause = (double)v;
      break;
    case OPT_NO_LOOK:
      o->no_second_look = true;
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
        fprintf(stderr, "%s",
                prb_tr("accessprobe: --log-format takes text or json\n"));
        return PRB_EXIT_USAGE;
      }
      break;
    default:
      return bad_option(ch, argc, argv);
    }
  }
  for(int i = optind; i < argc; i++) {
    if(c->n_urls == sizeof(c->urls) / sizeof(c->urls[0])) {
      fprintf(stderr, prb_tr("accessprobe: too many URLs; use -f FILE\n"));
      return PRB_EXIT_USAGE;
    }
    c->urls[c->n_urls++] = argv[i];
  }
  if(c->o.output && (c->scheduled || c->state_dir)) {
    fprintf(stderr, prb_tr("accessprobe: -o cannot be combined with "
                           "--scheduled or --state-dir: the state folder "
                           "names its own files\n"));
    return PRB_EXIT_USAGE;
  }
  if(c->resume && c->o.output && !strcmp(c->o.output, "-")) {
    fprintf(stderr, prb_tr("accessprobe: --resume needs a file, not standard "
                           "output\n"));
    return PRB_EXIT_USAGE;
  }
  return -1;
}

/* The configuration fills what the command line left open. */
static void apply_config(struct prb_run_cli *c, const struct prb_config *cf)
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

enum prb_exit prb_run_cli_inputs(const struct prb_run_cli *c, struct prb_inputs *in)
{
  char deflist[4096];
  const char *files[64];
  size_t n_files = c->n_files;
  memcpy(files, c->files, n_files * sizeof(files[0]));
  if(!n_files && !c->n_urls) {
    if(!prb_datafile("kz-media.csv", deflist, sizeof(deflist))) {
      fprintf(stderr, prb_tr("accessprobe: no input given and the default "
                             "list lists/kz-media.csv was not found\n"));
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
    fprintf(stderr, prb_tr("accessprobe: no valid URL to measure\n"));
    return PRB_EXIT_INPUT;
  }
  return PRB_EXIT_OK;
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
  fprintf(stderr, prb_tr("accessprobe: the disk holding %s is full: measuring "
                         "stopped; every complete record is kept and the "
                         "unfinished one was removed. Free some space (or "
                         "lower the retention limits) and run again: the run "
                         "resumes where it stopped.\n"), dir);
  return PRB_EXIT_DISK_FULL;
}

enum prb_exit prb_run_cli_lock(const char *dir, int *fd)
{
  char why[512];
  long holder = 0;
  *fd = prb_lock_take(dir, &holder, why, sizeof(why));
  if(*fd == PRB_LOCK_BUSY) {
    if(holder)
      fprintf(stderr, prb_tr("accessprobe: another accessprobe run (process "
                             "%ld) is already writing to %s; only one run at "
                             "a time may use a folder. Exiting.\n"),
              holder, dir);
    else
      fprintf(stderr, prb_tr("accessprobe: another accessprobe run is already "
                             "writing to %s; only one run at a time may use a "
                             "folder. Exiting.\n"), dir);
    return PRB_EXIT_BUSY;
  }
  if(*fd < 0) {
    fprintf(stderr, "accessprobe: %s\n", why);
    return PRB_EXIT_OUTPUT;
  }
  return PRB_EXIT_OK;
}

bool prb_run_cli_nothing_left(const struct prb_run_cli *c,
                              const struct prb_inputs *in)
{
  return !in->n && !c->o.n_looks;
}

enum prb_exit prb_run_cli_resume(struct prb_run_cli *c, const char *path,
                                 struct prb_inputs *in, size_t *already,
                                 char *report_id, size_t idlen)
{
  struct prb_resume r;
  prb_resume_init(&r);
  char why[512];
  if(prb_resume_scan(path, &r, why, sizeof(why)) < 0) {
    fprintf(stderr, prb_tr("accessprobe: cannot resume: %s\n"), why);
    prb_resume_free(&r);
    return PRB_EXIT_OUTPUT;
  }
  if(r.moved)
    fprintf(stderr, prb_tr("accessprobe: %s ended in an unfinished record "
                           "(%zu bytes): moved aside to %s.partial\n"),
            path, r.moved, path);
  if(r.bad_lines)
    fprintf(stderr, prb_tr("accessprobe: %s: %zu lines are not records; left "
                           "in place, their inputs are measured again\n"),
            path, r.bad_lines);
  struct prb_inputs rest;
  prb_inputs_init(&rest);
  long skipped = prb_resume_filter(&r, in, &rest);
  *already = r.kept - r.second_looks;
  snprintf(report_id, idlen, "%s", r.report_id);
  free(c->owed);
  c->owed = r.looks;              /* taken over */
  c->o.looks = r.looks;
  c->o.n_looks = r.n_looks;
  r.looks = NULL;
  size_t owed = r.n_looks, kept = r.kept;
  prb_resume_free(&r);
  if(skipped < 0) {
    prb_inputs_free(&rest);
    return PRB_EXIT_INTERNAL;
  }
  if(kept || skipped)
    fprintf(stderr, prb_tr("accessprobe: resuming %s: %zu records kept, %ld "
                           "inputs already measured, %zu to go\n"),
            path, kept, skipped, rest.n);
  if(owed)
    fprintf(stderr, prb_trn("accessprobe: and %zu second look owed by the "
                            "interrupted run\n", "accessprobe: and %zu "
                            "second looks owed by the interrupted run\n",
                            owed), owed);
  prb_inputs_free(in);
  *in = rest;
  return PRB_EXIT_OK;
}

size_t prb_run_cli_unmeasured(const struct prb_inputs *in,
                         const struct prb_run_stats *st)
{
  size_t firsts = st->written - st->second_looks;
  return firsts < in->n ? in->n - firsts : 0;
}

/* run.c's own messages join the chosen log format and language. */
__attribute__((format(printf, 3, 0)))
static void on_run_message(void *ctx, bool error, const char *fmt,
                           va_list ap)
{
  prb_progress_vmessage(ctx, error ? "error" : "info", fmt, ap);
}

enum prb_exit prb_run_cli_measure(struct prb_run_cli *c, struct prb_inputs *in, size_t already,
                   const char *run_id, struct prb_run_stats *st)
{
  struct prb_progress *pg = NULL;
  if(!c->o.quiet) {
    pg = prb_progress_new(c->log, stderr, already, already + in->n, run_id,
                          c->o.no_control ? 0 : c->o.n_controls);
    if(!pg)
      return PRB_EXIT_INTERNAL;
  }
  struct prb_run_opts o = c->o;
  o.inputs = in;
  if(pg) {
    /* The display says everything, in the volunteer's language. */
    o.on_record = prb_progress_on_record;
    o.on_record_ctx = pg;
    o.quiet = true;
    o.on_message = on_run_message;
    o.on_message_ctx = pg;
    if(o.no_control || !o.n_controls)
      prb_progress_no_control(pg);
  }
  int rc = prb_run(&o, st);
  char dir[4096];
  rc = map_output_error(rc, st, dir, sizeof(dir));
  if(pg) {
    if(rc == PRB_EXIT_OK || rc == PRB_EXIT_INTERRUPTED ||
       rc == PRB_EXIT_DISK_FULL || rc == PRB_EXIT_OUTPUT)
      prb_progress_finish(pg, prb_run_cli_unmeasured(in, st), rc, st->output);
    prb_progress_free(pg);
  }
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
static enum prb_exit run_plain(struct prb_run_cli *c, struct prb_inputs *in)
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
    rc = prb_run_cli_lock(dir, &lock);
    if(rc == PRB_EXIT_BUSY)
      return rc;
    /* A folder where no lock file can be made (read-only, not ours) is
     * reported by the writer if the results cannot go there either. */
    if(rc != PRB_EXIT_OK)
      lock = -1;
  }
  if(c->resume) {
    if(!out) {
      fprintf(stderr, prb_tr("accessprobe: --resume needs -o FILE or a state "
                             "folder (--state-dir)\n"));
      prb_lock_release(lock);
      return PRB_EXIT_USAGE;
    }
    rc = prb_run_cli_resume(c, out, in, &already, report_id,
                            sizeof(report_id));
    if(rc == PRB_EXIT_OK && report_id[0])
      c->o.report_id = report_id;
    if(rc == PRB_EXIT_OK && prb_run_cli_nothing_left(c, in)) {
      fprintf(stderr, prb_tr("accessprobe: every input already has a record "
                             "in %s\n"), out);
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
  rc = prb_run_cli_measure(c, in, already, NULL, &st);
  prb_lock_release(lock);
  return rc;
}

/* The command once the libraries are up. */
static enum prb_exit run(int argc, char **argv)
{
  struct prb_run_cli c;
  memset(&c, 0, sizeof(c));
  c.o.parallel = PRB_DEFAULT_PARALLEL;
  c.o.step_timeout = 10.0;
  c.o.decoy_sni = "example.com";
  c.o.second_look_pause = PRB_SECOND_LOOK_PAUSE;
  int rc = parse_run_args(&c, argc, argv);
  if(rc >= 0)
    return rc;
  struct prb_config cf;
  prb_config_init(&cf);
  if(!prb_config_load(&cf, c.config, stderr)) {
    fprintf(stderr, prb_tr("accessprobe: the configuration is not usable; fix "
                           "it (see docs/config.md): nothing was measured\n"));
    prb_config_free(&cf);
    return PRB_EXIT_CONFIG;
  }
  apply_config(&c, &cf);
  struct prb_inputs in;
  prb_inputs_init(&in);
  rc = prb_run_cli_inputs(&c, &in);
  if(rc == PRB_EXIT_OK) {
    bool state = c.scheduled || c.state_dir || (c.resume && !c.o.output);
    rc = state ? prb_run_in_state(&c, &cf, &in) : run_plain(&c, &in);
  }
  prb_inputs_free(&in);
  prb_config_free(&cf);
  free(c.owed);
  return rc;
}

enum prb_exit prb_run_main(int argc, char **argv)
{
  if(curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK ||
     !prb_dns_global_init()) {
    fprintf(stderr, "%s",
            prb_tr("accessprobe: cannot initialise libcurl or c-ares\n"));
    return PRB_EXIT_INTERNAL;
  }
  prb_words_use(prb_words_env_lang());
  enum prb_exit rc = run(argc, argv);
  prb_dns_global_cleanup();
  curl_global_cleanup();
  return rc;
}
