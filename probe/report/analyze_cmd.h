/* analyze_cmd.h: `accessprobe analyze`, records (ours, or OONI Probe's of
 * any web_connectivity version) judged again by the classifier and the
 * evidence lists, written back with a new x_analysis.
 */
#ifndef PRB_ANALYZE_CMD_H
#define PRB_ANALYZE_CMD_H

#include "common/errors.h"

/* argv[0] is "analyze"; the options and files follow. Writes the records
 * to -o FILE or standard output, the summary to standard error (and as
 * JSON to --summary FILE). Returns PRB_EXIT_OK, PRB_EXIT_USAGE,
 * PRB_EXIT_INPUT (an input could not be read to its end; the rest was
 * written), PRB_EXIT_OUTPUT or PRB_EXIT_INTERNAL (out of memory). */
enum prb_exit prb_analyze_main(int argc, char **argv);

#endif
