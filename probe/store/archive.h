/* archive.h: the collector's archive, its embedded default storage.
 *
 * Records as JSON Lines, gzip-compressed, in OONI's layout:
 *
 *   ROOT/YYYYMMDD/HH/CC/TEST/YYYYMMDDHH_CC_TEST.n<C>.<S>.jsonl.gz
 *
 * (TEST without underscores, C the collector's number, S a sequence
 * number). The hour is the measurement's own start hour, taken from its
 * measurement_uid: a record always belongs in the same folder, so a
 * record sent again finds its uid listed there and is not written twice.
 * Each folder's uids are read from its files the first time a batch
 * touches it (an index rebuilt from the data, never a second copy that
 * could disagree with it); at most PRB_ARCHIVE_DIRS_CACHED folders are
 * kept in memory.
 *
 * A batch is appended to each file as one gzip member (concatenated
 * members are one valid gzip file), then fdatasync'd: a record is stored
 * when prb_archive_store says so, and only then may the collector
 * acknowledge it. A member cut short by a crash was never acknowledged;
 * it is cut off the file the next time the folder is read, and at start
 * every file written since an unclean stop is checked the same way, so
 * `accessprobe report ROOT` and researchers' tools read whole lines only.
 * A full disk leaves no partial member: the file is truncated back.
 */
#ifndef PRB_ARCHIVE_H
#define PRB_ARCHIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define PRB_ARCHIVE_DIRS_CACHED 512   /* folders whose uids stay in memory */
#define PRB_ARCHIVE_FILE_MAX (256ull * 1024 * 1024) /* then a new file */

struct prb_archive;

/* Opens (creating) the archive at root for collector number collector.
 * Files written since an unclean stop are checked and torn tails cut off
 * (said on log, which may be NULL). NULL with why on failure. */
struct prb_archive *prb_archive_open(const char *root, unsigned collector,
                                     FILE *log, char *why, size_t whylen);

/* Marks a clean stop and frees a. NULL is allowed. */
void prb_archive_close(struct prb_archive *a);

enum prb_archive_result {
  PRB_ARCHIVE_STORED = 0,       /* written and synced now */
  PRB_ARCHIVE_DUPLICATE,        /* already in the archive: nothing written */
  PRB_ARCHIVE_FULL,             /* no space left: nothing written */
  PRB_ARCHIVE_FAILED            /* another error: nothing written */
};

/* One record of a batch: its uid (which names its folder) and its line
 * (no '\n'); result is set by prb_archive_store. */
struct prb_archive_item {
  const char *uid;
  const char *line;
  size_t len;
  enum prb_archive_result result;
};

/* Stores a batch: each item gets its result (a uid twice in one batch:
 * the second is a duplicate). Problems are said on log (may be NULL).
 * Returns the number of items not stored for lack of space or another
 * error. */
size_t prb_archive_store(struct prb_archive *a, struct prb_archive_item *items,
                         size_t n, FILE *log);

/* The folder (relative to the root) and file name prefix of a uid:
 * "YYYYMMDD/HH/CC/TEST" and "YYYYMMDDHH_CC_TEST". False when uid is not a
 * measurement_uid. */
bool prb_archive_place(const char *uid, char *dir, size_t dirlen,
                       char *prefix, size_t prefixlen);

/* Records stored (not duplicates) since open. */
unsigned long long prb_archive_stored(const struct prb_archive *a);

#endif
