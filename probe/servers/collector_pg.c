/* collector_pg.c: batches into PostgreSQL without blocking the loop (see
 * collector_pg.h): connecting with PQconnectPoll, one query at a time with
 * PQsendQuery*, results read as the socket says they are there. */
#include "servers/collector_pg.h"
#include "common/buf.h"

#include <stdlib.h>
#include <string.h>

#define BACKOFF_MIN 1.0
#define BACKOFF_MAX 30.0

enum state {
  S_WAIT,            /* no connection; the timer starts the next try */
  S_CONNECTING,
  S_IDLE,
  S_PARTITIONS,      /* making the month partitions a batch needs */
  S_INSERT
};

struct prb_cpg {
  struct prb_loop *loop;
  char *conninfo;
  FILE *log;
  PGconn *conn;
  int fd;                       /* watched, -1 when none */
  enum state st;
  struct prb_timer timer;       /* next try, or the batch's deadline */
  double backoff, next_try;
  bool was_up;                  /* for saying "back" once */
  int *months;                  /* partitions known to exist: y * 100 + m */
  size_t n_months, cap_months;
  /* the batch in flight */
  const struct prb_cpg_row *rows;
  size_t n;
  prb_cpg_done done;
  void *arg;
  double started;
  const char **params;
  enum prb_cpg_result result;
  char why[512];
  unsigned long long inserted;
};

static void on_io(void *arg, int fd, unsigned events);
static void start_connect(struct prb_cpg *g);

static void watch(struct prb_cpg *g, unsigned events)
{
  int fd = g->conn ? PQsocket(g->conn) : -1;
  if(g->fd >= 0 && g->fd != fd)
    prb_loop_watch(g->loop, g->fd, 0, NULL, NULL);
  g->fd = fd;
  if(fd >= 0)
    prb_loop_watch(g->loop, fd, events, on_io, g);
}

static void on_retry(void *arg)
{
  start_connect(arg);
}

/* Ends the batch in flight (if any) with r, state idle or waiting. */
static void finish(struct prb_cpg *g, enum prb_cpg_result r, const char *why)
{
  prb_cpg_done done = g->done;
  void *arg = g->arg;
  free(g->params);
  g->params = NULL;
  g->rows = NULL;
  g->done = NULL;
  if(g->st == S_PARTITIONS || g->st == S_INSERT) {
    g->st = S_IDLE;
    prb_timer_stop(g->loop, &g->timer);
  }
  if(done)
    done(arg, r, why);
}

/* Drops the connection: whatever was in flight is unavailable, and the
 * next try comes after the pause. */
static void drop(struct prb_cpg *g, const char *why)
{
  if(g->log && (g->was_up || g->st != S_CONNECTING))
    fprintf(g->log, "accessprobe collector: PostgreSQL unavailable: %s; "
            "trying again in %.0f s (submissions get 503 meanwhile)\n", why,
            g->backoff);
  g->was_up = false;
  watch(g, 0);
  g->fd = -1;
  if(g->conn)
    PQfinish(g->conn);
  g->conn = NULL;
  g->n_months = 0;
  enum state was = g->st;
  g->st = S_WAIT;
  g->next_try = prb_now() + g->backoff;
  prb_timer_start(g->loop, &g->timer, g->backoff, on_retry, g);
  g->backoff = g->backoff * 2 > BACKOFF_MAX ? BACKOFF_MAX : g->backoff * 2;
  if(was == S_PARTITIONS || was == S_INSERT) {
    prb_cpg_done done = g->done;
    void *arg = g->arg;
    free(g->params);
    g->params = NULL;
    g->done = NULL;
    if(done)
      done(arg, PRB_CPG_UNAVAILABLE, why);
  }
}

static void message(PGconn *c, char *out, size_t outlen)
{
  snprintf(out, outlen, "%s", c ? PQerrorMessage(c) : "out of memory");
  size_t n = strlen(out);
  while(n && (out[n - 1] == '\n' || out[n - 1] == ' '))
    out[--n] = '\0';
}

/* The connection is made: schema checked or made (blocking, once), then
 * non-blocking from here on. */
static void connected(struct prb_cpg *g)
{
  char why[512];
  if(prb_pg_migrate(g->conn, NULL, why, sizeof(why)) < 0) {
    drop(g, why);
    return;
  }
  PGresult *r = PQexec(g->conn, "SET statement_timeout = '30s'");
  PQclear(r);
  if(PQsetnonblocking(g->conn, 1) != 0) {
    message(g->conn, why, sizeof(why));
    drop(g, why);
    return;
  }
  if(g->log)
    fprintf(g->log, "accessprobe collector: PostgreSQL connected\n");
  g->was_up = true;
  g->backoff = BACKOFF_MIN;
  g->st = S_IDLE;
  watch(g, PRB_IO_READ);      /* to notice the server going away */
}

