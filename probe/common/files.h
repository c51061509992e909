/* files.h: the few file-system steps every room takes the same way: the
 * folder of a path, mkdir -p, and a file replaced atomically and durably.
 *
 * Run as root (`sudo accessprobe ...` in a folder owned by the service
 * user), what the probe creates may take the owner and group of the
 * folder it is created in, so that the service user can still read and
 * replace it.
 */
#ifndef PRB_FILES_H
#define PRB_FILES_H

#include <stdbool.h>
#include <stddef.h>

/* The folder holding path into out: "." when path has no '/', "/" for a
 * file at the root. False when out is too small. */
bool prb_dir_of(const char *path, char *out, size_t outlen);

/* mkdir -p with mode for the folders it creates; dir must then be a
 * folder. With inherit_owner, each folder it creates takes the owner and
 * group of its parent (as root). Returns 0, or -1 with errno set. */
int prb_mkdirs(const char *dir, unsigned mode, bool inherit_owner);

/* When this process runs as root, gives the file open on fd (at path) the
 * owner and group of the folder holding path. No-op otherwise, and best
 * effort. */
void prb_inherit_owner(int fd, const char *path);

/* Writes data to path atomically and durably (a fresh temporary file,
 * fsync, rename, fsync of the folder), mode 0640; as root the file takes
 * its folder's owner and group. 0, or -1 with a reason in why. */
int prb_write_atomic(const char *path, const void *data, size_t len,
                     char *why, size_t whylen);

/* The same with the file's mode (0644 for a file other users must read,
 * such as the configuration the service user loads). */
int prb_write_atomic_mode(const char *path, const void *data, size_t len,
                          unsigned mode, char *why, size_t whylen);

/* Writes all len bytes to fd (retried after EINTR and short writes).
 * 0, or -1 with errno set (ENOSPC when the disk took nothing more). */
int prb_write_all(int fd, const void *data, size_t len);

/* fsync of the folder holding path (a rename in it becomes durable). */
void prb_sync_dir_of(const char *path);

#endif
