/* csvtable.c: the loading loop of CSV table files; see csvtable.h. */
#include "common/csvtable.h"
#include "common/buf.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void prb_csvtable_say(FILE *err, const char *path, long line,
                      const char *fmt, ...)
{
  va_list ap;
  if(!err)
    return;
  fprintf(err, "%s:%ld: ", path, line);
  va_start(ap, fmt);
  vfprintf(err, fmt, ap);
  va_end(ap);
  fputc('\n', err);
}

int prb_csvtable_header_is(const struct prb_csv *c, const char *const *cols,
                           size_t n)
{
  if(prb_csv_nfields(c) != n)
    return 0;
  for(size_t i = 0; i < n; i++)
    if(strcmp(prb_csv_field(c, i), cols[i]) != 0)
      return 0;
  return 1;
}

/* "PATH:LINE: not KIND: the header must be a,b,c", the columns spelled
 * from the table so message and check cannot drift apart. */
static void say_bad_header(const struct prb_csvtable *t, FILE *err,
                           const char *path, long line)
{
  if(!err)
    return;
  fprintf(err, "%s:%ld: not %s: the header must be ", path, line, t->kind);
  for(size_t i = 0; i < t->n_columns; i++)
    fprintf(err, "%s%s", i ? "," : "", t->columns[i]);
  fputc('\n', err);
}

/* Appends the parsed row; on failure the caller still owns it. */
static int append(const struct prb_csvtable *t, struct prb_csvtable_rows *rows,
                  const void *row)
{
  if(!prb_array_reserve(&rows->items, &rows->cap, rows->n + 1, t->row_size,
                        SIZE_MAX))
    return -1;
  memcpy((char *)rows->items + rows->n * t->row_size, row, t->row_size);
  rows->n++;
  return 0;
}

enum prb_load
prb_csvtable_load(const struct prb_csvtable *t,
                  struct prb_csvtable_rows *rows, const char *path,
                  FILE *err, size_t *n_bad)
{
  FILE *fp;
  struct prb_csv *c;
  void *row;                    /* the record being parsed, before append */
  int st, rc = PRB_LOAD_OK, first = 1;
  size_t bad = 0;

  if(n_bad)
    *n_bad = 0;
  fp = fopen(path, "rb");
  if(!fp) {
    if(err)
      fprintf(err, "%s: cannot open: %s\n", path, strerror(errno));
    return PRB_LOAD_EREAD;
  }
  c = prb_csv_open(fp, 0);
  row = malloc(t->row_size);
  if(!c || !row) {
    free(row);
    prb_csv_close(c);
    fclose(fp);
    return PRB_LOAD_ENOMEM;
  }
  while(rc == PRB_LOAD_OK && (st = prb_csv_read(c)) != PRB_CSV_EOF) {
    long line = prb_csv_line(c);
    int pr;
    if(st == PRB_CSV_ERROR) {
      if(err)
        fprintf(err, "%s: read error: %s\n", path, strerror(errno));
      rc = PRB_LOAD_EREAD;
      break;
    }
    if(first) {
      first = 0;
      if(st != PRB_CSV_RECORD ||
         !prb_csvtable_header_is(c, t->columns, t->n_columns)) {
        say_bad_header(t, err, path, line);
        rc = PRB_LOAD_EFORMAT;
      }
      continue;
    }
    if(st == PRB_CSV_BAD) {
      prb_csvtable_say(err, path, line, "%s", prb_csv_reason(c));
      bad++;
      continue;
    }
    pr = t->parse(rows, c, path, line, err, row);
    if(pr < 0) {
      rc = PRB_LOAD_ENOMEM;
    } else if(pr > 0) {
      bad++;
    } else if(append(t, rows, row) < 0) {
      t->free_row(row);
      rc = PRB_LOAD_ENOMEM;
    }
  }
  if(first && rc == PRB_LOAD_OK) {
    prb_csvtable_say(err, path, 1, "empty file");
    rc = PRB_LOAD_EFORMAT;
  }
  free(row);
  prb_csv_close(c);
  fclose(fp);
  if(n_bad)
    *n_bad = bad;
  return rc;
}
