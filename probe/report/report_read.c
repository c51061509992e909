/* report_read.c: bounded line reading over zlib's inflate (see
 * report_read.h). One buffer, refilled in chunks; lines are handed out as
 * pointers into it, so nothing is copied per line. inflate rather than
 * gzread: gzread silently drops whatever follows the last gzip member,
 * and a report must not pass over data it did not read. */
#include "report/report_read.h"
#include "common/buf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#define CHUNK (1u << 20)
#define IN_CHUNK (256u * 1024)   /* compressed input per read */

enum mode { M_UNKNOWN, M_PLAIN, M_GZIP };

struct prb_lines {
  int fd;
  bool own_fd;
  enum mode mode;
  z_stream z;                     /* next_in/avail_in: unread input, both
                                     modes */
  bool z_init, in_eof, member_end, trailing, at_end;
  unsigned char *in;
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
  r->in = malloc(IN_CHUNK);
  if(!r->buf || !r->in) {
    free(r->buf);
    free(r->in);
    free(r);
    *err = "out of memory";
    return NULL;
  }
  if(!strcmp(path, "-")) {
    r->fd = STDIN_FILENO;
  } else {
    r->fd = open(path, O_RDONLY | O_CLOEXEC);
    r->own_fd = true;
  }
  if(r->fd < 0) {
    int e = errno;     /* the caller prints it */
    *err = "cannot be opened";
    free(r->buf);
    free(r->in);
    free(r);
    errno = e;
    return NULL;
  }
  r->z.next_in = r->in;
  return r;
}

/* Up to room bytes of the file into dst: their number, 0 at its end (and
 * in_eof set), -1 on a read error (r->err says it). */
static ssize_t read_some(struct prb_lines *r, void *dst, size_t room)
{
  ssize_t n;
  do
    n = read(r->fd, dst, room);
  while(n < 0 && errno == EINTR);
  if(n < 0)
    snprintf(r->err, sizeof(r->err), "read error (%s)", strerror(errno));
  else if(n == 0)
    r->in_eof = true;
  return n;
}

/* At least k unread input bytes, unless the input ends first. 0, or -1 on
 * a read error. */
static int ensure(struct prb_lines *r, size_t k)
{
  while(r->z.avail_in < k && !r->in_eof) {
    if(r->z.next_in != r->in) {
      memmove(r->in, r->z.next_in, r->z.avail_in);
      r->z.next_in = r->in;
    }
    ssize_t n = read_some(r, r->in + r->z.avail_in,
                          IN_CHUNK - r->z.avail_in);
    if(n < 0)
      return -1;
    r->z.avail_in += (uInt)n;
  }
  return 0;
}

static bool gzip_magic(const struct prb_lines *r)
{
  return r->z.avail_in >= 2 && r->z.next_in[0] == 0x1f &&
    r->z.next_in[1] == 0x8b;
}

/* Up to room bytes of the file's text into dst: n > 0, 0 at its end, -1
 * on an error (r->err). Gzip members may follow one another (cat a.gz
 * b.gz); anything else after one is an error, but only once the text
 * before it has been handed out. */
