/* fuzz_csv.c: common/csv.c, the streaming RFC 4180 reader, over any bytes
 * with the default record bound and a small one.
 *
 * Properties: a good record has at least one field, fields hold no NUL
 * and their lengths are their strlen; record lines never go backwards; a
 * byte order mark is reported only when the input starts with one; and
 * what the reader accepts, written back out as RFC 4180 (every field
 * quoted, CRLF), reads back as the same records (we read what we write). */
#include "fuzz.h"

#include "common/csv.h"

#define MAX_RECORDS 2000

/* Reads every record of the len bytes at p; writes the good ones as CSV to
 * out (may be NULL). Returns the number of good records. */
static size_t read_all(const void *p, size_t len, size_t max, FILE *out,
                       int *bom)
{
  char path[64];
  int fd = fuzz_memfile(p, len, path, sizeof(path));
  FILE *f = fopen(path, "rb");
  close(fd);
  FUZZ_CHECK(f);
  struct prb_csv *r = prb_csv_open(f, max);
  FUZZ_CHECK(r);
  size_t good = 0;
  long last_line = 0;
  int st;
  for(size_t i = 0; i < MAX_RECORDS && (st = prb_csv_read(r)) != PRB_CSV_EOF;
      i++) {
    FUZZ_CHECK(st == PRB_CSV_RECORD || st == PRB_CSV_BAD);
    FUZZ_CHECK(prb_csv_line(r) >= last_line && prb_csv_line(r) >= 1);
    last_line = prb_csv_line(r);
    if(st == PRB_CSV_BAD) {
      FUZZ_CHECK(prb_csv_reason(r)[0] && prb_csv_nfields(r) == 0);
      continue;
    }
    FUZZ_CHECK(prb_csv_reason(r)[0] == '\0' && prb_csv_nfields(r) >= 1);
    size_t total = 0;
    for(size_t k = 0; k < prb_csv_nfields(r); k++) {
      const char *fld = prb_csv_field(r, k);
      size_t n = prb_csv_field_len(r, k);
      FUZZ_CHECK(strlen(fld) == n);
      total += n + 1;
      if(out) {
        fputs(k ? ",\"" : "\"", out);
        for(size_t b = 0; b < n; b++) {
          if(fld[b] == '"')
            fputc('"', out);
          fputc(fld[b], out);
        }
        fputc('"', out);
      }
    }
    FUZZ_CHECK(total <= (max ? max : PRB_CSV_RECORD_MAX));
    FUZZ_CHECK(prb_csv_field(r, prb_csv_nfields(r))[0] == '\0');
    if(out)
      fputs("\r\n", out);
    good++;
  }
  *bom = prb_csv_had_bom(r);
  prb_csv_close(r);
  fclose(f);
  return good;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  static const size_t bounds[] = {0, 40};
  for(size_t b = 0; b < 2; b++) {
    char *text = NULL, *text2 = NULL;
    size_t tlen = 0, tlen2 = 0;
    int bom, bom2;
    FILE *out = open_memstream(&text, &tlen);
    FUZZ_CHECK(out);
    size_t good = read_all(data, size, bounds[b], out, &bom);
    FUZZ_CHECK(fclose(out) == 0);
    FUZZ_CHECK(bom == (size >= 3 && !memcmp(data, "\xEF\xBB\xBF", 3)));
    /* Read back: the same records, so the same text once written. */
    out = open_memstream(&text2, &tlen2);
    FUZZ_CHECK(out);
    size_t good2 = read_all(text, tlen, bounds[b], out, &bom2);
    FUZZ_CHECK(fclose(out) == 0);
    if(good < MAX_RECORDS)
      FUZZ_CHECK(good2 == good && tlen2 == tlen && !memcmp(text, text2, tlen));
    free(text);
    free(text2);
  }
  return 0;
}
