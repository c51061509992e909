/* test_csv.c: the CSV reader on well-formed and hostile input. */
#include "check.h"
#include "common/csv.h"

#include <stdlib.h>

/* A reader over len bytes of data (which may hold NULs). */
static struct prb_csv *over(const char *data, size_t len, size_t max,
                            FILE **fpp)
{
  FILE *fp = fmemopen((void *)(size_t)data, len, "rb");
  *fpp = fp;
  if(!fp)
    return NULL;
  return prb_csv_open(fp, max);
}

static void done(struct prb_csv *r, FILE *fp)
{
  prb_csv_close(r);
  if(fp)
    fclose(fp);
}

static void test_plain(void)
{
  static const char d[] = "a,b,c\n1,,3\n";
  FILE *fp;
  struct prb_csv *r = over(d, sizeof d - 1, 0, &fp);
  CHECK(r != NULL);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_INT(prb_csv_nfields(r), 3);
  CHECK_STR(prb_csv_field(r, 0), "a");
  CHECK_STR(prb_csv_field(r, 2), "c");
  CHECK_INT(prb_csv_line(r), 1);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_INT(prb_csv_nfields(r), 3);
  CHECK_STR(prb_csv_field(r, 1), "");
  CHECK_INT(prb_csv_field_len(r, 1), 0);
  CHECK_STR(prb_csv_field(r, 7), "");
  CHECK_INT(prb_csv_line(r), 2);
  CHECK_INT(prb_csv_read(r), PRB_CSV_EOF);
  CHECK_INT(prb_csv_read(r), PRB_CSV_EOF);
  done(r, fp);
}

static void test_quotes_and_newlines(void)
{
  /* Line 1: escaped quotes and a comma; line 2-4: a field spanning CRLF
   * and LF; line 5: next record, so line numbers count physical lines. */
  static const char d[] =
    "\"say \"\"hi\"\"\",\"x,y\"\r\n"
    "\"multi\r\nline\nfield\",2\r\n"
    "last,\"\"\r\n";
  FILE *fp;
  struct prb_csv *r = over(d, sizeof d - 1, 0, &fp);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_STR(prb_csv_field(r, 0), "say \"hi\"");
  CHECK_STR(prb_csv_field(r, 1), "x,y");
  CHECK_INT(prb_csv_nfields(r), 2);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_STR(prb_csv_field(r, 0), "multi\r\nline\nfield");
  CHECK_STR(prb_csv_field(r, 1), "2");
  CHECK_INT(prb_csv_line(r), 2);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_INT(prb_csv_line(r), 5);
  CHECK_STR(prb_csv_field(r, 0), "last");
  CHECK_STR(prb_csv_field(r, 1), "");
  CHECK_INT(prb_csv_nfields(r), 2);
  CHECK_INT(prb_csv_read(r), PRB_CSV_EOF);
  done(r, fp);
}

static void test_bom_crlf_no_final_newline(void)
{
  static const char d[] = "\xEF\xBB\xBFurl,code\r\n\r\n\r\nhttp://a/,NEWS";
  FILE *fp;
  struct prb_csv *r = over(d, sizeof d - 1, 0, &fp);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK(prb_csv_had_bom(r));
  CHECK_STR(prb_csv_field(r, 0), "url"); /* BOM not part of the field */
  CHECK_STR(prb_csv_field(r, 1), "code"); /* CR not part of the field */
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD); /* blank lines skipped */
  CHECK_INT(prb_csv_line(r), 4);
  CHECK_STR(prb_csv_field(r, 1), "NEWS");
  CHECK_INT(prb_csv_read(r), PRB_CSV_EOF);
  done(r, fp);

  /* A BOM in the middle is data, not skipped. */
  static const char d2[] = "a\n\xEF\xBB\xBF" "b\n";
  r = over(d2, sizeof d2 - 1, 0, &fp);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK(!prb_csv_had_bom(r));
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_INT(prb_csv_field_len(r, 0), 4);
  done(r, fp);

  /* Lone CR line ends count as lines too. */
  static const char d3[] = "a\rb\r";
  r = over(d3, sizeof d3 - 1, 0, &fp);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_STR(prb_csv_field(r, 0), "b");
  CHECK_INT(prb_csv_line(r), 2);
  CHECK_INT(prb_csv_read(r), PRB_CSV_EOF);
  done(r, fp);
}

static void test_empty(void)
{
  FILE *fp;
  struct prb_csv *r = over("", 0, 0, &fp);
  /* fmemopen refuses size 0 on some libcs; use a temp file then. */
  if(!fp) {
    fp = tmpfile();
    r = prb_csv_open(fp, 0);
  }
  CHECK(r != NULL);
  CHECK_INT(prb_csv_read(r), PRB_CSV_EOF);
  done(r, fp);

  static const char blank[] = "\n\r\n\n";
  r = over(blank, sizeof blank - 1, 0, &fp);
  CHECK_INT(prb_csv_read(r), PRB_CSV_EOF);
  done(r, fp);

  static const char bom[] = "\xEF\xBB\xBF";
  r = over(bom, sizeof bom - 1, 0, &fp);
  CHECK_INT(prb_csv_read(r), PRB_CSV_EOF);
  CHECK(prb_csv_had_bom(r));
  done(r, fp);
}

