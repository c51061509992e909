/* hashtab.c: open addressing over a power-of-two table. */
#include "common/hashtab.h"

#include <stdlib.h>
#include <string.h>

#define FIRST_SLOTS 64

uint64_t prb_hash_bytes(const void *p, size_t n)
{
  const unsigned char *b = p;
  uint64_t h = 1469598103934665603ULL;
  for(size_t i = 0; i < n; i++) {
    h ^= b[i];
    h *= 1099511628211ULL;
  }
  return h;
}

/* Spreads a key over the slots (splitmix64's finaliser): packed keys
 * differ only in a few bits. */
static size_t slot_of(uint64_t key, size_t n_slots)
{
  key ^= key >> 30;
  key *= 0xbf58476d1ce4e5b9ULL;
  key ^= key >> 27;
  key *= 0x94d049bb133111ebULL;
  key ^= key >> 31;
  return (size_t)key & (n_slots - 1);
}

void prb_hashtab_init(struct prb_hashtab *t)
{
  memset(t, 0, sizeof(*t));
}

void prb_hashtab_free(struct prb_hashtab *t)
{
  free(t->keys);
  free(t->items);
  prb_hashtab_init(t);
}

size_t prb_hashtab_find(const struct prb_hashtab *t, uint64_t key,
                        prb_hash_eq eq, const void *ctx)
{
  if(!t->n_slots)
    return PRB_HASH_NONE;
  for(size_t j = slot_of(key, t->n_slots); t->items[j];
      j = (j + 1) & (t->n_slots - 1))
    if(t->keys[j] == key && (!eq || eq(ctx, t->items[j] - 1)))
      return t->items[j] - 1;
  return PRB_HASH_NONE;
}

static void put(uint64_t *keys, size_t *items, size_t n_slots, uint64_t key,
                size_t item1)
{
  size_t j = slot_of(key, n_slots);
  while(items[j])
    j = (j + 1) & (n_slots - 1);
  keys[j] = key;
  items[j] = item1;
}

bool prb_hashtab_add(struct prb_hashtab *t, uint64_t key, size_t item)
{
  if((t->n + 1) * 2 > t->n_slots) {
    size_t ns = t->n_slots ? t->n_slots * 2 : FIRST_SLOTS;
    uint64_t *keys = malloc(ns * sizeof(*keys));
    size_t *items = calloc(ns, sizeof(*items));
    if(!keys || !items || ns < t->n_slots) {
      free(keys);
      free(items);
      return false;
    }
    for(size_t i = 0; i < t->n_slots; i++)
      if(t->items[i])
        put(keys, items, ns, t->keys[i], t->items[i]);
    free(t->keys);
    free(t->items);
    t->keys = keys;
    t->items = items;
    t->n_slots = ns;
  }
  put(t->keys, t->items, t->n_slots, key, item + 1);
  t->n++;
  return true;
}
