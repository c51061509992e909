/* buf.c: capped growth. */
#include "common/buf.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void prb_buf_init(struct prb_buf *b, size_t max)
{
  memset(b, 0, sizeof(*b));
  b->max = max;
}

void prb_buf_free(struct prb_buf *b)
{
  free(b->p);
  b->p = NULL;
  b->len = b->cap = 0;
}

enum prb_buf_rc prb_buf_add(struct prb_buf *b, const void *p, size_t n)
{
  if(n > b->max - b->len)
    return PRB_BUF_TOOBIG;
  if(b->cap - b->len < n + 1 || !b->p) {
    char *np = prb_array_grow(b->p, &b->cap, b->len + n + 1, 1,
                              b->max < SIZE_MAX ? b->max + 1 : SIZE_MAX);
    if(!np)
      return PRB_BUF_NOMEM;
    b->p = np;
  }
  if(n)
    memcpy(b->p + b->len, p, n);
  b->len += n;
  b->p[b->len] = '\0';
  return PRB_BUF_OK;
}

char *prb_buf_take(struct prb_buf *b, size_t *len)
{
  char *p = b->p ? b->p : calloc(1, 1);
  if(len)
    *len = b->p ? b->len : 0;
  b->p = NULL;
  b->len = b->cap = 0;
  return p;
}

void *prb_array_grow(void *items, size_t *cap, size_t need, size_t elem,
                     size_t max)
{
  if(need <= *cap && items)
    return items;
  if(need > max || !elem)
    return NULL;
  size_t nc = *cap ? *cap : need > 8 ? need : 8;
  while(nc < need)
    nc = nc > SIZE_MAX / 2 ? SIZE_MAX : nc * 2;
  if(nc > max)
    nc = max;
  if(nc > SIZE_MAX / elem)
    return NULL;
  void *ni = realloc(items, nc * elem);
  if(!ni)
    return NULL;
  *cap = nc;
  return ni;
}