static void poll_connect(struct prb_cpg *g)
{
  char why[512];
  switch(PQconnectPoll(g->conn)) {
  case PGRES_POLLING_READING:
    watch(g, PRB_IO_READ);
    break;
  case PGRES_POLLING_WRITING:
    watch(g, PRB_IO_WRITE);
    break;
  case PGRES_POLLING_OK:
    connected(g);
    break;
  default:
    message(g->conn, why, sizeof(why));
    drop(g, why);
    break;
  }
}

static void start_connect(struct prb_cpg *g)
{
  const char *keys[] = {"connect_timeout", "application_name", "dbname",
                        NULL};
  const char *vals[] = {"10", "accessprobe-collector", g->conninfo, NULL};
  char why[512];
  g->st = S_CONNECTING;
  g->conn = PQconnectStartParams(keys, vals, 1);
  if(!g->conn || PQstatus(g->conn) == CONNECTION_BAD) {
    message(g->conn, why, sizeof(why));
    drop(g, why);
    return;
  }
  /* As if PQconnectPoll had said "writing": the socket is connecting. */
  watch(g, PRB_IO_WRITE);
}

/* The month of t as y * 100 + m. */
static int month_of(time_t t)
{
  struct tm tm;
  return gmtime_r(&t, &tm) ? (tm.tm_year + 1900) * 100 + tm.tm_mon + 1 : 0;
}

static bool month_known(const struct prb_cpg *g, int m)
{
  for(size_t i = 0; i < g->n_months; i++)
    if(g->months[i] == m)
      return true;
  return false;
}

static void flush(struct prb_cpg *g)
{
  int r = PQflush(g->conn);
  if(r < 0) {
    char why[512];
    message(g->conn, why, sizeof(why));
    drop(g, why);
  } else {
    watch(g, r ? PRB_IO_READ | PRB_IO_WRITE : PRB_IO_READ);
  }
}

static void send_insert(struct prb_cpg *g)
{
  char *sql = prb_pg_insert_sql(g->n);
  g->params = malloc(g->n * PRB_PG_COLUMNS * sizeof(*g->params));
  if(!sql || !g->params) {
    free(sql);
    finish(g, PRB_CPG_UNAVAILABLE, "out of memory");
    return;
  }
  for(size_t i = 0; i < g->n; i++)
    memcpy(&g->params[i * PRB_PG_COLUMNS], g->rows[i].v,
           sizeof(g->rows[i].v));
  g->st = S_INSERT;
  int ok = PQsendQueryParams(g->conn, sql, (int)(g->n * PRB_PG_COLUMNS),
                             NULL, g->params, NULL, NULL, 0);
  free(sql);
  if(!ok) {
    char why[512];
    message(g->conn, why, sizeof(why));
    drop(g, why);
    return;
  }
  flush(g);
}

/* The partitions the batch needs and no one has made yet. */
static bool send_partitions(struct prb_cpg *g)
{
  struct prb_buf sql;
  prb_buf_init(&sql, 64 * 1024);
  for(size_t i = 0; i < g->n; i++) {
    int m = month_of(g->rows[i].start);
    char name[64], one[512];
    if(month_known(g, m) || !prb_pg_partition(g->rows[i].start, name,
                                              sizeof(name), one,
                                              sizeof(one)) ||
       (sql.p && strstr(sql.p, name)))
      continue;
    if(prb_buf_add(&sql, one, strlen(one)) != PRB_BUF_OK ||
       prb_buf_add(&sql, ";", 1) != PRB_BUF_OK)
      break;
  }
  if(!sql.len)
    return false;
  g->st = S_PARTITIONS;
  int ok = PQsendQuery(g->conn, sql.p);
  prb_buf_free(&sql);
  if(!ok) {
    char why[512];
    message(g->conn, why, sizeof(why));
    drop(g, why);
    return true;
  }
  flush(g);
  return true;
}

static void on_deadline(void *arg)
{
  struct prb_cpg *g = arg;
  char why[96];
  snprintf(why, sizeof(why), "a batch took longer than %.0f s",
           PRB_CPG_DEADLINE);
  drop(g, why);
}

bool prb_cpg_insert(struct prb_cpg *g, const struct prb_cpg_row *rows,
                    size_t n, prb_cpg_done done, void *arg)
{
  if(g->st != S_IDLE || !n)
    return false;
  g->rows = rows;
  g->n = n;
  g->done = done;
  g->arg = arg;
  g->started = prb_now();
  g->result = PRB_CPG_OK;
  g->why[0] = '\0';
  prb_timer_start(g->loop, &g->timer, PRB_CPG_DEADLINE, on_deadline, g);
  if(!send_partitions(g))
    send_insert(g);
  return true;
}

