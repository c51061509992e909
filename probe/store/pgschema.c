/* pgschema.c: the PostgreSQL schema, its migrations and the statements the
 * collector and `report --db` share (see pgschema.h). */
#include "store/pgschema.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Any number will do, as long as it is ours alone. */
#define MIGRATION_LOCK 7340319

/* What `report --db` reads of a record: the keys report/report_scan.c
 * reads, kept exactly (a key the record lacks stays absent: null and
 * absent stay apart), and the small keys next to them a scanner may come
 * to read (identity, software, failures), and of the observations only
 * what names networks (the control's x_probe_asn, x_probe_network_name
 * and ip_info, the DNS answers of each query); never the rest (handshakes,
 * bodies, requests), which make a record a hundred times larger. A record without x_analysis (OONI Probe's own)
 * is kept whole: a report judges it again from its observations (an
 * absent x_analysis is SQL NULL, hence the coalesce). Raise
 * PRB_PG_PROJECTION when this changes (3: the network names; 2: records
 * without x_analysis whole; 1 cut them down too). */
static const char scan_function[] =
  "CREATE OR REPLACE FUNCTION accessprobe_scan(r jsonb) RETURNS jsonb\n"
  "LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$\n"
  "SELECT CASE WHEN coalesce(jsonb_typeof(r -> 'test_keys' -> "
  "'x_analysis'), '') <> 'object' OR jsonb_typeof(r) <> 'object' THEN r "
  "ELSE (\n"
  "SELECT coalesce(jsonb_object_agg(k, CASE\n"
  "  WHEN k = 'test_keys' THEN (\n"
  "    SELECT coalesce(jsonb_object_agg(k2, CASE\n"
  "      WHEN k2 = 'x_analysis' THEN v2 - 'evidence'\n"
  "      WHEN k2 = 'control' AND jsonb_typeof(v2) = 'object' THEN (\n"
  "        SELECT coalesce(jsonb_object_agg(k3, v3), '{}'::jsonb)\n"
  "        FROM jsonb_each(v2) AS e3(k3, v3)\n"
  "        WHERE k3 IN ('x_probe_asn', 'x_probe_network_name', 'ip_info'))\n"
  "      WHEN k2 = 'queries' AND jsonb_typeof(v2) = 'array' THEN (\n"
  "        SELECT coalesce(jsonb_agg(CASE WHEN jsonb_typeof(q) = 'object'\n"
  "          THEN (SELECT coalesce(jsonb_object_agg(k4, v4), '{}'::jsonb)\n"
  "                FROM jsonb_each(q) AS e4(k4, v4) WHERE k4 = 'answers')\n"
  "          ELSE q END ORDER BY n), '[]'::jsonb)\n"
  "        FROM jsonb_array_elements(v2) WITH ORDINALITY AS a(q, n))\n"
  "      ELSE v2 END),\n"
  "      '{}'::jsonb)\n"
  "    FROM jsonb_each(v) AS e2(k2, v2)\n"
  "    WHERE k2 IN ('blocking', 'accessible', 'x_analysis',\n"
  "                 'x_category_code', 'control_failure',\n"
  "                 'dns_experiment_failure', 'http_experiment_failure',\n"
  "                 'control', 'queries'))\n"
  "  ELSE v END), '{}'::jsonb)\n"
  "FROM jsonb_each(r) AS e(k, v)\n"
  "WHERE k IN ('input', 'measurement_start_time', 'measurement_uid',\n"
  "  'probe_asn', 'probe_cc', 'probe_network_name', 'report_id',\n"
  "  'software_name', 'software_version', 'test_name', 'test_version',\n"
  "  'test_keys')) END\n"
  "$$";

static const char schema_v1[] =
  "CREATE TABLE measurements (\n"
  "  measurement_uid text NOT NULL,\n"
  "  measurement_start_time timestamp NOT NULL,\n"
  "  report_id text NOT NULL,\n"
  "  input text,\n"
  "  domain text,\n"
  "  probe_cc text NOT NULL,\n"
  "  probe_asn text NOT NULL,\n"
  "  test_name text NOT NULL,\n"
  "  verdict text,\n"
  "  method text,\n"
  "  detail text,\n"
  "  confirmed boolean,\n"
  "  received timestamptz NOT NULL DEFAULT now(),\n"
  "  scan text NOT NULL,\n"
  "  raw jsonb NOT NULL,\n"
  "  PRIMARY KEY (measurement_uid, measurement_start_time)\n"
  ") PARTITION BY RANGE (measurement_start_time);\n"
  "CREATE INDEX ON measurements (measurement_start_time);\n"
  "CREATE INDEX ON measurements (report_id);\n"
  "CREATE INDEX ON measurements (input);\n"
  "CREATE INDEX ON measurements (domain);\n"
  "CREATE INDEX ON measurements (probe_cc);\n"
  "CREATE INDEX ON measurements (probe_asn);\n"
  "CREATE INDEX ON measurements (test_name);\n"
  "CREATE INDEX ON measurements (verdict);\n"
  "CREATE INDEX ON measurements (method);\n"
  "CREATE INDEX ON measurements (detail);\n"
  "CREATE INDEX ON measurements (confirmed);\n";

