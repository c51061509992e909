/* suggest.c: the closest candidate to a mistyped word (optimal string
 * alignment distance, one row per step). */
#include "common/suggest.h"

#include <string.h>

#define FAR ((size_t)-1 / 2)

static int lower(int c)
{
  return c >= 'A' && c <= 'Z' ? c + 32 : c;
}

size_t prb_suggest_distance(const char *a, const char *b)
{
  size_t la = strlen(a), lb = strlen(b);
  if(la > PRB_SUGGEST_WORD_MAX || lb > PRB_SUGGEST_WORD_MAX)
    return FAR;
  /* Three rows of the classic table: two back for a swap, one back, now. */
  size_t rows[3][PRB_SUGGEST_WORD_MAX + 1];
  size_t *pp = rows[0], *prev = rows[1], *cur = rows[2];
  for(size_t j = 0; j <= lb; j++)
    prev[j] = j;
  for(size_t i = 1; i <= la; i++) {
    cur[0] = i;
    for(size_t j = 1; j <= lb; j++) {
      size_t cost = lower(a[i - 1]) != lower(b[j - 1]);
      size_t d = prev[j] + 1;                         /* deletion */
      if(cur[j - 1] + 1 < d)
        d = cur[j - 1] + 1;                           /* insertion */
      if(prev[j - 1] + cost < d)
        d = prev[j - 1] + cost;                       /* substitution */
      if(i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) &&
         lower(a[i - 2]) == lower(b[j - 1]) && pp[j - 2] + 1 < d)
        d = pp[j - 2] + 1;                            /* swap */
      cur[j] = d;
    }
    size_t *t = pp;
    pp = prev;
    prev = cur;
    cur = t;
  }
  return prev[lb];
}

/* How many edits still read as a typo of a word this long. */
static size_t allowed(size_t len)
{
  return len <= 4 ? 1 : len <= 8 ? 2 : 3;
}

const char *prb_suggest(const char *word, const char *const *cands, size_t n)
{
  const char *best = NULL;
  size_t best_d = FAR;
  for(size_t i = 0; i < n; i++) {
    if(!cands[i])
      continue;
    size_t d = prb_suggest_distance(word, cands[i]);
    if(d == 0 && !strcmp(word, cands[i]))
      return NULL;              /* not a typo */
    if(d < best_d) {
      best_d = d;
      best = cands[i];
    }
  }
  return best && best_d <= allowed(strlen(word)) ? best : NULL;
}
