/* lock.c: flock on a lock file in the output folder. */
#include "volunteer/lock.h"
#include "common/files.h"

#include <errno.h>
#include <limits.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static long read_holder(int fd)
{
  char buf[32];
  ssize_t n = pread(fd, buf, sizeof(buf) - 1, 0);
  if(n <= 0)
    return 0;
  buf[n] = '\0';
  char *end;
  long v = strtol(buf, &end, 10);
  return end != buf && v > 0 ? v : 0;
}

int prb_lock_take(const char *dir, long *holder, char *why, size_t whylen)
{
  char path[4096];
  if(holder)
    *holder = 0;
  int n = snprintf(path, sizeof(path), "%s/%s", dir, PRB_LOCK_NAME);
  if(n < 0 || (size_t)n >= sizeof(path)) {
    snprintf(why, whylen, "%s: folder name too long", dir);
    return PRB_LOCK_ERROR;
  }
  if(prb_mkdirs(dir, 0750, true) < 0) {
    snprintf(why, whylen, "cannot create %s: %s", dir, strerror(errno));
    return PRB_LOCK_ERROR;
  }
  /* 0640: the volunteer's group may read who holds it. */
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
  if(fd < 0) {
    snprintf(why, whylen, "cannot open %s: %s", path, strerror(errno));
    return PRB_LOCK_ERROR;
  }
  /* A root run must not leave a lock the service user cannot open. */
  prb_inherit_owner(fd, path);
  if(flock(fd, LOCK_EX | LOCK_NB) < 0) {
    int e = errno;
    if(e == EWOULDBLOCK) {
      if(holder)
        *holder = read_holder(fd);
      close(fd);
      return PRB_LOCK_BUSY;
    }
    snprintf(why, whylen, "cannot lock %s: %s", path, strerror(e));
    close(fd);
    return PRB_LOCK_ERROR;
  }
  char pid[32];
  int len = snprintf(pid, sizeof(pid), "%ld\n", (long)getpid());
  /* Best effort: the pid only makes the busy message clearer, and a full
   * disk must not stop the run here. */
  if(ftruncate(fd, 0) == 0 && pwrite(fd, pid, (size_t)len, 0) < 0)
    errno = 0;
  return fd;
}

int prb_lock_held(const char *dir)
{
  char path[4096];
  int n = snprintf(path, sizeof(path), "%s/%s", dir, PRB_LOCK_NAME);
  if(n < 0 || (size_t)n >= sizeof(path))
    return -1;
  int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if(fd < 0)
    return errno == ENOENT ? 0 : -1;
  int rc = 0;
  if(flock(fd, LOCK_SH | LOCK_NB) < 0)
    rc = errno == EWOULDBLOCK ? 1 : -1;
  close(fd);
  return rc;
}

void prb_lock_release(int fd)
{
  if(fd < 0)
    return;
  if(ftruncate(fd, 0) < 0)
    errno = 0;
  close(fd);                    /* closing drops the flock */
}

/* True when dir holds what a state folder run leaves (state.h). */
static bool is_state_dir(const char *dir)
{
  static const char *const marks[] = {
    PRB_LOCK_NAME, "runs.json", "consent.json"
  };
  char p[4200];
  for(size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
    snprintf(p, sizeof(p), "%s/%s", dir, marks[i]);
    if(access(p, F_OK) == 0)
      return true;
  }
  return false;
}

bool prb_lock_dir_for(const char *path, char *out, size_t outlen)
{
  char dir[4096], real[PATH_MAX];
  int n;
  if(!prb_dir_of(path, dir, sizeof(dir)))
    return false;
  /* Walk up the real path: a results/ folder whose parent is a state
   * folder means the state folder's lock, whatever name led here. */
  if(realpath(dir, real)) {
    char *cut;
    while((cut = strrchr(real, '/'))) {
      bool results = !strcmp(cut + 1, "results");
      cut[cut == real ? 1 : 0] = '\0';
      if(results && is_state_dir(real)) {
        n = snprintf(out, outlen, "%s", real);
        return n > 0 && (size_t)n < outlen;
      }
      if(cut == real)
        break;
    }
  }
  n = snprintf(out, outlen, "%s", dir);
  return n > 0 && (size_t)n < outlen;
}