/* One result of the query in flight. */
static void take_result(struct prb_cpg *g, PGresult *r)
{
  ExecStatusType st = PQresultStatus(r);
  if(st == PGRES_COMMAND_OK || st == PGRES_TUPLES_OK) {
    if(g->st == S_INSERT)
      g->inserted += strtoull(PQcmdTuples(r), NULL, 10);
    return;
  }
  if(g->result != PRB_CPG_OK)
    return;
  const char *state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  /* Classes 22 (data exception) and 23 (integrity): the rows themselves;
   * anything else is the database's trouble, not the record's. */
  bool data = state && (!strncmp(state, "22", 2) || !strncmp(state, "23", 2));
  g->result = data && g->st == S_INSERT ? PRB_CPG_REFUSED :
              PRB_CPG_UNAVAILABLE;
  snprintf(g->why, sizeof(g->why), "%s", PQresultErrorMessage(r));
  size_t n = strlen(g->why);
  while(n && (g->why[n - 1] == '\n' || g->why[n - 1] == ' '))
    g->why[--n] = '\0';
}

/* The query in flight has ended (every result read). */
static void query_done(struct prb_cpg *g)
{
  if(g->st == S_PARTITIONS) {
    if(g->result != PRB_CPG_OK) {
      if(g->log)
        fprintf(g->log, "accessprobe collector: cannot make a partition: "
                "%s\n", g->why);
      finish(g, PRB_CPG_UNAVAILABLE, g->why);
      return;
    }
    for(size_t i = 0; i < g->n; i++) {
      int m = month_of(g->rows[i].start);
      if(!month_known(g, m) &&
         prb_array_reserve(&g->months, &g->cap_months, g->n_months + 1,
                           sizeof(*g->months), 4096))
        g->months[g->n_months++] = m;
    }
    send_insert(g);
    return;
  }
  finish(g, g->result, g->why);
}

static void on_io(void *arg, int fd, unsigned events)
{
  struct prb_cpg *g = arg;
  char why[512];
  if(g->st == S_CONNECTING) {
    poll_connect(g);
    return;
  }
  if(!g->conn)
    return;
  if((events & PRB_IO_WRITE) && (g->st == S_PARTITIONS || g->st == S_INSERT)) {
    flush(g);
    if(!g->conn)
      return;
  }
  if(!(events & (PRB_IO_READ | PRB_IO_ERROR)))
    return;
  if(!PQconsumeInput(g->conn)) {
    message(g->conn, why, sizeof(why));
    drop(g, why);
    return;
  }
  if(g->st == S_IDLE) {
    /* Nothing asked: a notice, or the server closing the connection. */
    PGresult *r;
    while(!PQisBusy(g->conn) && (r = PQgetResult(g->conn)))
      PQclear(r);
    if(PQstatus(g->conn) == CONNECTION_BAD) {
      message(g->conn, why, sizeof(why));
      drop(g, why);
    }
    return;
  }
  while(!PQisBusy(g->conn)) {
    PGresult *r = PQgetResult(g->conn);
    if(!r) {
      query_done(g);
      return;
    }
    take_result(g, r);
    PQclear(r);
  }
  if(PQstatus(g->conn) == CONNECTION_BAD) {
    message(g->conn, why, sizeof(why));
    drop(g, why);
  }
}

struct prb_cpg *prb_cpg_new(struct prb_loop *loop, const char *conninfo,
                            FILE *log)
{
  struct prb_cpg *g = calloc(1, sizeof(*g));
  if(!g || !(g->conninfo = strdup(conninfo))) {
    free(g);
    return NULL;
  }
  g->loop = loop;
  g->log = log;
  g->fd = -1;
  g->backoff = BACKOFF_MIN;
  prb_timer_init(&g->timer);
  start_connect(g);
  return g;
}

void prb_cpg_free(struct prb_cpg *g)
{
  if(!g)
    return;
  if(g->st == S_PARTITIONS || g->st == S_INSERT)
    finish(g, PRB_CPG_UNAVAILABLE, "the collector is stopping");
  watch(g, 0);
  prb_timer_stop(g->loop, &g->timer);
  if(g->conn)
    PQfinish(g->conn);
  free(g->months);
  free(g->conninfo);
  free(g);
}

bool prb_cpg_idle(const struct prb_cpg *g)
{
  return g->st == S_IDLE;
}

bool prb_cpg_up(const struct prb_cpg *g)
{
  return g->st == S_IDLE || g->st == S_PARTITIONS || g->st == S_INSERT;
}

double prb_cpg_busy_for(const struct prb_cpg *g)
{
  return g->st == S_PARTITIONS || g->st == S_INSERT ?
         prb_now() - g->started : 0.0;
}

unsigned prb_cpg_retry_in(const struct prb_cpg *g)
{
  double left = g->st == S_WAIT ? g->next_try - prb_now() : 0.0;
  return left > 1.0 ? (unsigned)(left + 0.999) : 1u;
}

unsigned long long prb_cpg_inserted(const struct prb_cpg *g)
{
  return g->inserted;
}
