/* main.c: the command line. Parses options, hands over to a subcommand,
 * returns its exit status. No measurement logic lives here. */
#include "datadir.h"
#include "dns.h"
#include "errors.h"
#include "inputs.h"
#if __has_include("lists_check.h")
#include "lists_check.h"
#define PRB_HAVE_LISTS_CHECK 1
#endif
#if __has_include("report.h")
#include "report.h"
#define PRB_HAVE_REPORT 1
#endif
#if __has_include("helper.h")
#include "helper.h"
#define PRB_HAVE_HELPER 1
#endif
#include "run.h"
#include "version.h"

#include <curl/curl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
  fprintf(f,
"Usage: accessprobe run [options] [URL...]\n"
"       accessprobe lists check FILE...\n"
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
"                            (default: lists/kz-media.csv)\n"
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
"\n"
"Exit status: 0 run completed (whatever it found), 1 internal error,\n"
"2 usage error, 3 input unreadable or empty, 4 output unwritable,\n"
"5 this probe's own network is unavailable (nothing measured),\n"
"6 interrupted (finished records kept), 7 lists check found bad rows.\n",
          PRB_DEFAULT_PARALLEL, PRB_MAX_PARALLEL, "/usr/share/ca-certificates/"
          "mozilla", PRB_MAX_RESOLVERS);
}

enum {
  OPT_CA = 256, OPT_RESOLVER, OPT_ASN, OPT_CC, OPT_NETNAME, OPT_CANARIES,
  OPT_NO_PREFLIGHT, OPT_STEP_TIMEOUT, OPT_DECOY, OPT_CONTROL, OPT_NO_CONTROL,
  OPT_MAX_RUNTIME
};

static bool parse_long(const char *s, long min, long max, long *out)
{
  char *end;
  long v = strtol(s, &end, 10);
  if(end == s || *end || v < min || v > max)
    return false;
  *out = v;
  return true;
}

/* "AS1234" or "1234" → "AS1234". */
static bool valid_asn(const char *s)
{
  if(!strncmp(s, "AS", 2))
    s += 2;
  long v;
  return parse_long(s, 0, 4294967295L, &v);
}

static bool valid_cc(const char *s)
{
  return strlen(s) == 2 && s[0] >= 'A' && s[0] <= 'Z' && s[1] >= 'A' &&
         s[1] <= 'Z';
}

