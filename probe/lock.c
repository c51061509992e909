/* lock.c: flock on a lock file in the output folder. */
#include "lock.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

int prb_lock_mkdirs(const char *dir, unsigned mode)
{
  char buf[4096];
  int n = snprintf(buf, sizeof(buf), "%s", dir);
  if(n <= 0 || (size_t)n >= sizeof(buf)) {
    errno = ENAMETOOLONG;
    return -1;
  }
  for(char *p = buf + 1; *p; p++) {
    if(*p != '/')
      continue;
    *p = '\0';
    if(mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST)
      return -1;
    *p = '/';
  }
  if(mkdir(buf, (mode_t)mode) < 0 && errno != EEXIST)
    return -1;
  struct stat st;
  if(stat(buf, &st) < 0)
    return -1;
  if(!S_ISDIR(st.st_mode)) {
    errno = ENOTDIR;
    return -1;
  }
  return 0;
}

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
  if(prb_lock_mkdirs(dir, 0750) < 0) {
    snprintf(why, whylen, "cannot create %s: %s", dir, strerror(errno));
    return PRB_LOCK_ERROR;
  }
  /* 0640: the volunteer's group may read who holds it. */
  int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0640);
  if(fd < 0) {
    snprintf(why, whylen, "cannot open %s: %s", path, strerror(errno));
    return PRB_LOCK_ERROR;
  }
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
