/* multimatch.h: which of many fixed byte strings occur in a text, in one
 * pass over the text.
 *
 * OONI's blockpage fingerprints are some 1,400 "body contains" strings;
 * looking for each one separately costs about 50 ms of CPU for a 300 KiB
 * page, more than the rest of a measurement twenty times over. Here every
 * position of the text is looked at once: a table of the patterns' first
 * two bytes rules most positions out, and a hash of the first four bytes
 * finds the few candidates to compare in full.
 */
#ifndef PRB_MULTIMATCH_H
#define PRB_MULTIMATCH_H

#include <stdbool.h>
#include <stddef.h>

struct prb_mm;

struct prb_mm *prb_mm_new(void);
void prb_mm_free(struct prb_mm *mm);

/* Adds a pattern (copied; len >= 1) under id, which must be < the n_ids
 * given to prb_mm_scan. Returns false when out of memory. Adding after a
 * scan is allowed: the index is rebuilt on the next scan. */
bool prb_mm_add(struct prb_mm *mm, const void *pattern, size_t len,
                size_t id);

/* Sets hits[id / 8] bit (id % 8) for every pattern found in text; hits
 * holds n_ids bits and is not cleared first. Returns false when out of
 * memory (building the index), with hits unchanged. */
bool prb_mm_scan(struct prb_mm *mm, const void *text, size_t len,
                 unsigned char *hits, size_t n_ids);

#endif
