/* fuzz_multimatch.c: common/multimatch.c, many fixed strings in one pass
 * over a text, against memmem, one pattern at a time, as the slow
 * reference. Input: a pattern count, then each pattern as a length byte
 * and its bytes, then the text. Patterns are added in two batches with a
 * scan between them (the index is rebuilt on the next scan). */
#include "fuzz.h"

#include "common/multimatch.h"

#define MAX_PATTERNS 40

struct pat {
  const uint8_t *p;
  size_t len;
};

static void scan_and_compare(struct prb_mm *mm, const struct pat *pats,
                             size_t n, const uint8_t *text, size_t len)
{
  unsigned char hits[(MAX_PATTERNS + 7) / 8] = {0};
  FUZZ_CHECK(prb_mm_scan(mm, text, len, hits, MAX_PATTERNS));
  for(size_t i = 0; i < MAX_PATTERNS; i++) {
    bool want = i < n && len >= pats[i].len &&
                memmem(text, len, pats[i].p, pats[i].len) != NULL;
    FUZZ_CHECK(((hits[i / 8] >> (i % 8)) & 1) == want);
  }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  struct fuzz_in in = {data, data + size};
  struct pat pats[MAX_PATTERNS] = {{NULL, 0}};
  size_t n = fuzz_byte(&in) % MAX_PATTERNS + 1, got = 0;

  for(; got < n && fuzz_more(&in); got++) {
    size_t len = fuzz_byte(&in) % 24 + 1;
    if((size_t)(in.e - in.p) < len)
      len = (size_t)(in.e - in.p);
    if(!len)
      break;
    pats[got].p = in.p;
    pats[got].len = len;
    in.p += len;
  }
  const uint8_t *text = in.p;
  size_t tlen = (size_t)(in.e - in.p);

  struct prb_mm *mm = prb_mm_new();
  FUZZ_CHECK(mm);
  size_t half = got / 2;
  for(size_t i = 0; i < half; i++)
    FUZZ_CHECK(prb_mm_add(mm, pats[i].p, pats[i].len, i));
  scan_and_compare(mm, pats, half, text, tlen);
  for(size_t i = half; i < got; i++)
    FUZZ_CHECK(prb_mm_add(mm, pats[i].p, pats[i].len, i));
  scan_and_compare(mm, pats, got, text, tlen);
  /* The patterns' own bytes as the text: every pattern occurs. */
  scan_and_compare(mm, pats, got, data, size);
  prb_mm_free(mm);
  return 0;
}