const char prb_pg_copy_scan[] =
  "COPY (SELECT scan FROM measurements) TO STDOUT WITH (FORMAT binary)";

#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static int fail(char *why, size_t whylen, const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(why, whylen, fmt, ap);
  va_end(ap);
  /* libpq's messages end with a newline. */
  size_t n = strlen(why);
  while(n && (why[n - 1] == '\n' || why[n - 1] == ' '))
    why[--n] = '\0';
  return -1;
}

void prb_pg_display(const char *conninfo, char *out, size_t outlen)
{
  const char *scheme = strstr(conninfo, "://");
  if(!scheme) {
    snprintf(out, outlen, "%s", strstr(conninfo, "password") ?
             "the PostgreSQL connection string" : conninfo);
    return;
  }
  const char *auth = scheme + 3;
  const char *at = strchr(auth, '@');
  const char *slash = strchr(auth, '/');
  if(at && (!slash || at < slash))
    snprintf(out, outlen, "%.*s%s", (int)(auth - conninfo), conninfo, at + 1);
  else
    snprintf(out, outlen, "%s", conninfo);
  /* A password in the query part ("?password=") goes too. */
  char *q = strchr(out, '?');
  if(q && strstr(q, "password"))
    *q = '\0';
}

PGconn *prb_pg_connect(const char *conninfo, const char *app, char *why,
                       size_t whylen)
{
  /* Ours first: what dbname's connection string says replaces them. */
  const char *keys[] = {"connect_timeout", "application_name", "dbname",
                        NULL};
  const char *vals[] = {"10", app, conninfo, NULL};
  PGconn *c = PQconnectdbParams(keys, vals, 1);
  if(!c) {
    fail(why, whylen, "out of memory");
    return NULL;
  }
  if(PQstatus(c) != CONNECTION_OK) {
    char shown[512];
    prb_pg_display(conninfo, shown, sizeof(shown));
    fail(why, whylen, "PostgreSQL at %s: %s", shown, PQerrorMessage(c));
    PQfinish(c);
    return NULL;
  }
  return c;
}