static void test_nul_bytes(void)
{
  static const char d[] = "ok,1\nbad\0row,2\n\"q\0\",3\nfine,4\n";
  FILE *fp;
  struct prb_csv *r = over(d, sizeof d - 1, 0, &fp);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_INT(prb_csv_read(r), PRB_CSV_BAD);
  CHECK_INT(prb_csv_line(r), 2);
  CHECK(strstr(prb_csv_reason(r), "NUL") != NULL);
  CHECK_INT(prb_csv_nfields(r), 0);
  CHECK_INT(prb_csv_read(r), PRB_CSV_BAD);
  CHECK_INT(prb_csv_line(r), 3);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_STR(prb_csv_field(r, 0), "fine");
  CHECK_STR(prb_csv_reason(r), "");
  CHECK_INT(prb_csv_line(r), 4);
  done(r, fp);
}

static void test_malformed_quotes(void)
{
  static const char d[] =
    "a\"b,1\n"          /* quote in unquoted field */
    "\"ab\"c,2\n"       /* text after closing quote */
    "good,3\n"
    "\"never closed,4\nstill,5\n";
  FILE *fp;
  struct prb_csv *r = over(d, sizeof d - 1, 0, &fp);
  CHECK_INT(prb_csv_read(r), PRB_CSV_BAD);
  CHECK_INT(prb_csv_line(r), 1);
  CHECK(strstr(prb_csv_reason(r), "quote") != NULL);
  CHECK_INT(prb_csv_read(r), PRB_CSV_BAD);
  CHECK_INT(prb_csv_line(r), 2);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_STR(prb_csv_field(r, 0), "good");
  CHECK_INT(prb_csv_read(r), PRB_CSV_BAD);
  CHECK_INT(prb_csv_line(r), 4);
  CHECK(strstr(prb_csv_reason(r), "not closed") != NULL);
  CHECK_INT(prb_csv_read(r), PRB_CSV_EOF);
  done(r, fp);
}

static void test_long_lines(void)
{
  /* A 1 MB line between two good ones, read with the default bound: it is
   * reported and skipped, and the next record is intact. */
  size_t big = 1024 * 1024;
  size_t len = 4 + big + 1 + 7;
  char *d = malloc(len);
  CHECK(d != NULL);
  if(!d)
    return;
  memcpy(d, "a,b\n", 4);
  memset(d + 4, 'x', big);
  d[4 + big] = '\n';
  memcpy(d + 5 + big, "c,\"d\"\n", 6);
  d[len - 1] = '\n';
  FILE *fp;
  struct prb_csv *r = over(d, len, 0, &fp);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_INT(prb_csv_read(r), PRB_CSV_BAD);
  CHECK_INT(prb_csv_line(r), 2);
  CHECK(strstr(prb_csv_reason(r), "longer than 65536") != NULL);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_INT(prb_csv_line(r), 3);
  CHECK_STR(prb_csv_field(r, 1), "d");
  CHECK_INT(prb_csv_read(r), PRB_CSV_EOF);
  done(r, fp);

  /* A 1 MB quoted field with newlines inside: skipped as one record, line
   * numbers still right afterwards. */
  d[4] = '"';
  for(size_t i = 5; i < 4 + big - 1; i += 1000)
    d[i] = '\n';
  d[4 + big - 1] = '"';
  r = over(d, len, 0, &fp);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_INT(prb_csv_read(r), PRB_CSV_BAD);
  CHECK_INT(prb_csv_line(r), 2);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_STR(prb_csv_field(r, 0), "c");
  CHECK_INT(prb_csv_line(r), 3 + (long)((big - 2 + 999) / 1000));
  done(r, fp);
  free(d);

  /* Exactly at the bound: fields plus NULs fill max_record. */
  static const char fit[] = "1234567,12345678\n";  /* 8 + 9 = 17 bytes */
  r = over(fit, sizeof fit - 1, 17, &fp);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  done(r, fp);
  r = over(fit, sizeof fit - 1, 16, &fp);
  CHECK_INT(prb_csv_read(r), PRB_CSV_BAD);
  done(r, fp);

  /* Many tiny fields are bounded by the same limit. */
  static const char many[] = ",,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,,\nz\n";
  r = over(many, sizeof many - 1, 16, &fp);
  CHECK_INT(prb_csv_read(r), PRB_CSV_BAD);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_STR(prb_csv_field(r, 0), "z");
  done(r, fp);
}

static void test_binary_bytes(void)
{
  /* Invalid UTF-8 and control bytes other than NUL pass through as-is. */
  static const char d[] = "\xff\xfe\x01,\"\xc3\x28\"\n";
  FILE *fp;
  struct prb_csv *r = over(d, sizeof d - 1, 0, &fp);
  CHECK_INT(prb_csv_read(r), PRB_CSV_RECORD);
  CHECK_INT(prb_csv_field_len(r, 0), 3);
  CHECK_STR(prb_csv_field(r, 1), "\xc3\x28");
  done(r, fp);
}

int main(void)
{
  test_plain();
  test_quotes_and_newlines();
  test_bom_crlf_no_final_newline();
  test_empty();
  test_nul_bytes();
  test_malformed_quotes();
  test_long_lines();
  test_binary_bytes();
  return test_summary();
}
