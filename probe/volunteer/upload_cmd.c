/* upload_cmd.c: `accessprobe upload`: options, the configuration's
 * collectors, the state folder's lock, then upload.c. */
#include "volunteer/upload_cmd.h"
#include "volunteer/config.h"
#include "volunteer/lock.h"
#include "volunteer/state.h"
#include "volunteer/upload.h"
#include "common/textclean.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_FILES 4096

static void usage(FILE *f)
{
  fprintf(f,
"Usage: accessprobe upload [options] [FILE...]\n"
"\n"
"Sends finished records to the collectors in the configuration\n"
"(\"collectors\", and OONI's when \"ooni_upload\" is true), speaking OONI's\n"
"collector protocol. Without FILE: every run in the state folder. Each\n"
"record goes to each collector once: a cursor per file and collector in\n"
"STATE/upload/ remembers what was taken; what could not be sent waits for\n"
"the next upload (scheduled runs upload after measuring).\n"
"\n"
"  --collector URL        send here instead of the configured collectors\n"
"                         (repeatable)\n"
"  --config FILE          the configuration file\n"
"  --state-dir DIR        the state folder (runs and cursors)\n"
"  --ca-file PATH         trust anchors for https collectors (default:\n"
"                         the Mozilla roots, never the system's store)\n"
"  --max-time SECONDS     give up for now after this long (default 600)\n"
"  --timeout SECONDS      the longest one request may take (default 60)\n"
"  --retry-base SECONDS   the first pause after a collector fails\n"
"                         (default 15; it doubles, with jitter)\n"
"  --parallel N           requests at once per collector (default %d)\n"
"  -q, --quiet            only errors\n"
"\n"
"Exit status: 0 nothing waits, %d records still wait (they go next time),\n"
"%d interrupted, %d another run holds the state folder, %d a cursor\n"
"cannot be written, 2 usage, %d the configuration is malformed.\n",
          PRB_UPLOAD_PARALLEL, PRB_EXIT_UPLOAD_WAITING, PRB_EXIT_INTERRUPTED,
          PRB_EXIT_BUSY, PRB_EXIT_OUTPUT, PRB_EXIT_CONFIG);
}

/* A file as upload.c names it: "results/..." when it lies in the state
 * folder's results, else its absolute path. NULL with a message. */
static char *label_of(const char *state, const char *file)
{
  char real[PATH_MAX], sreal[PATH_MAX];
  if(!realpath(file, real)) {
    fprintf(stderr, "accessprobe upload: %s: cannot be read\n", file);
    return NULL;
  }
  size_t n = realpath(state, sreal) ? strlen(sreal) : 0;
  if(n && !strncmp(real, sreal, n) && !strncmp(real + n, "/results/", 9))
    return strdup(real + n + 1);
  return strdup(real);
}

static bool parse_seconds(const char *s, long min, long max, double *out)
{
  long v;
  if(!prb_parse_long(s, min, max, &v))
    return false;
  *out = (double)v;
  return true;
}

