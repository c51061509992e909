/* fuzz_report_read.c: report/report_read.c, JSON Lines from a plain or
 * gzip file in bounded memory, read from an in-memory file.
 *
 * Properties: lines are never longer than the bound and never hold '\n';
 * a plain input (no gzip magic) reads back as exactly its '\n'-separated
 * lines, too-long ones reported and skipped; the same text written as
 * gzip, in one member or two (cat a.gz b.gz), reads back the same; and
 * bytes after the last member are an error that comes after every line. */
#include "fuzz.h"

#define ZLIB_CONST                /* next_in may point at const input */
#include <zlib.h>

#include "report/report_read.h"

#define MAX_EVENTS 65536
#define INPUT_MAX 60000           /* lines fit in MAX_EVENTS */

struct event {
  enum prb_lines_status st;
  size_t off, len;              /* a line's bytes, copied to text */
};

struct result {
  struct event ev[MAX_EVENTS];
  size_t n;
  char *text;
  size_t len;
  bool at_end;
};

static void read_file(const uint8_t *data, size_t size, size_t max_line,
                      struct result *res)
{
  char path[64];
  const char *err;
  int fd = fuzz_memfile(data, size, path, sizeof(path));
  struct prb_lines *r = prb_lines_open(path, max_line, &err);
  FUZZ_CHECK(r);
  res->n = 0;
  res->len = 0;
  res->text = malloc(size + 1);
  FUZZ_CHECK(res->text);
  enum prb_lines_status st;
  do {
    const char *line;
    size_t len;
    uint64_t lineno;
    st = prb_lines_next(r, &line, &len, &lineno);
    FUZZ_CHECK(res->n < MAX_EVENTS);
    struct event *e = &res->ev[res->n++];
    e->st = st;
    e->off = res->len;
    e->len = 0;
    if(st == PRB_LINES_LINE) {
      FUZZ_CHECK(len <= (max_line ? max_line : PRB_LINES_MAX));
      FUZZ_CHECK(!memchr(line, '\n', len));
      FUZZ_CHECK(lineno == res->n);
      /* Inflated text may be longer than the file: keep what fits. */
      char *nt = realloc(res->text, res->len + len + 1);
      FUZZ_CHECK(nt);
      res->text = nt;
      memcpy(res->text + res->len, line, len);
      res->len += len;
      e->len = len;
    } else if(st == PRB_LINES_ERROR) {
      FUZZ_CHECK(prb_lines_error(r)[0]);
      res->at_end = prb_lines_error_at_end(r);
    } else if(st == PRB_LINES_TOO_LONG) {
      FUZZ_CHECK(lineno == res->n);
    }
  } while((st == PRB_LINES_LINE || st == PRB_LINES_TOO_LONG) &&
          res->n < MAX_EVENTS);
  prb_lines_close(r);
  close(fd);
}

/* The reference: the plain text split at '\n'. */
static void check_plain(const uint8_t *d, size_t size, size_t max_line,
                        const struct result *res)
{
  size_t k = 0, start = 0;
  for(size_t i = 0; i <= size && k < res->n; i++) {
    if(i < size && d[i] != '\n')
      continue;
    if(i == size && start == size)
      break;                    /* no last line after a final '\n' */
    size_t len = i - start;
    const struct event *e = &res->ev[k++];
    if(len > max_line) {
      FUZZ_CHECK(e->st == PRB_LINES_TOO_LONG);
    } else {
      FUZZ_CHECK(e->st == PRB_LINES_LINE && e->len == len);
      FUZZ_CHECK(!memcmp(res->text + e->off, d + start, len));
    }
    start = i + 1;
  }
  FUZZ_CHECK(k < res->n && res->ev[k].st == PRB_LINES_EOF);
}

/* The text as gzip, cut into two members at split (== size: one). */
static uint8_t *gzip(const uint8_t *d, size_t size, size_t split,
                     size_t *outlen)
{
  size_t cap = size + 256, n = 0;
  uint8_t *out = malloc(cap);
  FUZZ_CHECK(out);
  for(int member = 0; member < 2; member++) {
    size_t from = member ? split : 0, to = member ? size : split;
    if(member && split == size)
      break;
    z_stream z;
    memset(&z, 0, sizeof(z));
    FUZZ_CHECK(deflateInit2(&z, 6, Z_DEFLATED, 15 + 16, 8,
                            Z_DEFAULT_STRATEGY) == Z_OK);
    size_t bound = deflateBound(&z, (uLong)(to - from));
    if(cap - n < bound) {
      cap = n + bound;
      out = realloc(out, cap);
      FUZZ_CHECK(out);
    }
    z.next_in = d + from;
    z.avail_in = (uInt)(to - from);
    z.next_out = out + n;
    z.avail_out = (uInt)(cap - n);
    FUZZ_CHECK(deflate(&z, Z_FINISH) == Z_STREAM_END);
    n = cap - z.avail_out;
    deflateEnd(&z);
  }
  *outlen = n;
  return out;
}

static void same(const struct result *a, const struct result *b)
{
  FUZZ_CHECK(a->n == b->n);
  for(size_t i = 0; i < a->n; i++) {
    FUZZ_CHECK(a->ev[i].st == b->ev[i].st && a->ev[i].len == b->ev[i].len);
    FUZZ_CHECK(!memcmp(a->text + a->ev[i].off, b->text + b->ev[i].off,
                       a->ev[i].len));
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static struct result plain, packed;
  size_t max_line = size ? 1 + data[0] % 64 : 16;
  bool magic = size >= 2 && data[0] == 0x1f && data[1] == 0x8b;

  if(size > INPUT_MAX)
    return 0;

  /* Any bytes, with the default bound and a small one. */
  read_file(data, size, 0, &plain);
  free(plain.text);
  read_file(data, size, max_line, &plain);
  if(magic) {
    free(plain.text);
    return 0;
  }
  check_plain(data, size, max_line, &plain);

  size_t glen;
  uint8_t *gz = gzip(data, size, size, &glen);
  read_file(gz, glen, max_line, &packed);
  same(&plain, &packed);
  free(packed.text);
  free(gz);

  gz = gzip(data, size, size / 2, &glen);
  read_file(gz, glen, max_line, &packed);
  same(&plain, &packed);
  free(packed.text);

  /* Trailing bytes that are no gzip member: every line, then an error
   * that says nothing before it was lost. */
  gz = realloc(gz, glen + 3);
  FUZZ_CHECK(gz);
  memcpy(gz + glen, "xyz", 3);
  read_file(gz, glen + 3, max_line, &packed);
  FUZZ_CHECK(packed.n == plain.n &&
             packed.ev[packed.n - 1].st == PRB_LINES_ERROR && packed.at_end);
  packed.n--;
  plain.n--;
  same(&plain, &packed);
  free(packed.text);
  free(gz);
  free(plain.text);
  return 0;
}
