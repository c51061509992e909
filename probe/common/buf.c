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
  if(!prb_array_reserve(&b->p, &b->cap, b->len + n + 1, 1,
                        b->max < SIZE_MAX ? b->max + 1 : SIZE_MAX))
    return PRB_BUF_NOMEM;
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

bool prb_array_reserve(void *itemsp, size_t *cap, size_t need, size_t elem,
                       size_t max)
{
  void *items;
  memcpy(&items, itemsp, sizeof(items));
  if(need <= *cap && items)
    return true;
  if(!elem)
    return false;
  if(max > SIZE_MAX / elem)
    max = SIZE_MAX / elem;
  if(need > max)
    return false;
  size_t nc = *cap ? *cap : need > 8 ? need : 8;
  while(nc < need)
    nc = nc > SIZE_MAX / 2 ? SIZE_MAX : nc * 2;
  if(nc > max)
    nc = max;
  void *ni = realloc(items, nc * elem);
  if(!ni)
    return false;
  memcpy(itemsp, &ni, sizeof(ni));
  *cap = nc;
  return true;
}
