/* run_cmd.h: `accessprobe run`, the command: options, the configuration
 * file, the state folder, the lock, resuming; the measuring itself is
 * engine/run.h's prb_run. */
#ifndef PRB_RUN_CMD_H
#define PRB_RUN_CMD_H

#include <stdio.h>

#include "common/errors.h"

/* argv[0] is "run"; the options and URLs follow. */
enum prb_exit prb_run_main(int argc, char **argv);

/* The program's usage (run's options and the exit statuses), for --help. */
void prb_run_usage(FILE *f);

#endif
