/* writer.c: append whole lines, cut back partial ones, sync once a batch. */
#include "engine/writer.h"
#include "common/files.h"
#include "common/buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

struct line {
  char *text;
  size_t len;
};

struct prb_writer {
  int fd;
  bool regular;                 /* a file we can truncate and sync */
  char *path;
  struct line *queue;
  size_t n_queue, cap_queue;
  size_t durable;
};

/* mkdir -p for the directory part of path. A part that is a file is left
 * for open() to report, naming the path. */
static int make_parent(const char *path)
{
  char dir[4096];
  if(!prb_dir_of(path, dir, sizeof(dir))) {
    errno = ENAMETOOLONG;
    return -1;
  }
  return prb_mkdirs(dir, 0755, false) < 0 && errno != ENOTDIR ? -1 : 0;
}

struct prb_writer *prb_writer_open(const char *path, char *why,
                                   size_t whylen)
{
  struct prb_writer *w = calloc(1, sizeof(*w));
  if(!w || !(w->path = strdup(path))) {
    free(w);
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  if(!strcmp(path, "-"))
    w->fd = STDOUT_FILENO;
  else {
    if(make_parent(path) < 0) {
      snprintf(why, whylen, "%s: cannot create its directory: %s", path,
               strerror(errno));
      goto fail;
    }
    w->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if(w->fd < 0) {
      snprintf(why, whylen, "%s: %s", path, strerror(errno));
      goto fail;
    }
  }
  struct stat st;
  w->regular = fstat(w->fd, &st) == 0 && S_ISREG(st.st_mode);
  return w;
fail:
  free(w->path);
  free(w);
  return NULL;
}

bool prb_writer_add(struct prb_writer *w, char *line, size_t len)
{
  if(!prb_array_reserve(&w->queue, &w->cap_queue, w->n_queue + 1,
                        sizeof(*w->queue), SIZE_MAX)) {
    free(line);
    return false;
  }
  w->queue[w->n_queue].text = line;
  w->queue[w->n_queue].len = len;
  w->n_queue++;
  return true;
}

long prb_writer_flush(struct prb_writer *w)
{
  size_t done = 0;
  int saved = 0;
  for(; done < w->n_queue; done++) {
    struct line *l = &w->queue[done];
    off_t before = w->regular ? lseek(w->fd, 0, SEEK_END) : 0;
    if(prb_write_all(w->fd, l->text, l->len) < 0) {
      saved = errno;
      if(w->regular && before >= 0 && ftruncate(w->fd, before) < 0)
        saved = errno;
      break;
    }
  }
  if(done && w->regular && fdatasync(w->fd) < 0 && !saved)
    saved = errno;
  for(size_t i = 0; i < w->n_queue; i++)
    free(w->queue[i].text);
  w->n_queue = 0;
  w->durable += done;
  if(saved) {
    errno = saved;
    return -1;
  }
  return (long)done;
}

size_t prb_writer_count(const struct prb_writer *w)
{
  return w->durable;
}

const char *prb_writer_path(const struct prb_writer *w)
{
  return w->path;
}

void prb_writer_close(struct prb_writer *w)
{
  if(!w)
    return;
  for(size_t i = 0; i < w->n_queue; i++)
    free(w->queue[i].text);
  if(w->fd != STDOUT_FILENO)
    close(w->fd);
  free(w->queue);
  free(w->path);
  free(w);
}
