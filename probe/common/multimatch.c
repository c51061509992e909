/* multimatch.c: many fixed strings, one pass over the text. */
#include "common/multimatch.h"
#include "common/buf.h"
#include "common/hashtab.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct pattern {
  unsigned char *bytes;
  size_t len;
  size_t id;
};

struct prb_mm {
  struct pattern *pats;
  size_t n, cap;
  bool built;
  /* patterns of 4 bytes or more, in groups by their first four bytes */
  struct prb_hashtab groups;    /* first four bytes -> group */
  size_t *first;                /* index into order[] of the group's run */
  size_t *count;                /* patterns in the group */
  size_t n_groups;
  size_t *order;                /* pattern indexes, group by group */
  /* which two-byte pairs start a long pattern: 65536 bits */
  unsigned char pair[8192];
  /* which four-byte starts (hashed to QUAD_BITS bits) do: most places
   * where a common pair ("<t", "ti") occurs are let go without a lookup */
  unsigned char *quad;
  /* patterns shorter than four bytes, searched one by one */
  size_t *shorts;
  size_t n_shorts;
};

struct prb_mm *prb_mm_new(void)
{
  return calloc(1, sizeof(struct prb_mm));
}

#define QUAD_SHIFT 12                 /* 2^20 bits: 128 KiB */
#define QUAD_BITS (1u << (32 - QUAD_SHIFT))

static void drop_index(struct prb_mm *mm)
{
  prb_hashtab_free(&mm->groups);
  free(mm->quad);
  mm->quad = NULL;
  free(mm->first);
  free(mm->count);
  free(mm->order);
  free(mm->shorts);
  mm->first = mm->count = mm->order = mm->shorts = NULL;
  mm->n_groups = mm->n_shorts = 0;
  memset(mm->pair, 0, sizeof(mm->pair));
  mm->built = false;
}

void prb_mm_free(struct prb_mm *mm)
{
  if(!mm)
    return;
  drop_index(mm);
  for(size_t i = 0; i < mm->n; i++)
    free(mm->pats[i].bytes);
  free(mm->pats);
  free(mm);
}

bool prb_mm_add(struct prb_mm *mm, const void *pattern, size_t len,
                size_t id)
{
  if(!len)
    return true;
  if(!prb_array_reserve(&mm->pats, &mm->cap, mm->n + 1, sizeof(*mm->pats),
                        SIZE_MAX))
    return false;
  unsigned char *copy = malloc(len);
  if(!copy)
    return false;
  memcpy(copy, pattern, len);
  mm->pats[mm->n].bytes = copy;
  mm->pats[mm->n].len = len;
  mm->pats[mm->n].id = id;
  mm->n++;
  drop_index(mm);
  return true;
}

static uint32_t key_at(const unsigned char *p)
{
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
         (uint32_t)p[3] << 24;
}

static uint32_t quad_of(uint32_t key)
{
  return (uint32_t)(key * 2654435761u) >> QUAD_SHIFT;
}

static bool build(struct prb_mm *mm)
{
  size_t n = mm->n ? mm->n : 1;
  mm->quad = calloc(QUAD_BITS / 8, 1);
  mm->first = calloc(n, sizeof(*mm->first));
  mm->count = calloc(n, sizeof(*mm->count));
  mm->order = calloc(n, sizeof(*mm->order));
  mm->shorts = calloc(n, sizeof(*mm->shorts));
  size_t *fill = calloc(n, sizeof(*fill));
  if(!mm->first || !mm->count || !mm->order || !mm->shorts || !fill ||
     !mm->quad)
    goto fail;
  /* Group the long patterns by their first four bytes and count them,
   * then lay the groups out in order[] and fill them. */
  for(size_t i = 0; i < mm->n; i++) {
    const struct pattern *p = &mm->pats[i];
    if(p->len < 4) {
      mm->shorts[mm->n_shorts++] = i;
      continue;
    }
    uint32_t key = key_at(p->bytes);
    size_t g = prb_hashtab_find(&mm->groups, key, NULL, NULL);
    if(g == PRB_HASH_NONE) {
      g = mm->n_groups++;
      if(!prb_hashtab_add(&mm->groups, key, g))
        goto fail;
    }
    mm->count[g]++;
    size_t pair = (size_t)p->bytes[0] | (size_t)p->bytes[1] << 8;
    mm->pair[pair / 8] |= (unsigned char)(1u << (pair % 8));
    uint32_t q = quad_of(key);
    mm->quad[q / 8] |= (unsigned char)(1u << (q % 8));
  }
  size_t at = 0;
  for(size_t g = 0; g < mm->n_groups; g++) {
    mm->first[g] = at;
    at += mm->count[g];
  }
  for(size_t i = 0; i < mm->n; i++) {
    const struct pattern *p = &mm->pats[i];
    if(p->len < 4)
      continue;
    size_t g = prb_hashtab_find(&mm->groups, key_at(p->bytes), NULL, NULL);
    mm->order[mm->first[g] + fill[g]++] = i;
  }
  free(fill);
  mm->built = true;
  return true;
fail:
  free(fill);
  drop_index(mm);
  return false;
}

static void hit(unsigned char *hits, size_t n_ids, size_t id)
{
  if(id < n_ids)
    hits[id / 8] |= (unsigned char)(1u << (id % 8));
}

bool prb_mm_scan(struct prb_mm *mm, const void *text, size_t len,
                 unsigned char *hits, size_t n_ids)
{
  if(!mm->built && !build(mm))
    return false;
  const unsigned char *t = text;
  for(size_t k = 0; k < mm->n_shorts; k++) {
    const struct pattern *p = &mm->pats[mm->shorts[k]];
    if(len >= p->len && memmem(t, len, p->bytes, p->len))
      hit(hits, n_ids, p->id);
  }
  for(size_t i = 0; i + 4 <= len; i++) {
    size_t pair = (size_t)t[i] | (size_t)t[i + 1] << 8;
    if(!(mm->pair[pair / 8] & (1u << (pair % 8))))
      continue;
    uint32_t key = key_at(t + i), q = quad_of(key);
    if(!(mm->quad[q / 8] & (1u << (q % 8))))
      continue;
    size_t g = prb_hashtab_find(&mm->groups, key, NULL, NULL);
    if(g == PRB_HASH_NONE)
      continue;
    for(size_t k = 0; k < mm->count[g]; k++) {
      const struct pattern *p = &mm->pats[mm->order[mm->first[g] + k]];
      if(p->len <= len - i && !memcmp(t + i, p->bytes, p->len))
        hit(hits, n_ids, p->id);
    }
  }
  return true;
}
