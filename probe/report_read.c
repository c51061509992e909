/* report_read.c: bounded line reading over zlib's gzread (see
 * report_read.h). One buffer, refilled in chunks; lines are handed out as
 * pointers into it, so nothing is copied per line. */
#include "report_read.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (1u << 20)

struct prb_lines {
  gzFile gz;
  char *buf;
  size_t cap, start, end, scan;   /* unread bytes are buf[start..end) */
  size_t max_line;
  uint64_t lineno, bytes;
  int eof, skipping;
  char err[160];
};

struct prb_lines *prb_lines_open(const char *path, size_t max_line,
                                 const char **err)
{
  struct prb_lines *r = calloc(1, sizeof(*r));
  if(!r) {
    *err = "out of memory";
    return NULL;
  }
  r->max_line = max_line ? max_line : PRB_LINES_MAX;
  r->cap = CHUNK * 2;
  r->buf = malloc(r->cap);
  if(!r->buf) {
    free(r);
    *err = "out of memory";
    return NULL;
  }
  if(!strcmp(path, "-")) {
    int fd = dup(STDIN_FILENO);
    r->gz = fd >= 0 ? gzdopen(fd, "rb") : NULL;
    if(!r->gz && fd >= 0)
      close(fd);
  } else {
    r->gz = gzopen(path, "rb");
  }
  if(!r->gz) {
    *err = "cannot be opened";
    free(r->buf);
    free(r);
    return NULL;
  }
  gzbuffer(r->gz, 256 * 1024);
  return r;
}

/* Reads more bytes after buf[end]; grows the buffer up to max_line + CHUNK.
 * 1: got bytes, 0: end of file, -1: error. */
static int fill(struct prb_lines *r)
{
  if(r->start > 0 && (r->cap - r->end < CHUNK || r->start == r->end)) {
    memmove(r->buf, r->buf + r->start, r->end - r->start);
    r->end -= r->start;
    r->scan -= r->start;
    r->start = 0;
  }
  if(r->cap - r->end < CHUNK) {
    size_t want = r->cap * 2;
    if(want > r->max_line + 2 * CHUNK)
      want = r->max_line + 2 * CHUNK;
    if(want <= r->cap)
      want = r->cap + CHUNK;
    char *nb = realloc(r->buf, want);
    if(!nb) {
      snprintf(r->err, sizeof(r->err), "out of memory");
      return -1;
    }
    r->buf = nb;
    r->cap = want;
  }
  size_t room = r->cap - r->end;
  if(room > CHUNK * 4)
    room = CHUNK * 4;
  int n = gzread(r->gz, r->buf + r->end, (unsigned)room);
  if(n > 0) {
    r->end += (size_t)n;
    r->bytes += (uint64_t)n;
    return 1;
  }
  int errnum = Z_OK;
  const char *msg = gzerror(r->gz, &errnum);
  if(n < 0 || (errnum != Z_OK && errnum != Z_STREAM_END)) {
    if(errnum == Z_BUF_ERROR)
      snprintf(r->err, sizeof(r->err), "truncated gzip stream");
    else if(errnum == Z_ERRNO)
      snprintf(r->err, sizeof(r->err), "read error");
    else
      snprintf(r->err, sizeof(r->err), "corrupt gzip stream (%s)",
               msg ? msg : "?");
    return -1;
  }
  return 0;
}

enum prb_lines_status prb_lines_next(struct prb_lines *r, const char **line,
                                     size_t *len, uint64_t *lineno)
{
  for(;;) {
    char *nl = r->scan < r->end
      ? memchr(r->buf + r->scan, '\n', r->end - r->scan) : NULL;
    if(nl) {
      size_t at = (size_t)(nl - r->buf);
      size_t s = r->start;
      r->start = r->scan = at + 1;
      r->lineno++;
      *lineno = r->lineno;
      if(r->skipping || at - s > r->max_line) {
        r->skipping = 0;
        return PRB_LINES_TOO_LONG;
      }
      *line = r->buf + s;
      *len = at - s;
      return PRB_LINES_LINE;
    }
    r->scan = r->end;
    if(r->end - r->start > r->max_line) {
      /* Too long: drop what we have, remember to report it at its end. */
      r->skipping = 1;
      r->start = r->scan = r->end = 0;
    }
    if(r->eof) {
      if(r->end > r->start || r->skipping) {
        size_t s = r->start;
        r->lineno++;
        *lineno = r->lineno;
        r->start = r->scan = r->end;
        if(r->skipping) {
          r->skipping = 0;
          return PRB_LINES_TOO_LONG;
        }
        *line = r->buf + s;
        *len = r->end - s;
        return PRB_LINES_LINE;
      }
      return PRB_LINES_EOF;
    }
    int f = fill(r);
    if(f < 0)
      return PRB_LINES_ERROR;
    if(f == 0)
      r->eof = 1;
  }
}

const char *prb_lines_error(const struct prb_lines *r)
{
  return r->err[0] ? r->err : "read error";
}

uint64_t prb_lines_bytes(const struct prb_lines *r)
{
  return r->bytes;
}

void prb_lines_close(struct prb_lines *r)
{
  if(!r)
    return;
  if(r->gz)
    gzclose(r->gz);
  free(r->buf);
  free(r);
}
