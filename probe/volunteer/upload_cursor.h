/* upload_cursor.h: how far each collector has taken each results file.
 *
 * The results files are the upload queue: nothing is copied elsewhere.
 * Beside them, in the state folder, one cursor per results file and
 * collector says which of its lines are done:
 *
 *   STATE/upload/<collector>/collector.json     {"url": the collector}
 *   STATE/upload/<collector>/<file key>.cursor  the cursor, a log:
 *     {"v":1,"file":"results/2024-02-01/RUN.jsonl"}
 *     {"line":12,"end":40960,"uid":"2024..."}       acknowledged
 *     {"line":13,"end":45000,"refused":"reason"}    refused by the collector
 *     {"line":14,"end":49000,"skipped":"reason"}    never sent (AS0, ...)
 *     {"through":500,"end":2048000,"acked":480,"refused":15,"skipped":5}
 *
 * Each entry is appended and synced (fdatasync) as soon as the collector
 * answers, before anything else is sent, so a record acknowledged is never
 * sent again, and one not yet acknowledged is sent again next time (the
 * collector keeps one copy). A torn last entry (kill -9 mid-write) is cut
 * off when the cursor is next opened. At the end of an upload the log is
 * compacted (rewritten atomically) into its "through" line.
 *
 * <collector> is the collector's host and a hash of its URL, so each
 * configured URL has its own cursors; <file key> is the run id for a file
 * of the state folder, else the file's name and a hash of its path.
 */
#ifndef PRB_UPLOAD_CURSOR_H
#define PRB_UPLOAD_CURSOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PRB_UPLOAD_DIR "upload"

/* A line of the results file that is done, beyond the "through" prefix. */
struct prb_ucursor_line {
  uint64_t line, end;           /* end: the offset after its '\n' */
};

struct prb_ucursor {
  char path[4096];
  int fd;                       /* open for appending; -1 when read-only */
  uint64_t through;             /* lines 1..through are all done */
  uint64_t offset;              /* the offset where line through+1 starts */
  struct prb_ucursor_line *done;  /* done lines after through */
  size_t n_done, cap_done;
  uint64_t acked, refused, skipped;
};

/* STATE/upload/<collector> for a collector's URL into out; false when too
 * long. */
bool prb_upload_collector_dir(const char *state, const char *url, char *out,
                              size_t outlen);

/* The cursor's name (without ".cursor") for results file file. */
bool prb_upload_cursor_key(const char *file, char *out, size_t outlen);

/* The cursor of results file file (as named relative to state when it
 * lies there, else an absolute path) for the collector at url. */
bool prb_upload_cursor_path(const char *state, const char *url,
                            const char *file, char *out, size_t outlen);

/* Opens (creating, with its folders and collector.json) the cursor at
 * path for writing; label is the results file as the header names it.
 * 0, or -1 with why (a damaged cursor is named, never silently reset:
 * that would send everything again, which the collector tolerates, but
 * the volunteer should hear of it). */
int prb_ucursor_open(struct prb_ucursor *c, const char *path,
                     const char *url, const char *label, char *why,
                     size_t whylen);

/* Reads the cursor at path without changing it (a missing one is empty).
 * 0, or -1 when it is unreadable. */
int prb_ucursor_peek(struct prb_ucursor *c, const char *path);

bool prb_ucursor_is_done(const struct prb_ucursor *c, uint64_t line);

enum prb_ucursor_kind { PRB_UC_ACKED, PRB_UC_REFUSED, PRB_UC_SKIPPED };

/* Records that line (ending at end) is done: its uid (acked) or the
 * reason. Appended and synced before it returns. 0, or -1 with errno. */
int prb_ucursor_mark(struct prb_ucursor *c, uint64_t line, uint64_t end,
                     enum prb_ucursor_kind kind, const char *text);

/* Rewrites the log as its header and one "through" line plus what lies
 * beyond (atomically, synced). 0, or -1 with why. */
int prb_ucursor_compact(struct prb_ucursor *c, const char *label, char *why,
                        size_t whylen);

void prb_ucursor_close(struct prb_ucursor *c);

/* Deletes the cursors of results file file for every collector (when
 * retention deletes the file). */
void prb_upload_forget(const char *state, const char *file);

/* Lines done in all. */
uint64_t prb_ucursor_total(const struct prb_ucursor *c);

#endif
