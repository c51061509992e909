/* main.c: the first word of the command line picks a subcommand, and the
 * subcommand's own room does the rest. Every subcommand has the same
 * face, prb_<name>_main(argc, argv) with argv[0] its name, and returns an
 * exit status from common/errors.h. No logic lives here. */
#include "common/errors.h"
#include "common/suggest.h"
#include "common/version.h"
#include "lists/lists_check.h"
#include "report/analyze_cmd.h"
#include "report/report.h"
#include "servers/collector.h"
#include "servers/helper.h"
#include "volunteer/onboard.h"
#include "volunteer/results_cmd.h"
#include "volunteer/run_cmd.h"
#include "volunteer/upload_cmd.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

static const struct command {
  const char *name;
  enum prb_exit (*main)(int argc, char **argv);
} commands[] = {
  {"run", prb_run_main},               /* volunteer/run_cmd.c */
  {"onboard", prb_onboard_main},       /* volunteer/onboard.c */
  {"results", prb_results_main},       /* volunteer/results_cmd.c */
  {"upload", prb_upload_main},         /* volunteer/upload_cmd.c */
  {"lists", prb_lists_main},           /* lists/lists_check.c */
  {"report", prb_report_main},         /* report/report.c */
  {"analyze", prb_analyze_main},       /* report/analyze_cmd.c */
  {"helper", prb_helper_main},         /* servers/helper.c */
  {"collector", prb_collector_main},   /* servers/collector.c */
};

int main(int argc, char **argv)
{
  if(argc < 2) {
    prb_run_usage(stderr);
    return PRB_EXIT_USAGE;
  }
  const char *cmd = argv[1];
  if(!strcmp(cmd, "--help") || !strcmp(cmd, "-h") || !strcmp(cmd, "help")) {
    prb_run_usage(stdout);
    return PRB_EXIT_OK;
  }
  if(!strcmp(cmd, "--version")) {
    printf("%s %s (%s)\n", prb_software_name(), prb_software_version(),
           curl_version());
    return PRB_EXIT_OK;
  }
  for(size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    if(!strcmp(cmd, commands[i].name))
      return commands[i].main(argc - 1, argv + 1);
  /* A typo gets one line and the likely command, not the whole usage. */
  const char *names[sizeof(commands) / sizeof(commands[0])];
  for(size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
    names[i] = commands[i].name;
  const char *near = prb_suggest(cmd, names,
                                 sizeof(commands) / sizeof(commands[0]));
  if(near)
    fprintf(stderr, "accessprobe: unknown command '%s'; did you mean "
            "'%s'? (accessprobe --help)\n", cmd, near);
  else
    fprintf(stderr, "accessprobe: unknown command '%s' (accessprobe "
            "--help lists them)\n", cmd);
  return PRB_EXIT_USAGE;
}