static int cmd_run(int argc, char **argv)
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
    {NULL, 0, NULL, 0}
  };
  struct prb_run_opts o;
  memset(&o, 0, sizeof(o));
  o.parallel = PRB_DEFAULT_PARALLEL;
  o.step_timeout = 10.0;
  o.decoy_sni = "example.com";
  const char *files[64];
  size_t n_files = 0;
  const char *urls[256];
  size_t n_urls = 0;
  char asn[24] = "";
  long v;
  int c;
  while((c = getopt_long(argc, argv, "i:f:o:p:qh", longopts, NULL)) != -1) {
    switch(c) {
    case 'i':
      if(n_urls == sizeof(urls) / sizeof(urls[0])) {
        fprintf(stderr, "accessprobe: too many -i; use -f FILE\n");
        return PRB_EXIT_USAGE;
      }
      urls[n_urls++] = optarg;
      break;
    case 'f':
      if(n_files == sizeof(files) / sizeof(files[0])) {
        fprintf(stderr, "accessprobe: too many -f\n");
        return PRB_EXIT_USAGE;
      }
      files[n_files++] = optarg;
      break;
    case 'o':
      o.output = optarg;
      break;
    case 'p':
      if(!parse_long(optarg, 1, PRB_MAX_PARALLEL, &o.parallel)) {
        fprintf(stderr, "accessprobe: --parallel takes 1 to %d\n",
                PRB_MAX_PARALLEL);
        return PRB_EXIT_USAGE;
      }
      break;
    case 'q':
      o.quiet = true;
      break;
    case 'h':
      usage(stdout);
      return PRB_EXIT_OK;
    case OPT_CA:
      o.ca_file = optarg;
      break;
    case OPT_RESOLVER:
      if(o.n_resolvers == PRB_MAX_RESOLVERS) {
        fprintf(stderr, "accessprobe: at most %d --resolver\n",
                PRB_MAX_RESOLVERS);
        return PRB_EXIT_USAGE;
      }
      o.resolvers[o.n_resolvers++] = optarg;
      break;
    case OPT_ASN:
      if(!valid_asn(optarg)) {
        fprintf(stderr, "accessprobe: --probe-asn takes AS1234 or 1234\n");
        return PRB_EXIT_USAGE;
      }
      snprintf(asn, sizeof(asn), "%s%s", strncmp(optarg, "AS", 2) ? "AS" :
               "", optarg);
      o.probe_asn = asn;
      break;
    case OPT_CC:
      if(!valid_cc(optarg)) {
        fprintf(stderr, "accessprobe: --probe-cc takes a two-letter "
                "upper-case country code, e.g. KZ\n");
        return PRB_EXIT_USAGE;
      }
      o.probe_cc = optarg;
      break;
    case OPT_NETNAME:
      o.probe_network_name = optarg;
      break;
    case OPT_CANARIES:
      o.canaries = optarg;
      break;
    case OPT_NO_PREFLIGHT:
      o.no_preflight = true;
      break;
    case OPT_STEP_TIMEOUT:
      if(!parse_long(optarg, 100, 300000, &v)) {
        fprintf(stderr, "accessprobe: --step-timeout takes 100 to 300000 "
                "milliseconds\n");
        return PRB_EXIT_USAGE;
      }
      o.step_timeout = (double)v / 1000.0;
      break;
    case OPT_DECOY:
      o.decoy_sni = optarg;
      break;
    case OPT_CONTROL:
      if(o.n_controls == PRB_MAX_CONTROLS) {
        fprintf(stderr, "accessprobe: at most %d --control\n",
                PRB_MAX_CONTROLS);
        return PRB_EXIT_USAGE;
      }
      o.controls[o.n_controls++] = optarg;
      break;
    case OPT_NO_CONTROL:
      o.no_control = true;
      break;
    case OPT_MAX_RUNTIME:
      if(!parse_long(optarg, 1, 7 * 86400, &v)) {
        fprintf(stderr, "accessprobe: --max-runtime takes 1 to 604800 "
                "seconds\n");
        return PRB_EXIT_USAGE;
      }
      o.max_runtime = (double)v;
      break;
    default:
      usage(stderr);
      return PRB_EXIT_USAGE;
    }
  }
  for(int i = optind; i < argc; i++) {
    if(n_urls == sizeof(urls) / sizeof(urls[0])) {
      fprintf(stderr, "accessprobe: too many URLs; use -f FILE\n");
      return PRB_EXIT_USAGE;
    }
    urls[n_urls++] = argv[i];
  }

  char deflist[4096];
  if(!n_files && !n_urls) {
    if(!prb_datafile("kz-media.csv", deflist, sizeof(deflist))) {
      fprintf(stderr, "accessprobe: no input given and the default list "
              "lists/kz-media.csv was not found\n");
      return PRB_EXIT_INPUT;
    }
    files[n_files++] = deflist;
  }

  struct prb_inputs in;
  prb_inputs_init(&in);
  int rc = PRB_EXIT_OK;
  for(size_t i = 0; i < n_urls; i++) {
    int r = prb_inputs_add_url(&in, urls[i], NULL, "argument", stderr);
    if(r == PRB_INPUTS_ENOMEM) {
      rc = PRB_EXIT_INTERNAL;
      goto out;
    }
  }
  for(size_t i = 0; i < n_files; i++) {
    int r = prb_inputs_add_file(&in, files[i], stderr);
    if(r == PRB_INPUTS_EREAD) {
      rc = PRB_EXIT_INPUT;      /* prb_inputs_add_file named the file */
      goto out;
    }
    if(r == PRB_INPUTS_ENOMEM) {
      rc = PRB_EXIT_INTERNAL;
      goto out;
    }
  }
  if(!in.n) {
    fprintf(stderr, "accessprobe: no valid URL to measure\n");
    rc = PRB_EXIT_INPUT;
    goto out;
  }
  o.inputs = &in;
  rc = prb_run(&o, NULL);
out:
  prb_inputs_free(&in);
  return rc;
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
#ifdef PRB_HAVE_LISTS_CHECK
  if(!strcmp(cmd, "lists"))
    return prb_lists_check_main(argc - 1, argv + 1);
#endif
#ifdef PRB_HAVE_REPORT
  if(!strcmp(cmd, "report"))
    return prb_report_main(argc - 1, argv + 1);
#endif
#ifdef PRB_HAVE_HELPER
  if(!strcmp(cmd, "helper"))
    return prb_helper_main(argc - 1, argv + 1);
#endif
  fprintf(stderr, "accessprobe: unknown command '%s'\n", cmd);
  usage(stderr);
  return PRB_EXIT_USAGE;
}
