/* files.c: folder names, mkdir -p, atomic replacement, owners. */
#include "common/files.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

bool prb_dir_of(const char *path, char *out, size_t outlen)
{
  const char *slash = strrchr(path, '/');
  int n;
  if(!slash)
    n = snprintf(out, outlen, ".");
  else if(slash == path)
    n = snprintf(out, outlen, "/");
  else
    n = snprintf(out, outlen, "%.*s", (int)(slash - path), path);
  return n > 0 && (size_t)n < outlen;
}

void prb_inherit_owner(int fd, const char *path)
{
  if(fd < 0 || geteuid() != 0)
    return;
  char parent[4096];
  struct stat p, f;
  if(!prb_dir_of(path, parent, sizeof(parent)) || stat(parent, &p) < 0 ||
     fstat(fd, &f) < 0)
    return;
  if((f.st_uid != p.st_uid || f.st_gid != p.st_gid) &&
     fchown(fd, p.st_uid, p.st_gid) < 0)
    errno = 0;                  /* best effort: the write itself matters */
}

/* A folder mkdir just created takes its parent's owner (as root). */
static void inherit_dir(const char *path)
{
  if(geteuid() != 0)
    return;
  int fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
  if(fd >= 0) {
    prb_inherit_owner(fd, path);
    close(fd);
  }
}

static int make_one(const char *dir, unsigned mode, bool inherit_owner)
{
  if(mkdir(dir, (mode_t)mode) == 0) {
    if(inherit_owner)
      inherit_dir(dir);
    return 0;
  }
  return errno == EEXIST ? 0 : -1;
}

int prb_mkdirs(const char *dir, unsigned mode, bool inherit_owner)
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
    if(make_one(buf, mode, inherit_owner) < 0)
      return -1;
    *p = '/';
  }
  if(make_one(buf, mode, inherit_owner) < 0)
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

void prb_sync_dir_of(const char *path)
{
  char dir[4096];
  if(!prb_dir_of(path, dir, sizeof(dir)))
    return;
  int dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if(dfd >= 0) {
    fsync(dfd);
    close(dfd);
  }
}

int prb_write_all(int fd, const void *data, size_t len)
{
  const char *p = data;
  while(len) {
    ssize_t n = write(fd, p, len);
    if(n < 0 && errno == EINTR)
      continue;
    if(n <= 0) {
      if(n == 0)
        errno = ENOSPC;
      return -1;
    }
    p += n;
    len -= (size_t)n;
  }
  return 0;
}

int prb_write_atomic(const char *path, const void *data, size_t len,
                     char *why, size_t whylen)
{
  return prb_write_atomic_mode(path, data, len, 0640, why, whylen);
}

int prb_write_atomic_mode(const char *path, const void *data, size_t len,
                          unsigned mode, char *why, size_t whylen)
{
  char tmp[4096];
  int n = snprintf(tmp, sizeof(tmp), "%s.tmp", path);
  if(n < 0 || (size_t)n >= sizeof(tmp)) {
    snprintf(why, whylen, "%s: name too long", path);
    return -1;
  }
  /* A fresh file, never one left (or planted) there: it may be given
   * away to the folder's owner below. */
  if(unlink(tmp) < 0 && errno != ENOENT) {
    snprintf(why, whylen, "cannot replace %s: %s", tmp, strerror(errno));
    return -1;
  }
  int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                (mode_t)mode);
  if(fd < 0) {
    snprintf(why, whylen, "cannot create %s: %s", tmp, strerror(errno));
    return -1;
  }
  /* The mode asked for, whatever the umask. */
  (void)fchmod(fd, (mode_t)mode);
  /* Run by root (sudo accessprobe onboard), the file must still be the
   * service user's, or every scheduled run fails to read it. */
  prb_inherit_owner(fd, tmp);
  if(prb_write_all(fd, data, len) < 0) {
    snprintf(why, whylen, "cannot write %s: %s", tmp, strerror(errno));
    close(fd);
    unlink(tmp);
    return -1;
  }
  if(fsync(fd) < 0) {
    snprintf(why, whylen, "cannot sync %s: %s", tmp, strerror(errno));
    close(fd);
    unlink(tmp);
    return -1;
  }
  close(fd);
  if(rename(tmp, path) < 0) {
    snprintf(why, whylen, "cannot replace %s: %s", path, strerror(errno));
    unlink(tmp);
    return -1;
  }
  /* The rename is only durable once the folder is synced. */
  prb_sync_dir_of(path);
  return 0;
}
