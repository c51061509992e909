/* state.h: the state folder of scheduled runs, and its run index.
 *
 *   STATE/.accessprobe.lock                 one run at a time (lock.h)
 *   STATE/consent.json                      the volunteer's answer (onboard.h)
 *   STATE/runs.json                         the run index (below)
 *   STATE/results/YYYY-MM-DD/RUN_ID.jsonl   the records of one run
 *   STATE/results/YYYY-MM-DD/RUN_ID.jsonl.partial  a torn last line, set aside
 *
 * The index is small and rewritten whole (temporary file, fsync, rename,
 * fsync of the folder), so a crash leaves the old or the new one, never a
 * mix. It holds no address of the probe: when, which network (ASN, CC,
 * name), how the run ended and how many sites had each verdict.
 * Retention deletes whole runs, oldest first, by age and by total size,
 * and never the file of the run in progress.
 */
#ifndef PRB_STATE_H
#define PRB_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <time.h>

#include "analysis/verdict.h"

#define PRB_STATE_INDEX "runs.json"
#define PRB_STATE_INDEX_VERSION 1

/* Run counts are kept by x_analysis.verdict (verdict.h), plus
 * "unclassified" for records without one. */
#define PRB_VERDICT_UNCLASSIFIED PRB_VERDICT_COUNT
#define PRB_STATE_VERDICTS (PRB_VERDICT_COUNT + 1)

/* prb_verdict_name(), and "unclassified" for PRB_VERDICT_UNCLASSIFIED. */
const char *prb_state_verdict_name(enum prb_verdict v);

/* The verdict of one record (borrowed JSON), or PRB_VERDICT_UNCLASSIFIED. */
enum prb_verdict prb_state_record_verdict(const void *json_record);

struct prb_run_entry {
  char id[96];                  /* also the file's base name */
  char file[256];               /* relative to the state folder */
  char started[24];             /* "YYYY-MM-DDThh:mm:ssZ" */
  char finished[24];            /* "" while running or when it died */
  char status[16];              /* running, complete, budget, interrupted,
                                   disk_full, failed, offline */
  char asn[16], cc[3];
  char network[128];
  size_t inputs;                /* the size of the list */
  size_t left;                  /* inputs not measured when it ended */
  size_t resumed;               /* times it was resumed */
  size_t counts[PRB_STATE_VERDICTS];       /* records by verdict (an
                                              input's first measurement;
                                              its second look not again) */
  char control[8];              /* "with" or "without" a control; "" when
                                   not known (older or recovered runs) */
  /* measurements whose control could not be reached, and how ("timeout",
   * "reset", "refused", "dns", "tls", "other"; "" when none) */
  size_t control_unreachable;
  char control_how[16];
};

struct prb_index {
  struct prb_run_entry *runs;   /* oldest first */
  size_t n, cap;
};

/* The default state folder: $STATE_DIRECTORY (set by systemd; the first
 * of a colon-separated list), else $XDG_STATE_HOME/accessprobe, else
 * ~/.local/state/accessprobe. False when none can be made up. */
bool prb_state_default_dir(char *out, size_t outlen);

/* Creates dir and dir/results when missing. 0, or -1 with why. */
int prb_state_prepare(const char *dir, char *why, size_t whylen);

/* A new run: fills e->id, e->file (creating its dated folder) and
 * e->started for now; status "running". 0, or -1 with why. */
int prb_state_new_run(const char *dir, const char *asn, const char *cc,
                      struct prb_run_entry *e, char *why, size_t whylen);

/* dir/rel into out; false when too long. */
bool prb_state_path(const char *dir, const char *rel, char *out,
                    size_t outlen);

/* Loads dir/runs.json; a missing file is an empty index. A malformed one
 * is reported on err as FILE:LINE: reason and -1 returned (it is never
 * silently replaced). */
int prb_state_index_load(const char *dir, struct prb_index *ix, FILE *err);

