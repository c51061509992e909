/* multimatch.c: many fixed strings, one pass over the text. */
#include "common/multimatch.h"

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
  /* patterns of 4 bytes or more, by their first four bytes */
  uint32_t *keys;               /* open addressing; slot empty when n==0 */
  size_t *first;                /* index into order[] of the slot's run */
  size_t *count;                /* patterns in the slot's run */
  size_t n_slots;               /* a power of two */
  size_t *order;                /* pattern indexes grouped by slot */
  /* which two-byte pairs start a long pattern: 65536 bits */
  unsigned char pair[8192];
  /* patterns shorter than four bytes, searched one by one */
  size_t *shorts;
  size_t n_shorts;
};

struct prb_mm *prb_mm_new(void)
{
  return calloc(1, sizeof(struct prb_mm));
}

static void drop_index(struct prb_mm *mm)
{
  free(mm->keys);
  free(mm->first);
  free(mm->count);
  free(mm->order);
  free(mm->shorts);
  mm->keys = NULL;
  mm->first = mm->count = mm->order = mm->shorts = NULL;
  mm->n_slots = mm->n_shorts = 0;
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
  if(mm->n == mm->cap) {
    size_t cap = mm->cap ? 2 * mm->cap : 64;
    struct pattern *p = realloc(mm->pats, cap * sizeof(*p));
    if(!p)
      return false;
    mm->pats = p;
    mm->cap = cap;
  }
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

static size_t slot_hash(uint32_t key, size_t n_slots)
{
  return (size_t)((key * 2654435761u) >> 7) & (n_slots - 1);
}

/* The slot holding key, or the empty one where it would go. */
static size_t find_slot(const struct prb_mm *mm, uint32_t key)
{
  size_t s = slot_hash(key, mm->n_slots);
  while(mm->count[s] && mm->keys[s] != key)
    s = (s + 1) & (mm->n_slots - 1);
  return s;
}

static bool build(struct prb_mm *mm)
{
  size_t n_slots = 16;
  while(n_slots < 2 * mm->n)
    n_slots *= 2;
  mm->n_slots = n_slots;
  mm->keys = calloc(n_slots, sizeof(*mm->keys));
  mm->first = calloc(n_slots, sizeof(*mm->first));
  mm->count = calloc(n_slots, sizeof(*mm->count));
  mm->order = calloc(mm->n ? mm->n : 1, sizeof(*mm->order));
  mm->shorts = calloc(mm->n ? mm->n : 1, sizeof(*mm->shorts));
  if(!mm->keys || !mm->first || !mm->count || !mm->order || !mm->shorts) {
    drop_index(mm);
    return false;
  }
  /* Count per slot, then lay the runs out, then fill them. */
  for(size_t i = 0; i < mm->n; i++) {
    const struct pattern *p = &mm->pats[i];
    if(p->len < 4) {
      mm->shorts[mm->n_shorts++] = i;
      continue;
    }
    uint32_t key = key_at(p->bytes);
    size_t s = find_slot(mm, key);
    mm->keys[s] = key;
    mm->count[s]++;
    size_t pair = (size_t)p->bytes[0] | (size_t)p->bytes[1] << 8;
    mm->pair[pair / 8] |= (unsigned char)(1u << (pair % 8));
  }
  size_t at = 0;
  for(size_t s = 0; s < n_slots; s++) {
    mm->first[s] = at;
    at += mm->count[s];
  }
  size_t *fill = calloc(n_slots, sizeof(*fill));
  if(!fill) {
    drop_index(mm);
    return false;
  }
  for(size_t i = 0; i < mm->n; i++) {
    const struct pattern *p = &mm->pats[i];
    if(p->len < 4)
      continue;
    size_t s = find_slot(mm, key_at(p->bytes));
    mm->order[mm->first[s] + fill[s]++] = i;
  }
  free(fill);
  mm->built = true;
  return true;
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
    uint32_t key = key_at(t + i);
    size_t s = find_slot(mm, key);
    for(size_t k = 0; k < mm->count[s]; k++) {
      const struct pattern *p = &mm->pats[mm->order[mm->first[s] + k]];
      if(p->len <= len - i && !memcmp(t + i, p->bytes, p->len))
        hit(hits, n_ids, p->id);
    }
  }
  return true;
}
