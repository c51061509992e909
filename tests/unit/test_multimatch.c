/* test_multimatch.c: the one-pass matcher finds exactly what memmem would,
 * for short and long patterns, overlaps, shared prefixes and binary bytes. */
#include "check.h"
#include "common/multimatch.h"

#include <stdlib.h>

#define N_PATS 300

int main(void)
{
  struct prb_mm *mm = prb_mm_new();
  CHECK(mm != NULL);
  /* Hand-picked: shared first four bytes, a 1-byte and a 3-byte pattern,
   * a pattern with a NUL, one at the very end of the text. */
  const char *fixed[] = {"<title>Blocked", "<title>Blocked by", "<titlX",
                         "z", "abc", "end!", "nomatch-here"};
  for(size_t i = 0; i < 7; i++)
    CHECK(prb_mm_add(mm, fixed[i], strlen(fixed[i]), i));
  CHECK(prb_mm_add(mm, "a\0b", 3, 7));
  const char text[] = "xx<title>Blocked by the ISP</title> a\0b z ..end!";
  size_t tlen = sizeof(text) - 1;
  unsigned char hits[2] = {0, 0};
  CHECK(prb_mm_scan(mm, text, tlen, hits, 8));
  CHECK(hits[0] & 1);            /* <title>Blocked */
  CHECK(hits[0] & 2);            /* <title>Blocked by */
  CHECK(!(hits[0] & 4));         /* <titlX */
  CHECK(hits[0] & 8);            /* z */
  CHECK(!(hits[0] & 16));        /* abc */
  CHECK(hits[0] & 32);           /* end! at the very end */
  CHECK(!(hits[0] & 64));        /* nomatch-here */
  CHECK(hits[0] & 128);          /* a NUL b */
  prb_mm_free(mm);

  /* Random patterns against random text: the same answers as memmem. */
  srand(7);
  mm = prb_mm_new();
  static char pats[N_PATS][12];
  static size_t plen[N_PATS];
  for(size_t i = 0; i < N_PATS; i++) {
    plen[i] = 1 + (size_t)rand() % 10;
    for(size_t k = 0; k < plen[i]; k++)
      pats[i][k] = (char)('a' + rand() % 4);
    CHECK(prb_mm_add(mm, pats[i], plen[i], i));
  }
  static char big[20000];
  for(size_t i = 0; i < sizeof(big); i++)
    big[i] = (char)('a' + rand() % 5);
  unsigned char got[(N_PATS + 7) / 8];
  memset(got, 0, sizeof(got));
  CHECK(prb_mm_scan(mm, big, sizeof(big), got, N_PATS));
  int same = 1;
  for(size_t i = 0; i < N_PATS; i++) {
    int want = memmem(big, sizeof(big), pats[i], plen[i]) != NULL;
    int have = (got[i / 8] >> (i % 8)) & 1;
    if(want != have)
      same = 0;
  }
  CHECK(same);
  /* An empty text matches nothing. */
  memset(got, 0, sizeof(got));
  CHECK(prb_mm_scan(mm, "", 0, got, N_PATS));
  int none = 1;
  for(size_t i = 0; i < sizeof(got); i++)
    if(got[i])
      none = 0;
  CHECK(none);
  prb_mm_free(mm);
  return test_summary();
}
