/* config.h: the one configuration file (JSON, versioned schema).
 *
 * What to measure and how: lists, controls, collectors, resolvers,
 * parallelism, time budget, state folder, network identity, retention.
 * The format is in docs/config.md. Options on the command line override
 * the file.
 *
 * Search order when no file is named: $XDG_CONFIG_HOME/accessprobe/
 * config.json (or ~/.config/accessprobe/config.json), then
 * /etc/accessprobe/config.json. The first file that exists is the only one
 * read. A malformed file is refused with "FILE:LINE: reason", never
 * replaced by defaults: a half-read configuration would measure the wrong
 * thing or under the wrong identity.
 */
#ifndef PRB_CONFIG_H
#define PRB_CONFIG_H

#include "common/caps.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define PRB_CONFIG_VERSION 1          /* the schema this build reads */
#define PRB_CONFIG_RETENTION_DAYS 90
#define PRB_CONFIG_RETENTION_MB 200
#define PRB_CONFIG_SYSTEM_FILE "/etc/accessprobe/config.json"

/* Every string is owned by the struct (NULL when the key was absent);
 * numbers are 0 when absent unless said otherwise. */
struct prb_config {
  char path[4096];              /* the file read; "" when none */
  int version;
  char *lists[PRB_CONFIG_MAX_LISTS];   /* resolved paths */
  size_t n_lists;
  char *controls[PRB_MAX_CONTROLS];
  size_t n_controls;
  bool no_control;              /* "controls": [] */
  /* Where records are sent (base URLs, the monitoring organisation's);
   * none by default. ooni_upload: also to OONI's collector, only when the
   * volunteer chose it ("ooni_upload": true); never the default. */
  char *collectors[PRB_MAX_COLLECTORS];
  size_t n_collectors;
  bool ooni_upload;
  char *resolvers[PRB_MAX_RESOLVERS];
  size_t n_resolvers;
  long parallel;
  long max_runtime;             /* seconds; 0: no budget */
  bool has_max_runtime;         /* the key was there (0 is not absent) */
  long step_timeout_ms;
  char *state_dir, *ca_file, *canaries;  /* resolved paths */
  char *probe_asn;              /* normalised "AS1234" */
  char *probe_cc, *probe_network_name;
  long retention_days;          /* PRB_CONFIG_RETENTION_DAYS when absent */
  long retention_max_mb;        /* PRB_CONFIG_RETENTION_MB when absent */
};

/* Empty configuration with the defaults above. */
void prb_config_init(struct prb_config *c);

/* Frees what c owns; c may be NULL. */
void prb_config_free(struct prb_config *c);

/* The file the search order finds, written to out; false when none
 * exists. */
bool prb_config_find(char *out, size_t outlen);

/* The user's own file, first in the search order
 * ($XDG_CONFIG_HOME/accessprobe/config.json or
 * ~/.config/accessprobe/config.json), whether it exists or not; false
 * when neither variable gives an absolute path. */
bool prb_config_user_file(char *out, size_t outlen);

/* Loads path, or when path is NULL the file prb_config_find() gives (none
 * at all is fine: c keeps its defaults). Problems are written to err as
 * "FILE:LINE: reason" (or "FILE: reason" when no line applies). Returns
 * true when c is usable. Relative paths in the file are taken relative to
 * the file's folder; a list name without '/' is first looked up among the
 * shipped lists. At most PRB_CONFIG_MAX_ERRORS problems are written, then
 * one line counting the others. */
bool prb_config_load(struct prb_config *c, const char *path, FILE *err);

/* Checks and normalises an AS number: "AS1234" or "1234" give "AS1234" in
 * out. */
bool prb_config_parse_asn(const char *s, char *out, size_t outlen);

/* The value of --config FILE (or --config=FILE) in argv, NULL when none:
 * for a command that needs the file before prb_config_state_dir takes
 * the option out. */
const char *prb_config_arg(int argc, char **argv);

/* For the commands that read a state folder (onboard, results): takes
 * --config FILE and --state-dir DIR out of argv (in place, *argc
 * updated) and finds the state folder the way runs do: --state-dir, else
 * the configuration's, else prb_state_default_dir(). Returns -1 to go on,
 * else the exit status (problems said on stderr). */
int prb_config_state_dir(int *argc, char **argv, char *dir, size_t dirlen);

/* True for a two-letter upper-case country code. */
bool prb_config_valid_cc(const char *s);

/* True for the address of a control or a collector: an absolute http or
 * https URL with a host (no user name, no fragment). Otherwise why says
 * what is wrong, naming the URL. */
bool prb_config_valid_endpoint(const char *url, char *why, size_t whylen);

#endif
