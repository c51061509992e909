/* report_db.c: rows of the measurements table as record lines (see
 * report_db.h). */
#include "report/report_db.h"
#include "store/pgschema.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define FETCH_ROWS 10000

struct prb_dbrows {
  PGconn *conn;
  PGresult *res;                /* the rows fetched last */
  int row, rows;                /* next row in res, rows in res */
  uint64_t rowno, bytes;
  bool done;
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

static bool exec_ok(struct prb_dbrows *r, const char *sql)
{
  PGresult *res = PQexec(r->conn, sql);
  bool ok = PQresultStatus(res) == PGRES_COMMAND_OK;
  if(!ok)
    set_err(r, "PostgreSQL");
  PQclear(res);
  return ok;
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
  char sql[256];
  snprintf(sql, sizeof(sql), "DECLARE rows NO SCROLL CURSOR FOR %s",
           prb_pg_select_scan);
  if(prb_pg_check(r->conn, why, whylen) < 0) {
    prb_dbrows_close(r);
    return NULL;
  }
  if(!exec_ok(r, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") ||
     !exec_ok(r, sql)) {
    snprintf(why, whylen, "%s", r->err);
    prb_dbrows_close(r);
    return NULL;
  }
  return r;
}

enum prb_lines_status prb_dbrows_next(struct prb_dbrows *r, const char **line,
                                      size_t *len, uint64_t *rowno)
{
  while(r->row >= r->rows) {
    if(r->done)
      return PRB_LINES_EOF;
    PQclear(r->res);
    char sql[64];
    snprintf(sql, sizeof(sql), "FETCH FORWARD %d FROM rows", FETCH_ROWS);
    r->res = PQexec(r->conn, sql);
    if(PQresultStatus(r->res) != PGRES_TUPLES_OK) {
      set_err(r, "reading the rows");
      PQclear(r->res);
      r->res = NULL;
      r->rows = r->row = 0;
      r->done = true;
      return PRB_LINES_ERROR;
    }
    r->rows = PQntuples(r->res);
    r->row = 0;
    r->done = r->rows < FETCH_ROWS;
  }
  *line = PQgetvalue(r->res, r->row, 0);
  *len = (size_t)PQgetlength(r->res, r->row, 0);
  r->row++;
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
  PQclear(r->res);
  if(r->conn)
    PQfinish(r->conn);
  free(r);
}