static long produce(struct prb_lines *r, char *dst, size_t room)
{
  if(r->mode == M_UNKNOWN) {
    if(ensure(r, 2))
      return -1;
    if(gzip_magic(r)) {
      if(inflateInit2(&r->z, 15 + 16) != Z_OK) {
        snprintf(r->err, sizeof(r->err), "out of memory");
        return -1;
      }
      r->z_init = true;
      r->mode = M_GZIP;
    } else {
      r->mode = M_PLAIN;
    }
  }
  if(r->mode == M_PLAIN) {
    if(r->z.avail_in) {
      size_t n = r->z.avail_in < room ? r->z.avail_in : room;
      memcpy(dst, r->z.next_in, n);
      r->z.next_in += n;
      r->z.avail_in -= (uInt)n;
      return (long)n;
    }
    if(r->in_eof)
      return 0;
    return (long)read_some(r, dst, room);
  }
  for(;;) {
    if(r->member_end) {
      if(ensure(r, 2))
        return -1;
      if(!r->z.avail_in)
        return 0;
      if(!gzip_magic(r)) {
        r->trailing = true;
        return 0;
      }
      inflateReset(&r->z);
      r->member_end = false;
    }
    if(!r->z.avail_in && ensure(r, 1))
      return -1;
    r->z.next_out = (Bytef *)dst;
    r->z.avail_out = (uInt)room;
    int zr = inflate(&r->z, Z_NO_FLUSH);
    size_t got = room - r->z.avail_out;
    if(zr == Z_STREAM_END) {
      r->member_end = true;
    } else if(zr == Z_BUF_ERROR) {
      /* no progress: the input ended inside the member */
      snprintf(r->err, sizeof(r->err), "truncated gzip stream");
      return -1;
    } else if(zr == Z_MEM_ERROR) {
      snprintf(r->err, sizeof(r->err), "out of memory");
      return -1;
    } else if(zr != Z_OK) {
      snprintf(r->err, sizeof(r->err), "corrupt gzip stream (%s)",
               r->z.msg ? r->z.msg : "?");
      return -1;
    }
    if(got)
      return (long)got;
  }
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
  long n = produce(r, r->buf + r->end, room);
  if(n < 0)
    return -1;
  if(n == 0)
    return 0;
  r->end += (size_t)n;
  r->bytes += (uint64_t)n;
  return 1;
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
      /* Every line is out: now say what came after the gzip data. */
      if(r->trailing && !r->at_end) {
        r->at_end = true;
        snprintf(r->err, sizeof(r->err),
                 "trailing data after the gzip stream");
        return PRB_LINES_ERROR;
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

bool prb_lines_error_at_end(const struct prb_lines *r)
{
  return r->at_end;
}

uint64_t prb_lines_bytes(const struct prb_lines *r)
{
  return r->bytes;
}

void prb_lines_close(struct prb_lines *r)
{
  if(!r)
    return;
  if(r->z_init)
    inflateEnd(&r->z);
  if(r->own_fd)
    close(r->fd);
  free(r->in);
  free(r->buf);
  free(r);
}

/* ---- walking the inputs -------------------------------------------------- */

#define DIR_DEPTH_MAX 16
#define PATH_MAX_LEN 4096

struct walk {
  const char *prog;
  prb_input_fn fn;
  void *ctx;
  int rc;                       /* 0, 1 something unsearchable, -1 no memory */
  bool stop;
};

static bool wanted_name(const char *name)
{
  static const char *const ext[] = {".jsonl", ".jsonl.gz", ".json",
                                    ".json.gz"};
  size_t n = strlen(name);
  if(name[0] == '.')
    return false;
  for(size_t i = 0; i < sizeof(ext) / sizeof(ext[0]); i++) {
    size_t e = strlen(ext[i]);
    if(n > e && !strcmp(name + n - e, ext[i]))
      return true;
  }
  return false;
}

static int cmp_str(const void *a, const void *b)
{
  return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(struct walk *w, const char *path, int depth);

static void take(struct walk *w, const char *file)
{
  if(w->fn(w->ctx, file))
    w->stop = true;
}

/* A directory's entries in name order, so results are reproducible. */
static void read_dir(struct walk *w, const char *path, int depth)
{
  DIR *d = opendir(path);
  if(!d) {
    fprintf(stderr, "%s: %s: %s\n", w->prog, path, strerror(errno));
    w->rc = w->rc < 0 ? w->rc : 1;
    return;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while((e = readdir(d))) {
    if(!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
      continue;
    if(!prb_array_reserve(&names, &cap, n + 1, sizeof(*names), SIZE_MAX) ||
       !(names[n] = strdup(e->d_name))) {
      w->rc = -1;
      break;
    }
    n++;
  }
  closedir(d);
  if(n)   /* names is NULL for an empty directory */
    qsort(names, n, sizeof(*names), cmp_str);
  for(size_t i = 0; i < n && w->rc >= 0 && !w->stop; i++) {
    char full[PATH_MAX_LEN];
    int len = snprintf(full, sizeof(full), "%s/%s", path, names[i]);
    if(len < 0 || (size_t)len >= sizeof(full)) {
      fprintf(stderr, "%s: %s/%s: path too long\n", w->prog, path, names[i]);
      w->rc = w->rc < 0 ? w->rc : 1;
      continue;
    }
    struct stat st;
    if(lstat(full, &st))
      continue;
    if(S_ISDIR(st.st_mode))
      walk(w, full, depth + 1);
    else if(S_ISREG(st.st_mode) && wanted_name(names[i]))
      take(w, full);
  }
  for(size_t i = 0; i < n; i++)
    free(names[i]);
  free(names);
}

/* A volunteer's state folder (volunteer/state.h: consent.json, runs.json,
 * results/) holds records only under results/; its other JSON files are
 * no records. True for one, with its results folder in out. */
static bool state_folder(const char *dir, char *out, size_t outlen)
{
  static const char *const marks[] = {"runs.json", "consent.json"};
  struct stat st;
  for(size_t i = 0; i < sizeof(marks) / sizeof(marks[0]); i++) {
    int n = snprintf(out, outlen, "%s/%s", dir, marks[i]);
    if(n > 0 && (size_t)n < outlen && !stat(out, &st) && S_ISREG(st.st_mode)) {
      n = snprintf(out, outlen, "%s/results", dir);
      return n > 0 && (size_t)n < outlen;
    }
  }
  return false;
}

static void walk(struct walk *w, const char *path, int depth)
{
  struct stat st;
  char results[PATH_MAX_LEN];
  if(strcmp(path, "-") && !stat(path, &st) && S_ISDIR(st.st_mode)) {
    if(depth >= DIR_DEPTH_MAX) {
      fprintf(stderr, "%s: %s: directories nested too deeply\n", w->prog,
              path);
      w->rc = w->rc < 0 ? w->rc : 1;
      return;
    }
    if(state_folder(path, results, sizeof(results))) {
      if(!stat(results, &st) && S_ISDIR(st.st_mode))
        read_dir(w, results, depth + 1);
      return;
    }
    read_dir(w, path, depth);
  } else {
    take(w, path);
  }
}

int prb_lines_walk(const char *path, const char *prog, prb_input_fn fn,
                   void *ctx)
{
  struct walk w = {prog, fn, ctx, 0, false};
  walk(&w, path, 0);
  return w.rc;
}
