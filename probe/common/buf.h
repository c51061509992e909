/* buf.h: memory that grows, but never past a cap (curl's dynbuf and its
 * toobig limit): a byte buffer, and the growth step of an array.
 *
 * Whatever the network or a file can make longer is kept in one of these
 * with its cap from caps.h, so a hostile peer gets "too big", never all of
 * our memory.
 */
#ifndef PRB_BUF_H
#define PRB_BUF_H

#include <stdbool.h>
#include <stddef.h>

enum prb_buf_rc {
  PRB_BUF_OK = 0,
  PRB_BUF_TOOBIG,               /* the cap would be passed: nothing added */
  PRB_BUF_NOMEM
};

/* Bytes, kept NUL-terminated (the NUL is not counted in len). */
struct prb_buf {
  char *p;                      /* NULL until the first byte */
  size_t len, cap;
  size_t max;                   /* len never passes it */
};

/* An empty buffer that may hold at most max bytes. */
void prb_buf_init(struct prb_buf *b, size_t max);

/* Frees the bytes; the buffer is empty again (same cap). */
void prb_buf_free(struct prb_buf *b);

/* Appends n bytes (p may be NULL when n is 0). All or nothing. */
enum prb_buf_rc prb_buf_add(struct prb_buf *b, const void *p, size_t n);

/* Hands the bytes over (malloc'd, NUL-terminated, length in *len when len
 * is not NULL; an empty buffer gives ""); the buffer is empty again. NULL
 * when out of memory. */
char *prb_buf_take(struct prb_buf *b, size_t *len);

/* Makes room for need elements of elem bytes in the array whose pointer
 * is at itemsp (&s->items; it holds *cap elements now), growing it by
 * doubling, never past max elements (SIZE_MAX: as memory allows). The
 * array may move. False when need is over max or out of memory: the array
 * and *cap are then unchanged. */
bool prb_array_reserve(void *itemsp, size_t *cap, size_t need, size_t elem,
                       size_t max);

#endif
