/* fuzz_fingerprints.c: analysis/fingerprints.c, OONI's blocking
 * fingerprints (through common/csvtable.c), read from an in-memory file,
 * then matched.
 *
 * Input: the CSV file, and after a 0xFF byte the response to match (a
 * body, headers from its "Name: value" lines, DNS answers from its
 * words); without one, the file itself is the response, so the file's own
 * patterns occur in it.
 *
 * Properties: rows are well formed (names, a pattern, a compiled regexp
 * when they need one); the fast path for "body contains" rows (one pass,
 * common/multimatch.c) gives the same fingerprint as the slow path (one
 * memmem per row, taken when the set has no index); a known false
 * positive (scope "fp") is only returned when nothing else matched. */
#include "fuzz.h"

#include "analysis/fingerprints.h"

#define MAX_HEADERS 8

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  const uint8_t *sep = memchr(data, 0xFF, size);
  size_t flen = sep ? (size_t)(sep - data) : size;
  const uint8_t *body = sep ? sep + 1 : data;
  size_t blen = sep ? size - flen - 1 : size;

  char path[64];
  int fd = fuzz_memfile(data, flen, path, sizeof(path));
  struct prb_fpset s;
  size_t bad;
  prb_fp_init(&s);
  int rc = prb_fp_load(&s, path, fuzz_devnull(), &bad);
  close(fd);
  FUZZ_CHECK(rc == PRB_LOAD_OK || rc == PRB_LOAD_EFORMAT);
  FUZZ_CHECK(rc == PRB_LOAD_OK || s.n == 0);
  for(size_t i = 0; i < s.n; i++) {
    const struct prb_fingerprint *f = &s.items[i];
    FUZZ_CHECK(f->name[0] && f->pattern_len > 0 && f->line >= 2);
    FUZZ_CHECK((f->type == PRB_FP_REGEXP) == (f->re != NULL));
    FUZZ_CHECK((f->where == PRB_FP_HEADER) == (f->header != NULL));
    FUZZ_CHECK(f->confidence >= 0 && f->confidence <= 100);
  }

  /* Headers: the body's "Name: value" lines. */
  struct prb_header h[MAX_HEADERS];
  char *copy = fuzz_strndup(body, blen);
  size_t nh = 0;
  for(char *line = copy, *next; line && nh < MAX_HEADERS; line = next) {
    next = strchr(line, '\n');
    if(next)
      *next++ = '\0';
    char *colon = strchr(line, ':');
    if(!colon)
      continue;
    *colon = '\0';
    h[nh] = (struct prb_header){line, strlen(line), colon + 1,
                                strlen(colon + 1)};
    nh++;
  }

  const struct prb_fingerprint *fast =
    prb_fp_match_http(&s, body, blen, h, nh);
  struct prb_fpset slow = s;
  slow.body_index = NULL;       /* every row matched on its own */
  const struct prb_fingerprint *ref =
    prb_fp_match_http(&slow, body, blen, h, nh);
  FUZZ_CHECK(fast == ref);
  if(fast && !strcmp(fast->scope, "fp")) {
    for(size_t i = 0; i < s.n; i++) {
      struct prb_fpset one = s;
      if(!strcmp(s.items[i].scope, "fp"))
        continue;
      one.items = &s.items[i];
      one.n = 1;
      one.body_index = NULL;
      FUZZ_CHECK(!prb_fp_match_http(&one, body, blen, h, nh));
    }
  }
  FUZZ_CHECK(!prb_fp_match_http(&s, NULL, 0, NULL, 0) ||
             prb_fp_match_http(&s, NULL, 0, NULL, 0)->where != PRB_FP_HEADER);

  /* DNS answers: the body's words. */
  free(copy);
  copy = fuzz_strndup(body, blen);
  for(char *w = strtok(copy, " \t\r\n,"); w; w = strtok(NULL, " \t\r\n,")) {
    const struct prb_fingerprint *d = prb_fp_match_dns(&s, w);
    FUZZ_CHECK(!d || d->where == PRB_FP_DNS);
  }
  free(copy);
  prb_fp_free(&s);
  return 0;
}
