/* results_cmd.h: `accessprobe results` and `accessprobe results show RUN`.
 *
 * Lists the runs of a state folder (when, network, how it ended, how many
 * sites had each verdict) and prints one run's verdict per site. Reads
 * only, and needs only read access: the volunteer can read what the
 * scheduler wrote as another user when the volunteer is in its group.
 */
#ifndef PRB_RESULTS_CMD_H
#define PRB_RESULTS_CMD_H

#include <stdio.h>

/* argv[0] is "results"; the folder is already chosen (not NULL). Output on
 * out, problems on stderr. Returns an enum prb_exit. */
int prb_results_main(const char *state_dir, int argc, char **argv,
                     FILE *out);

#endif