/* Builds an index from the files under dir/results/DATE/ (when runs.json
 * was lost or damaged), so retention still sees every run: id from the
 * file name, start from the folder's date, network from the first record,
 * status "recovered". The runs found go among the listed ones by start
 * time; the listed ones keep their order, the order they ran in (two may
 * start in the same second). Returns the number of runs found, -1 out of
 * memory. */
long prb_state_index_rebuild(const char *dir, struct prb_index *ix);

/* What a state-folder run uses: loads dir/runs.json (a damaged one is
 * renamed aside, never lost, and replaced), then adds every run under
 * dir/results/ that the index does not list, even when runs.json is
 * missing, so retention sees every file. Messages go to err (may be
 * NULL). Returns the number of runs, -1 out of memory. */
long prb_state_index_open(const char *dir, struct prb_index *ix, FILE *err);

/* The run a new run should carry on, or NULL: the newest run that is not
 * "offline", when it stopped early (running, interrupted, disk_full,
 * budget) and has a file. With same_day, only a run started on now's UTC
 * day: a new day starts a new run. */
struct prb_run_entry *prb_state_resumable(struct prb_index *ix,
                                          bool same_day, time_t now);

/* How many of the newest runs in a row were "offline" (measured nothing);
 * *since (may be NULL) gets the start of the newest run before them, NULL
 * when there is none. */
size_t prb_state_offline_streak(const struct prb_index *ix,
                                const char **since);

/* Copies src into dst (len bytes with the NUL) as valid UTF-8 (invalid
 * bytes become U+FFFD), cut at a character boundary when too long. */
void prb_state_copy_text(char *dst, size_t len, const char *src);

/* Run as root, creates path (empty) when missing and gives it the owner
 * and group of its folder, so that the service user can append to it
 * later. No-op otherwise. */
void prb_state_own_file(const char *path);

/* Writes dir/runs.json atomically. 0, or -1 with why. */
int prb_state_index_save(const char *dir, const struct prb_index *ix,
                         char *why, size_t whylen);

/* Adds e, or replaces the entry with the same id. False when out of
 * memory. */
bool prb_state_index_put(struct prb_index *ix, const struct prb_run_entry *e);

/* The entry with this id (or, when no id matches, the only one whose id
 * starts with it), or NULL. */
struct prb_run_entry *prb_state_index_find(struct prb_index *ix,
                                           const char *id);

void prb_state_index_free(struct prb_index *ix);

/* Seconds since e started; -1 when its start time is unreadable. */
long prb_state_age(const struct prb_run_entry *e);

/* "YYYY-MM-DDThh:mm:ssZ" for now. */
void prb_state_now(char out[24]);

/* Counts the records of a results file by verdict into counts (zeroed
 * first): each input's first measurement, not its second look; *total
 * gets the number counted. -1 when it cannot be read. */
int prb_state_count(const char *path, size_t counts[PRB_STATE_VERDICTS],
                    size_t *total);

/* What retention must know of uploads: how many records of a run still
 * wait for a collector (and which, into who), and that a run is gone (its
 * upload cursors go with it). */
struct prb_retain_hold {
  size_t (*waiting)(void *arg, const struct prb_run_entry *e, char *who,
                    size_t wholen);
  void (*deleted)(void *arg, const struct prb_run_entry *e);
  void *arg;
};

/* prb_state_retain, keeping runs whose records still wait for a collector:
 * never deleted for their age; for the size limit only when deleting
 * every other run was not enough, and then said on log with what is
 * lost. hold may be NULL. */
size_t prb_state_retain_hold(const char *dir, struct prb_index *ix, long days,
                             long max_mb, const char *keep_id,
                             const struct prb_retain_hold *hold, FILE *log);

/* Deletes runs older than days, then the oldest runs until the results
 * take at most max_mb MiB; keep_id (may be NULL) is never deleted. Ages
 * are counted from the start of the newest run other than keep_id (or
 * from now, if earlier), so a clock far ahead deletes nothing by age. Updates
 * ix (the caller saves it). Each deletion is reported on log (may be
 * NULL). Returns the number of runs deleted. */
size_t prb_state_retain(const char *dir, struct prb_index *ix, long days,
                        long max_mb, const char *keep_id, FILE *log);

#endif
