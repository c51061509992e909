/* run_cli.h: what the two halves of `accessprobe run` share (run_cmd.c:
 * the command line, the configuration, plain runs; run_state.c: runs in a
 * state folder). Private to them: nothing else includes it. */
#ifndef PRB_RUN_CLI_H
#define PRB_RUN_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "common/errors.h"
#include "engine/run.h"
#include "lists/inputs.h"
#include "volunteer/config.h"
#include "volunteer/progress.h"

/* What the command line said, before the configuration fills the gaps. */
struct prb_run_cli {
  struct prb_run_opts o;
  const char *files[PRB_CONFIG_MAX_LISTS];
  size_t n_files;
  const char *urls[256];
  size_t n_urls;
  char asn[24];
  bool set_parallel, set_step, set_budget, set_ca, set_canaries;
  const char *config, *state_dir;
  bool resume, scheduled;
  enum prb_log_format log;
  /* the second looks a resumed run still owes (owned; c->o.looks) */
  struct prb_run_look *owed;
};

/* The inputs to measure: the URLs and files given, else the configured
 * lists, else lists/kz-media.csv. Problems are named on stderr. */
enum prb_exit prb_run_cli_inputs(const struct prb_run_cli *c,
                                 struct prb_inputs *in);

/* Takes the lock of dir into *fd, saying on stderr who holds it when
 * busy (PRB_EXIT_BUSY). */
enum prb_exit prb_run_cli_lock(const char *dir, int *fd);

/* Repairs the results file path and drops its recorded inputs from *in
 * (replacing it); *already gets the number of complete records in path,
 * report_id the records' report_id ("" when none); the second looks the
 * file still owes go to c->owed and c->o.looks. */
enum prb_exit prb_run_cli_resume(struct prb_run_cli *c, const char *path,
                                 struct prb_inputs *in, size_t *already,
                                 char *report_id, size_t idlen);

/* Nothing left to do in a resumed run: no input, no second look owed. */
bool prb_run_cli_nothing_left(const struct prb_run_cli *c,
                              const struct prb_inputs *in);

/* Runs the measurement with the progress display and the message hook
 * the options ask for; a full disk becomes PRB_EXIT_DISK_FULL. */
enum prb_exit prb_run_cli_measure(struct prb_run_cli *c, struct prb_inputs *in,
                                  size_t already, const char *run_id,
                                  struct prb_run_stats *st);

/* Inputs without a record after the run: those never started and those
 * cut short (signal, full disk). */
size_t prb_run_cli_unmeasured(const struct prb_inputs *in,
                              const struct prb_run_stats *st);

/* --scheduled and --state-dir: dated files, index, lock, retention
 * (run_state.c). */
enum prb_exit prb_run_in_state(struct prb_run_cli *c,
                               const struct prb_config *cf,
                               struct prb_inputs *in);

#endif
