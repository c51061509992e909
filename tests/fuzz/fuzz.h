/* fuzz.h: what the harnesses share: the libFuzzer entry points, a property
 * check that crashes (so libFuzzer keeps the input and the replay fails),
 * an input splitter, and files made from the input for parsers that read
 * by path. */
#ifndef PRB_FUZZ_H
#define PRB_FUZZ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* A property that must hold: on failure, says which and aborts. */
#define FUZZ_CHECK(expr) do { \
    if(!(expr)) { \
      fprintf(stderr, "%s:%d: property failed: %s\n", __FILE__, __LINE__, \
              #expr); \
      abort(); \
    } \
  } while(0)

/* Reads the input as pieces: a take returns the bytes up to the next
 * separator byte (or the end) and steps past it. */
struct fuzz_in {
  const uint8_t *p, *e;
};

static inline bool fuzz_more(const struct fuzz_in *in)
{
  return in->p < in->e;
}

static inline size_t fuzz_take(struct fuzz_in *in, unsigned char sep,
                               const uint8_t **out)
{
  const uint8_t *s = in->p;
  const uint8_t *q = memchr(s, sep, (size_t)(in->e - s));
  size_t n = q ? (size_t)(q - s) : (size_t)(in->e - s);
  *out = s;
  in->p = q ? q + 1 : in->e;
  return n;
}

/* One byte (0 at the end). */
static inline unsigned fuzz_byte(struct fuzz_in *in)
{
  return in->p < in->e ? *in->p++ : 0;
}

/* The piece as a NUL-terminated malloc'd string (embedded NULs kept, so
 * strlen may be shorter than n). Never NULL: aborts when out of memory. */
static inline char *fuzz_strndup(const uint8_t *s, size_t n)
{
  char *d = malloc(n + 1);
  if(!d)
    abort();
  if(n)
    memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

/* The bytes as an anonymous in-memory file; path receives a name that
 * opens it from its start ("/proc/self/fd/N"). Returns the fd to close
 * when done. Aborts when the file cannot be made. */
static inline int fuzz_memfile(const uint8_t *data, size_t size, char *path,
                               size_t pathlen)
{
  int fd = memfd_create("fuzz-input", MFD_CLOEXEC);
  if(fd < 0)
    abort();
  for(size_t off = 0; off < size;) {
    ssize_t w = write(fd, data + off, size - off);
    if(w <= 0)
      abort();
    off += (size_t)w;
  }
  snprintf(path, pathlen, "/proc/self/fd/%d", fd);
  return fd;
}

/* A stream for messages nobody reads (the parsers print bad lines). */
static inline FILE *fuzz_devnull(void)
{
  static FILE *f;
  if(!f && !(f = fopen("/dev/null", "w")))
    abort();
  return f;
}

#endif
