/* helper.h: `accessprobe helper`, the control vantage point.
 *
 * An HTTP server, run outside the censored network, that measures the URL
 * a probe asks about with the same engine the probe uses and answers in
 * OONI's Web Connectivity test-helper protocol, so a probe can use this or
 * an OONI-compatible helper. Single-threaded: libmicrohttpd runs inside
 * our epoll loop, and each request's connection is suspended while its
 * measurement runs.
 */
#ifndef PRB_HELPER_H
#define PRB_HELPER_H

#include "common/errors.h"

/* argv[0] is "helper". Returns an enum prb_exit. */
enum prb_exit prb_helper_main(int argc, char **argv);

#endif
