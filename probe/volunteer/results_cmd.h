/* results_cmd.h: `accessprobe results` and `accessprobe results show RUN`.
 *
 * Lists the runs of a state folder (when, network, how it ended, how many
 * sites had each verdict) and prints one run's verdict per site. Reads
 * only, and needs only read access: the volunteer can read what the
 * scheduler wrote as another user when the volunteer is in its group.
 */
#ifndef PRB_RESULTS_CMD_H
#define PRB_RESULTS_CMD_H

#include "common/errors.h"

/* argv[0] is "results"; [show RUN] [--json] [--state-dir DIR] [--config
 * FILE] follow. Output on standard output, problems on stderr. */
enum prb_exit prb_results_main(int argc, char **argv);

#endif
