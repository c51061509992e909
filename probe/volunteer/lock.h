/* lock.h: one run at a time per output folder.
 *
 * An exclusive flock(2) on FOLDER/.accessprobe.lock, taken without
 * waiting. The kernel drops it when the process dies however it dies
 * (kill -9, crash, power loss), so a stale lock never blocks the next run,
 * unlike a PID file. The holder's process id is written into the file only
 * to name it in the message a second run prints.
 */
#ifndef PRB_LOCK_H
#define PRB_LOCK_H

#include <stdbool.h>
#include <stddef.h>

#define PRB_LOCK_NAME ".accessprobe.lock"

enum {
  PRB_LOCK_BUSY = -1,           /* another process holds it */
  PRB_LOCK_ERROR = -2           /* cannot create or lock the file */
};

/* Locks dir (created, with its parents, when missing). Returns the
 * descriptor holding the lock (close-on-exec), PRB_LOCK_BUSY with the
 * holder's pid in *holder (0 when unknown; holder may be NULL), or
 * PRB_LOCK_ERROR with a reason in why. */
int prb_lock_take(const char *dir, long *holder, char *why, size_t whylen);

/* Whether a run holds dir's lock now, without taking it (read access is
 * enough): 1 held, 0 free or no lock file, -1 unknown. */
int prb_lock_held(const char *dir);

/* Releases the lock; fd < 0 is ignored. */
void prb_lock_release(int fd);

/* The folder to lock before writing the results file path: the state
 * folder when path lies in STATE/results/ (a scheduled run locks STATE, so
 * both must take the same lock), else the folder holding path. false when
 * out is too small. */
bool prb_lock_dir_for(const char *path, char *out, size_t outlen);

#endif
