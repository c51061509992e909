/* hashtab.h: the one hash index of the probe (open addressing, linear
 * probing, at most half full, doubling).
 *
 * It maps a 64-bit key to an item number; the items stay in the caller's
 * own array. A key that is a whole value (a report cell's site, network
 * and day packed in 64 bits) is compared as it is; a string is hashed
 * with prb_hash_bytes, and the caller's eq() tells the items that share a
 * hash apart.
 */
#ifndef PRB_HASHTAB_H
#define PRB_HASHTAB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct prb_hashtab {
  uint64_t *keys;
  size_t *items;                /* item + 1; 0: an empty slot */
  size_t n_slots;               /* 0, or a power of two */
  size_t n;
};

/* Whether item is the one looked for (ctx: what is looked for). */
typedef bool (*prb_hash_eq)(const void *ctx, size_t item);

#define PRB_HASH_NONE SIZE_MAX

/* FNV-1a of n bytes: a key for strings. */
uint64_t prb_hash_bytes(const void *p, size_t n);

void prb_hashtab_init(struct prb_hashtab *t);
void prb_hashtab_free(struct prb_hashtab *t);

/* The item added under key for which eq(ctx, item) holds (eq NULL: the
 * key alone decides), or PRB_HASH_NONE. */
size_t prb_hashtab_find(const struct prb_hashtab *t, uint64_t key,
                        prb_hash_eq eq, const void *ctx);

/* Adds item under key (a second item under the same key is allowed: eq
 * tells them apart). False when out of memory (t unchanged). */
bool prb_hashtab_add(struct prb_hashtab *t, uint64_t key, size_t item);

#endif
