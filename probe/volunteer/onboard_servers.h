/* onboard_servers.h: the control and the collector the monitoring
 * organisation gives, set when the volunteer agrees.
 *
 * A run without a control cannot tell blocking from an outage (most of
 * its verdicts are "inconclusive"), so `accessprobe onboard` asks for the
 * control's address (and the collector's) unless the configuration has
 * them, takes them as options for unattended installs (--control URL,
 * --collector URL, repeatable; --no-control to measure without one), and
 * writes them to the configuration file: only its "controls" and
 * "collectors" keys change, atomically, and the file stays readable by
 * the scheduled runs' user (mode 0644). It then says where the results
 * go: the collectors, and OONI only when "ooni_upload" is true.
 */
#ifndef PRB_ONBOARD_SERVERS_H
#define PRB_ONBOARD_SERVERS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/caps.h"
#include "common/errors.h"

/* What the command line gave (borrowed strings). */
struct prb_servers {
  const char *controls[PRB_MAX_CONTROLS];
  size_t n_controls;
  const char *collectors[PRB_MAX_COLLECTORS];
  size_t n_collectors;
  bool no_control;              /* --no-control: measure without one */
};

/* Takes --control URL, --collector URL (also --NAME=URL) or --no-control
 * at argv[*i], moving *i past its value: 1 when taken, 0 when argv[*i] is
 * none of them, -1 when wrong (a bad URL, too many, said on stderr). */
int prb_servers_option(struct prb_servers *s, int argc, char **argv,
                       int *i);

/* Sets the servers in the configuration file config (NULL: the one the
 * search order finds, else a new one: /etc/accessprobe/config.json for
 * root, the user's own file otherwise). With ask, a server neither given
 * nor configured is asked for on in/out (an empty line: none). Says on
 * out what was set and what it means. */
enum prb_exit prb_servers_setup(const struct prb_servers *given,
                                const char *config, bool ask, FILE *in,
                                FILE *out);

#endif
