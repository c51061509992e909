/* resume.c: repair the tail of a results file, skip recorded inputs. */
#include "volunteer/resume.h"
#include "volunteer/lock.h"
#include "common/files.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define CHUNK 65536

void prb_resume_init(struct prb_resume *r)
{
  memset(r, 0, sizeof(*r));
  prb_inputs_init(&r->done);
}

void prb_resume_free(struct prb_resume *r)
{
  if(!r)
    return;
  prb_inputs_free(&r->done);
  memset(r, 0, sizeof(*r));
}

/* Offset just past the last '\n' before end, or 0 when there is none. */
static int line_end_before(int fd, off_t end, off_t *out)
{
  char buf[CHUNK];
  off_t pos = end;
  while(pos > 0) {
    size_t want = pos >= CHUNK ? CHUNK : (size_t)pos;
    ssize_t n = pread(fd, buf, want, pos - (off_t)want);
    if(n != (ssize_t)want)
      return -1;
    for(size_t i = want; i > 0; i--)
      if(buf[i - 1] == '\n') {
        *out = pos - (off_t)want + (off_t)i;
        return 0;
      }
    pos -= (off_t)want;
  }
  *out = 0;
  return 0;
}

/* True when bytes [from, to) of fd are one JSON object. */
static bool is_record(int fd, off_t from, off_t to)
{
  size_t len = (size_t)(to - from);
  char *buf = malloc(len ? len : 1);
  if(!buf)
    return false;
  bool ok = false;
  if(pread(fd, buf, len, from) == (ssize_t)len && !memchr(buf, '\0', len)) {
    json_t *j = json_loadb(buf, len, 0, NULL);
    ok = json_is_object(j);
    json_decref(j);
  }
  free(buf);
  return ok;
}

/* Appends bytes [from, to) of fd to path.partial and syncs it. */
static int move_aside(int fd, const char *path, off_t from, off_t to,
                      char *why, size_t whylen)
{
  char side[4096];
  int n = snprintf(side, sizeof(side), "%s.partial", path);
  if(n < 0 || (size_t)n >= sizeof(side)) {
    snprintf(why, whylen, "%s: name too long", path);
    return -1;
  }
  int out = open(side, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW,
                 0640);
  if(out < 0) {
    snprintf(why, whylen, "cannot create %s: %s", side, strerror(errno));
    return -1;
  }
  /* Resumed by root in the service's folder: keep it the service's. */
  prb_inherit_owner(out, side);
  char buf[CHUNK];
  for(off_t pos = from; pos < to;) {
    size_t want = to - pos >= CHUNK ? CHUNK : (size_t)(to - pos);
    ssize_t r = pread(fd, buf, want, pos);
    if(r <= 0) {
      snprintf(why, whylen, "cannot read the tail of %s", path);
      close(out);
      return -1;
    }
    if(prb_write_all(out, buf, (size_t)r) < 0) {
      snprintf(why, whylen, "cannot write %s: %s", side, strerror(errno));
      close(out);
      return -1;
    }
    pos += r;
  }
  /* A separator keeps two moved tails apart in the .partial file. */
  if(write(out, "\n", 1) != 1 || fsync(out) < 0) {
    snprintf(why, whylen, "cannot write %s: %s", side, strerror(errno));
    close(out);
    return -1;
  }
  close(out);
  return 0;
}

/* Collects the input of every complete record in [0, end). */
static int collect(int fd, off_t end, struct prb_resume *r, char *why,
                   size_t whylen)
{
  int dup = fcntl(fd, F_DUPFD_CLOEXEC, 0);
  FILE *f = dup >= 0 ? fdopen(dup, "rb") : NULL;
  if(!f) {
    if(dup >= 0)
      close(dup);
    snprintf(why, whylen, "out of memory");
    return -1;
  }
  rewind(f);
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  off_t pos = 0;
  int rc = 0;
  while(pos < end && (n = getline(&line, &cap, f)) > 0) {
    pos += n;
    /* jansson reads past some NUL bytes ({"a":null\0}); the report
     * refuses them: such a line is no record, its input is measured
     * again. */
    json_t *j = memchr(line, '\0', (size_t)n) ? NULL :
                json_loadb(line, (size_t)n, 0, NULL);
    const char *in = json_string_value(json_object_get(j, "input"));
    if(!json_is_object(j) || !in)
      r->bad_lines++;
    else {
      const char *rid = json_string_value(json_object_get(j, "report_id"));
      if(rid && !r->report_id[0] && strlen(rid) < sizeof(r->report_id))
        memcpy(r->report_id, rid, strlen(rid) + 1);
      r->kept++;
      if(prb_inputs_add_url(&r->done, in, NULL, "resumed", NULL) ==
         PRB_LOAD_ENOMEM) {
        snprintf(why, whylen, "out of memory");
        rc = -1;
      }
    }
    json_decref(j);
    if(rc)
      break;
  }
  free(line);
  fclose(f);
  return rc;
}

int prb_resume_scan(const char *path, struct prb_resume *r, char *why,
                    size_t whylen)
{
  int fd = open(path, O_RDWR | O_CLOEXEC);
  if(fd < 0) {
    if(errno == ENOENT)
      return 0;
    snprintf(why, whylen, "cannot open %s: %s", path, strerror(errno));
    return -1;
  }
  struct stat st;
  if(fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
    snprintf(why, whylen, "%s: not a regular file", path);
    close(fd);
    return -1;
  }
  off_t size = st.st_size, cut, prev;
  bool read_ok = line_end_before(fd, size, &cut) == 0;
  /* The complete lines at the end may be garbage too (a power cut can
   * leave zeros or stale blocks): back to the last whole JSON object, so
   * that scanning again finds nothing more to repair. */
  while(read_ok && cut > 0) {
    read_ok = line_end_before(fd, cut - 1, &prev) == 0;
    if(!read_ok || is_record(fd, prev, cut))
      break;
    cut = prev;
  }
  if(!read_ok) {
    snprintf(why, whylen, "cannot read %s", path);
    close(fd);
    return -1;
  }
  if(cut < size) {
    if(move_aside(fd, path, cut, size, why, whylen) < 0) {
      close(fd);
      return -1;
    }
    if(ftruncate(fd, cut) < 0 || fsync(fd) < 0) {
      snprintf(why, whylen, "cannot cut %s back to its last complete "
               "record: %s", path, strerror(errno));
      close(fd);
      return -1;
    }
    r->moved += (size_t)(size - cut);
  }
  int rc = collect(fd, cut, r, why, whylen);
  close(fd);
  return rc;
}

long prb_resume_filter(const struct prb_resume *r,
                       const struct prb_inputs *in, struct prb_inputs *out)
{
  long skipped = 0;
  for(size_t i = 0; i < in->n; i++) {
    const struct prb_input *it = &in->items[i];
    if(prb_inputs_find(&r->done, it->url)) {
      skipped++;
      continue;
    }
    if(prb_inputs_add_url(out, it->url, it->category_code, it->origin,
                          NULL) == PRB_LOAD_ENOMEM)
      return -1;
  }
  return skipped;
}