enum prb_exit prb_upload_main(int argc, char **argv)
{
  enum { OPT_COLL = 256, OPT_CONFIG, OPT_STATE, OPT_CA, OPT_TIME,
         OPT_TIMEOUT, OPT_RETRY, OPT_PAR };
  static const struct option longopts[] = {
    {"collector", required_argument, NULL, OPT_COLL},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"state-dir", required_argument, NULL, OPT_STATE},
    {"ca-file", required_argument, NULL, OPT_CA},
    {"max-time", required_argument, NULL, OPT_TIME},
    {"timeout", required_argument, NULL, OPT_TIMEOUT},
    {"retry-base", required_argument, NULL, OPT_RETRY},
    {"parallel", required_argument, NULL, OPT_PAR},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  struct prb_upload_opts o;
  memset(&o, 0, sizeof(o));
  o.budget = 600;
  o.timeout = 60;
  o.retry_base = 15;
  o.parallel = PRB_UPLOAD_PARALLEL;
  o.log = stderr;
  const char *given[PRB_MAX_COLLECTORS + 1];
  size_t n_given = 0;
  const char *config = NULL, *state = NULL;
  long v;
  int ch;
  optind = 1;
  while((ch = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
    switch(ch) {
    case OPT_COLL:
      if(n_given == PRB_MAX_COLLECTORS + 1) {
        fprintf(stderr, "accessprobe upload: at most %d --collector\n",
                PRB_MAX_COLLECTORS + 1);
        return PRB_EXIT_USAGE;
      }
      given[n_given++] = optarg;
      break;
    case OPT_CONFIG: config = optarg; break;
    case OPT_STATE: state = optarg; break;
    case OPT_CA: o.ca_file = optarg; break;
    case OPT_TIME:
    case OPT_TIMEOUT:
    case OPT_RETRY: {
      double *slot = ch == OPT_TIME ? &o.budget : ch == OPT_TIMEOUT ?
                     &o.timeout : &o.retry_base;
      if(!parse_seconds(optarg, 1, 7 * 86400, slot)) {
        fprintf(stderr, "accessprobe upload: %s takes 1 to 604800 "
                "seconds\n", argv[optind - 1]);
        return PRB_EXIT_USAGE;
      }
      break;
    }
    case OPT_PAR:
      if(!prb_parse_long(optarg, 1, 64, &v)) {
        fprintf(stderr, "accessprobe upload: --parallel takes 1 to 64\n");
        return PRB_EXIT_USAGE;
      }
      o.parallel = (int)v;
      break;
    case 'q': o.log = NULL; break;
    case 'h':
      usage(stdout);
      return PRB_EXIT_OK;
    default:
      usage(stderr);
      return PRB_EXIT_USAGE;
    }
  }
  struct prb_config cf;
  prb_config_init(&cf);
  if(!prb_config_load(&cf, config, stderr)) {
    prb_config_free(&cf);
    return PRB_EXIT_CONFIG;
  }
  char dir[4096];
  enum prb_exit rc = PRB_EXIT_USAGE;
  char **labels = NULL;
  size_t n_files = 0;
  int lock = -1;
  if(state || cf.state_dir)
    snprintf(dir, sizeof(dir), "%s", state ? state : cf.state_dir);
  else if(!prb_state_default_dir(dir, sizeof(dir))) {
    fprintf(stderr, "accessprobe upload: no state folder: give --state-dir "
            "DIR\n");
    goto out;
  }
  o.state_dir = dir;
  if(n_given) {
    memcpy(o.collectors, given, n_given * sizeof(*given));
    o.n_collectors = n_given;
  } else {
    o.n_collectors = prb_upload_collectors(&cf, o.collectors);
  }
  if(!o.n_collectors) {
    fprintf(stderr, "accessprobe upload: no collector: add \"collectors\" "
            "to the configuration (see docs/config.md) or give --collector "
            "URL\n");
    goto out;
  }
  if(argc - optind > MAX_FILES) {
    fprintf(stderr, "accessprobe upload: at most %d files at once\n",
            MAX_FILES);
    goto out;
  }
  if(optind < argc) {
    labels = calloc((size_t)(argc - optind), sizeof(*labels));
    if(!labels) {
      rc = PRB_EXIT_INTERNAL;
      goto out;
    }
    for(int i = optind; i < argc; i++)
      if(!(labels[n_files++] = label_of(dir, argv[i]))) {
        rc = PRB_EXIT_INPUT;
        goto out;
      }
    o.files = (const char *const *)labels;
    o.n_files = n_files;
  }
  char why[512];
  long holder = 0;
  lock = prb_lock_take(dir, &holder, why, sizeof(why));
  if(lock == PRB_LOCK_BUSY) {
    fprintf(stderr, "accessprobe upload: another accessprobe run (process "
            "%ld) is using %s; it uploads when it has measured\n", holder,
            dir);
    rc = PRB_EXIT_BUSY;
    goto out;
  }
  if(lock < 0) {
    fprintf(stderr, "accessprobe upload: %s\n", why);
    rc = PRB_EXIT_OUTPUT;
    goto out;
  }
  rc = prb_upload(&o, NULL);
out:
  prb_lock_release(lock);
  for(size_t i = 0; i < n_files; i++)
    free(labels[i]);
  free(labels);
  prb_config_free(&cf);
  return rc;
}
