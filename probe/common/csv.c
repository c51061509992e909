/* csv.c: streaming RFC 4180 reader; see csv.h for what it accepts. */
#include "common/csv.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

#define IOBUF 8192

struct field {
  size_t off, len;
};

struct prb_csv {
  FILE *fp;
  unsigned char io[IOBUF];
  size_t io_pos, io_len;
  int io_eof, started, bom;

  size_t max;        /* bytes of fields plus their NULs */
  char *rec;
  size_t used;
  struct field *fields;
  size_t nf, cap_f;
  int too_long, nomem;

  long line;         /* physical line the reader is on */
  long rec_line;     /* line the last record started on */
  const char *bad;   /* first problem of the current record */
  char reason[96];
};

enum state { FIELD_START, UNQUOTED, QUOTED, QUOTE_SEEN };

static void fill(struct prb_csv *r)
{
  r->io_pos = 0;
  r->io_len = 0;
  if(r->io_eof)
    return;
  /* At the very start, insist on three bytes so a BOM split by a short
   * read of a pipe is still recognised. */
  do {
    size_t n = fread(r->io + r->io_len, 1, IOBUF - r->io_len, r->fp);
    if(n == 0) {
      r->io_eof = 1;
      break;
    }
    r->io_len += n;
  } while(!r->started && r->io_len < 3);
  if(!r->started) {
    r->started = 1;
    if(r->io_len >= 3 && r->io[0] == 0xEF && r->io[1] == 0xBB &&
       r->io[2] == 0xBF) {
      r->io_pos = 3;
      r->bom = 1;
    }
  }
}

static int next_byte(struct prb_csv *r)
{
  if(r->io_pos >= r->io_len) {
    fill(r);
    if(r->io_pos >= r->io_len)
      return -1;
  }
  return r->io[r->io_pos++];
}

static int peek_byte(struct prb_csv *r)
{
  if(r->io_pos >= r->io_len) {
    fill(r);
    if(r->io_pos >= r->io_len)
      return -1;
  }
  return r->io[r->io_pos];
}

/* Consumes the rest of a line end whose first byte c was just read. */
static void end_of_line(struct prb_csv *r, int c)
{
  if(c == '\r' && peek_byte(r) == '\n')
    next_byte(r);
  r->line++;
}

static void mark_bad(struct prb_csv *r, const char *why)
{
  if(!r->bad)
    r->bad = why;
}

static void put(struct prb_csv *r, int c)
{
  if(r->too_long)
    return;
  if(r->used + 1 >= r->max) { /* keep room for this field's NUL */
    r->too_long = 1;
    return;
  }
  r->rec[r->used++] = (char)c;
}

static void end_field(struct prb_csv *r, size_t start)
{
  if(r->too_long || r->nomem)
    return;
  if(r->used + 1 > r->max) {
    r->too_long = 1;
    return;
  }
  /* Each field takes at least one byte, so max bounds the count. */
  if(!prb_array_reserve(&r->fields, &r->cap_f, r->nf + 1, sizeof(*r->fields),
                        r->max + 1)) {
    r->nomem = 1;
    return;
  }
  r->fields[r->nf].off = start;
  r->fields[r->nf].len = r->used - start;
  r->nf++;
  r->rec[r->used++] = '\0';
}

struct prb_csv *prb_csv_open(FILE *fp, size_t max_record)
{
  struct prb_csv *r;
  if(!fp)
    return NULL;
  if(max_record == 0)
    max_record = PRB_CSV_RECORD_MAX;
  if(max_record < 16)
    max_record = 16;
  r = calloc(1, sizeof *r);
  if(!r)
    return NULL;
  r->rec = malloc(max_record);
  if(!r->rec) {
    free(r);
    return NULL;
  }
  r->fp = fp;
  r->max = max_record;
  r->line = 1;
  return r;
}

void prb_csv_close(struct prb_csv *r)
{
  if(!r)
    return;
  free(r->rec);
  free(r->fields);
  free(r);
}

enum prb_csv_status prb_csv_read(struct prb_csv *r)
{
  enum state st = FIELD_START;
  size_t start = 0;
  int c;

  r->nf = 0;
  r->used = 0;
  r->too_long = 0;
  r->nomem = 0;
  r->bad = NULL;
  r->reason[0] = '\0';

  /* Blank lines are not records. */
  for(;;) {
    c = next_byte(r);
    if(c == -1)
      return ferror(r->fp) ? PRB_CSV_ERROR : PRB_CSV_EOF;
    if(c == '\n' || c == '\r') {
      end_of_line(r, c);
      continue;
    }
    break;
  }
  r->rec_line = r->line;

  for(;;) {
    switch(st) {
    case FIELD_START:
      start = r->used;
      if(c == '"') {
        st = QUOTED;
        break;
      }
      st = UNQUOTED;
      continue; /* look at c again as part of an unquoted field */
    case UNQUOTED:
      if(c == ',') {
        end_field(r, start);
        st = FIELD_START;
      } else if(c == '\n' || c == '\r' || c == -1) {
        end_field(r, start);
        goto done;
      } else {
        if(c == '"')
          mark_bad(r, "quote inside an unquoted field");
        else if(c == 0)
          mark_bad(r, "NUL byte in record");
        put(r, c);
      }
      break;
    case QUOTED:
      if(c == -1) {
        mark_bad(r, "quoted field not closed at end of file");
        end_field(r, start);
        goto done;
      }
      if(c == '"') {
        st = QUOTE_SEEN;
        break;
      }
      if(c == 0)
        mark_bad(r, "NUL byte in record");
      put(r, c);
      if(c == '\n' || (c == '\r' && peek_byte(r) != '\n'))
        r->line++;
      break;
    case QUOTE_SEEN:
      if(c == '"') {
        put(r, '"');
        st = QUOTED;
      } else if(c == ',') {
        end_field(r, start);
        st = FIELD_START;
      } else if(c == '\n' || c == '\r' || c == -1) {
        end_field(r, start);
        goto done;
      } else {
        mark_bad(r, "character after a closing quote");
        if(c == 0)
          mark_bad(r, "NUL byte in record");
        put(r, c);
        st = UNQUOTED;
      }
      break;
    }
    c = next_byte(r);
  }

done:
  if(c == '\n' || c == '\r')
    end_of_line(r, c);
  if(ferror(r->fp))
    return PRB_CSV_ERROR;
  if(r->too_long) {
    snprintf(r->reason, sizeof r->reason,
             "record longer than %zu bytes, skipped", r->max);
  } else if(r->nomem) {
    snprintf(r->reason, sizeof r->reason, "out of memory reading record");
  } else if(r->bad) {
    snprintf(r->reason, sizeof r->reason, "%s", r->bad);
  } else {
    return PRB_CSV_RECORD;
  }
  r->nf = 0;
  return PRB_CSV_BAD;
}

size_t prb_csv_nfields(const struct prb_csv *r)
{
  return r->nf;
}

const char *prb_csv_field(const struct prb_csv *r, size_t i)
{
  if(i >= r->nf)
    return "";
  return r->rec + r->fields[i].off;
}

size_t prb_csv_field_len(const struct prb_csv *r, size_t i)
{
  if(i >= r->nf)
    return 0;
  return r->fields[i].len;
}

long prb_csv_line(const struct prb_csv *r)
{
  return r->rec_line;
}

const char *prb_csv_reason(const struct prb_csv *r)
{
  return r->reason;
}

int prb_csv_had_bom(const struct prb_csv *r)
{
  return r->bom;
}
