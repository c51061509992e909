/* report_db.c: rows of the measurements table as record lines (see
 * report_db.h), streamed with COPY in binary form: each row arrives as its
 * own buffer holding the text as stored, with nothing to unescape. */
#include "report/report_db.h"
#include "store/pgschema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* PGCOPY\n\377\r\n\0, then 32-bit flags and header extension length. */
#define COPY_SIGNATURE "PGCOPY\n\377\r\n"
#define COPY_HEADER 19

struct prb_dbrows {
  PGconn *conn;
  char *row;                    /* the buffer of the last row (libpq's) */
  bool header_seen, done;
  uint64_t rowno, bytes;
  char name[512];
  char err[512];
};

static void set_err(struct prb_dbrows *r, const char *what)
{
  snprintf(r->err, sizeof(r->err), "%s: %s", what, PQerrorMessage(r->conn));
  size_t n = strlen(r->err);
  while(n && (r->err[n - 1] == '\n' || r->err[n - 1] == ' '))
    r->err[--n] = '\0';
}

struct prb_dbrows *prb_dbrows_open(const char *conninfo, char *why,
                                   size_t whylen)
{
  struct prb_dbrows *r = calloc(1, sizeof(*r));
  if(!r) {
    snprintf(why, whylen, "out of memory");
    return NULL;
  }
  prb_pg_display(conninfo, r->name, sizeof(r->name));
  r->conn = prb_pg_connect(conninfo, "accessprobe-report", why, whylen);
  if(!r->conn) {
    free(r);
    return NULL;
  }
  if(prb_pg_check(r->conn, why, whylen) < 0) {
    prb_dbrows_close(r);
    return NULL;
  }
  /* One statement: one snapshot, however long the collector writes. */
  PGresult *res = PQexec(r->conn, prb_pg_copy_scan);
  bool ok = PQresultStatus(res) == PGRES_COPY_OUT;
  PQclear(res);
  if(!ok) {
    set_err(r, "reading the rows");
    snprintf(why, whylen, "%s", r->err);
    prb_dbrows_close(r);
    return NULL;
  }
  return r;
}

static uint32_t be32(const unsigned char *p)
{
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         p[3];
}

/* The one field of a binary COPY row at p[0..n): its text, or NULL (the
 * trailer, or a malformed row). */
static const char *field(struct prb_dbrows *r, const char *p, size_t n,
                         size_t *len)
{
  const unsigned char *u = (const unsigned char *)p;
  if(!r->header_seen) {
    if(n < COPY_HEADER || memcmp(p, COPY_SIGNATURE, 11))
      return NULL;
    size_t ext = be32(u + 15);
    if(n < COPY_HEADER + ext)
      return NULL;
    u += COPY_HEADER + ext;
    n -= COPY_HEADER + ext;
    r->header_seen = true;
  }
  if(n < 2 || ((u[0] << 8) | u[1]) != 1 || n < 6)
    return NULL;                /* -1 fields: the trailer */
  uint32_t flen = be32(u + 2);
  if(flen == 0xFFFFFFFFu || (size_t)flen != n - 6)
    return NULL;
  *len = flen;
  return (const char *)u + 6;
}

enum prb_lines_status prb_dbrows_next(struct prb_dbrows *r, const char **line,
                                      size_t *len, uint64_t *rowno)
{
  if(r->row) {
    PQfreemem(r->row);
    r->row = NULL;
  }
  if(r->done)
    return PRB_LINES_EOF;
  int n = PQgetCopyData(r->conn, &r->row, 0);
  if(n == -1) {                 /* the end: the statement's result */
    r->done = true;
    PGresult *res = PQgetResult(r->conn);
    bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
    PQclear(res);
    while((res = PQgetResult(r->conn)))
      PQclear(res);
    if(!ok) {
      set_err(r, "reading the rows");
      return PRB_LINES_ERROR;
    }
    return PRB_LINES_EOF;
  }
  if(n < 0) {
    r->done = true;
    set_err(r, "reading the rows");
    return PRB_LINES_ERROR;
  }
  const char *text = field(r, r->row, (size_t)n, len);
  if(!text) {
    /* The trailer comes just before the end; anything else is damage. */
    bool trailer = n >= 2 && (unsigned char)r->row[n - 2] == 0xFF &&
                   (unsigned char)r->row[n - 1] == 0xFF;
    if(trailer)
      return prb_dbrows_next(r, line, len, rowno);
    r->done = true;
    snprintf(r->err, sizeof(r->err), "reading the rows: a row PostgreSQL "
             "sent is not what was asked for");
    return PRB_LINES_ERROR;
  }
  *line = text;
  r->bytes += *len;
  *rowno = ++r->rowno;
  return PRB_LINES_LINE;
}

const char *prb_dbrows_error(const struct prb_dbrows *r)
{
  return r->err;
}

const char *prb_dbrows_name(const struct prb_dbrows *r)
{
  return r->name;
}

uint64_t prb_dbrows_bytes(const struct prb_dbrows *r)
{
  return r->bytes;
}

void prb_dbrows_close(struct prb_dbrows *r)
{
  if(!r)
    return;
  if(r->row)
    PQfreemem(r->row);
  if(r->conn)
    PQfinish(r->conn);
  free(r);
}
