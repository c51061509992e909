/* suggest.h: "did you mean ...?" for a mistyped word.
 *
 * The candidate closest to a word by edit distance (insertions, deletions,
 * substitutions and swaps of two neighbours, counted in bytes), when it is
 * close enough to be the likely intent: at most one edit for words up to
 * four bytes, two up to eight, three beyond. Comparison ignores ASCII
 * case. Pure: no allocation beyond the stack, no I/O.
 */
#ifndef PRB_SUGGEST_H
#define PRB_SUGGEST_H

#include <stddef.h>

#define PRB_SUGGEST_WORD_MAX 64   /* longer words get no suggestion */

/* The edit distance between a and b (ASCII case ignored), or a large
 * number when either is longer than PRB_SUGGEST_WORD_MAX. */
size_t prb_suggest_distance(const char *a, const char *b);

/* The closest of the n candidates to word, or NULL when none is close
 * enough (or word is one of them exactly). Ties go to the first. */
const char *prb_suggest(const char *word, const char *const *cands, size_t n);

#endif