/* Runs sql; 0, or -1 with why. */
static int exec(PGconn *c, const char *sql, char *why, size_t whylen)
{
  PGresult *r = PQexec(c, sql);
  ExecStatusType st = PQresultStatus(r);
  int rc = 0;
  if(st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
    rc = fail(why, whylen, "PostgreSQL: %s", PQerrorMessage(c));
  PQclear(r);
  return rc;
}

/* The version row: *version and *projection, 0 when there is none. */
static int read_version(PGconn *c, int *version, int *projection, char *why,
                        size_t whylen)
{
  *version = *projection = 0;
  PGresult *r = PQexec(c, "SELECT to_regclass('accessprobe_schema') IS NULL");
  if(PQresultStatus(r) != PGRES_TUPLES_OK) {
    fail(why, whylen, "PostgreSQL: %s", PQerrorMessage(c));
    PQclear(r);
    return -1;
  }
  bool missing = !strcmp(PQgetvalue(r, 0, 0), "t");
  PQclear(r);
  if(missing)
    return 0;
  r = PQexec(c, "SELECT max(version), max(projection) FROM "
             "accessprobe_schema");
  if(PQresultStatus(r) != PGRES_TUPLES_OK) {
    fail(why, whylen, "PostgreSQL: %s", PQerrorMessage(c));
    PQclear(r);
    return -1;
  }
  if(!PQgetisnull(r, 0, 0)) {
    *version = atoi(PQgetvalue(r, 0, 0));
    *projection = atoi(PQgetvalue(r, 0, 1));
  }
  PQclear(r);
  return 0;
}

int prb_pg_migrate(PGconn *c, bool *changed, char *why, size_t whylen)
{
  char sql[256];
  int version, projection;
  bool did = false;
  if(changed)
    *changed = false;
  snprintf(sql, sizeof(sql), "BEGIN; SELECT pg_advisory_xact_lock(%d)",
           MIGRATION_LOCK);
  if(exec(c, sql, why, whylen) < 0)
    return -1;
  if(read_version(c, &version, &projection, why, whylen) < 0)
    goto rollback;
  if(version > PRB_PG_SCHEMA_VERSION || projection > PRB_PG_PROJECTION) {
    fail(why, whylen, "the database's schema (version %d, projection %d) is "
         "newer than this accessprobe reads (%d, %d): upgrade accessprobe",
         version, projection, PRB_PG_SCHEMA_VERSION, PRB_PG_PROJECTION);
    goto rollback;
  }
  if(exec(c, scan_function, why, whylen) < 0)
    goto rollback;
  if(version < 1) {
    if(exec(c, "CREATE TABLE IF NOT EXISTS accessprobe_schema (\n"
            "  version integer NOT NULL, projection integer NOT NULL,\n"
            "  migrated timestamptz NOT NULL DEFAULT now())", why,
            whylen) < 0 ||
       exec(c, schema_v1, why, whylen) < 0)
      goto rollback;
    did = true;
  }
  /* Later versions: `if(version < 2) { ALTER ... }` here. */
  if(version >= 1 && projection < PRB_PG_PROJECTION) {
    if(exec(c, "UPDATE measurements SET scan = accessprobe_scan(raw)::text",
            why, whylen) < 0)
      goto rollback;
    did = true;
  }
  if(did) {
    snprintf(sql, sizeof(sql), "DELETE FROM accessprobe_schema; INSERT INTO "
             "accessprobe_schema (version, projection) VALUES (%d, %d)",
             PRB_PG_SCHEMA_VERSION, PRB_PG_PROJECTION);
    if(exec(c, sql, why, whylen) < 0)
      goto rollback;
  }
  if(exec(c, "COMMIT", why, whylen) < 0)
    return -1;
  if(changed)
    *changed = did;
  return 0;
rollback:
  PQclear(PQexec(c, "ROLLBACK"));
  return -1;
}

int prb_pg_check(PGconn *c, char *why, size_t whylen)
{
  int version, projection;
  if(read_version(c, &version, &projection, why, whylen) < 0)
    return -1;
  if(!version)
    return fail(why, whylen, "no accessprobe measurements table in this "
                "database: create it with `accessprobe collector --db URL "
                "--init-db`");
  if(version != PRB_PG_SCHEMA_VERSION || projection != PRB_PG_PROJECTION)
    return fail(why, whylen, "the database's schema is version %d "
                "(projection %d), this accessprobe reads %d (%d): run "
                "`accessprobe collector --db URL --init-db` with the newer "
                "of the two", version, projection, PRB_PG_SCHEMA_VERSION,
                PRB_PG_PROJECTION);
  return 0;
}

bool prb_pg_partition(time_t t, char *name, size_t namelen, char *sql,
                      size_t sqllen)
{
  struct tm tm;
  if(!gmtime_r(&t, &tm))
    return false;
  int y = tm.tm_year + 1900, m = tm.tm_mon + 1;
  int ny = m == 12 ? y + 1 : y, nm = m == 12 ? 1 : m + 1;
  int a = snprintf(name, namelen, "measurements_%04d_%02d", y, m);
  int b = snprintf(sql, sqllen, "CREATE TABLE IF NOT EXISTS %s PARTITION OF "
                   "measurements FOR VALUES FROM ('%04d-%02d-01') TO "
                   "('%04d-%02d-01')", name, y, m, ny, nm);
  return a > 0 && (size_t)a < namelen && b > 0 && (size_t)b < sqllen;
}

char *prb_pg_insert_sql(size_t n)
{
  static const char head[] =
    "INSERT INTO measurements (measurement_uid, measurement_start_time, "
    "report_id, input, domain, probe_cc, probe_asn, test_name, verdict, "
    "method, detail, confirmed, raw, scan) "
    "SELECT u, t::timestamp, r, i, d, cc, asn, tn, v, m, de, c::boolean, j, "
    "accessprobe_scan(j)::text FROM (SELECT *, x::jsonb AS j FROM (VALUES ";
  static const char tail[] =
    ") AS v(u, t, r, i, d, cc, asn, tn, v, m, de, c, x)) AS s "
    "ON CONFLICT DO NOTHING";
  size_t cap = sizeof(head) + sizeof(tail) + n * PRB_PG_COLUMNS * 8 + 16;
  char *sql = malloc(cap);
  if(!sql)
    return NULL;
  size_t len = (size_t)snprintf(sql, cap, "%s", head);
  for(size_t row = 0; row < n; row++) {
    sql[len++] = row ? ',' : ' ';
    sql[len++] = '(';
    for(size_t col = 0; col < PRB_PG_COLUMNS; col++)
      len += (size_t)snprintf(sql + len, cap - len, "%s$%zu",
                              col ? "," : "",
                              row * PRB_PG_COLUMNS + col + 1);
    sql[len++] = ')';
  }
  snprintf(sql + len, cap - len, "%s", tail);
  return sql;
}
