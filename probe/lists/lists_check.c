/* lists_check.c: `accessprobe lists check`; see lists_check.h. */
#include "lists/lists_check.h"
#include "common/datadir.h"
#include "common/buf.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "analysis/certlist.h"
#include "common/csv.h"
#include "common/csvtable.h"
#include "common/datadir.h"
#include "common/errors.h"
#include "analysis/fingerprints.h"
#include "lists/inputs.h"
#include "common/url.h"

enum kind { K_UNKNOWN, K_EMPTY, K_TESTLIST, K_FINGERPRINTS, K_CERTS, K_LEGEND,
            K_URLS };

static const char *const testlist_cols[] = {
  "url", "category_code", "category_description", "date_added", "source",
  "notes"
};
static const char *const legend_cols[] = {
  "Category Description", "New Code", "Replaces old code(s)", "Description"
};

struct legend {
  char (*code)[PRB_CATEGORY_MAX];
  char **desc;
  size_t n, cap_code, cap_desc;
  int loaded;
};

struct result {
  size_t rows, bad;
  int unreadable, unusable;
};

static void legend_free(struct legend *g)
{
  for(size_t i = 0; i < g->n; i++)
    free(g->desc[i]);
  free(g->code);
  free(g->desc);
  memset(g, 0, sizeof *g);
}

/* A list of URLs, one per line, as `run -f` reads it: its first line that
 * is neither blank nor a '#' comment is a URL (or at least no CSV row). */
static bool looks_like_urls(const char *path)
{
  FILE *fp = fopen(path, "rb");
  char line[512];
  bool urls = false;
  if(!fp)
    return false;
  while(fgets(line, sizeof line, fp)) {
    const char *s = line + strspn(line, " \t\r\n");
    if(!*s || *s == '#')
      continue;
    urls = !strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8) ||
           !strchr(s, ',');
    break;
  }
  fclose(fp);
  return urls;
}

/* The kind of file at path from its first record; -1 if unreadable. */
static int detect(const char *path, enum kind *k)
{
  FILE *fp = fopen(path, "rb");
  struct prb_csv *r;
  int st;
  *k = K_UNKNOWN;
  if(!fp)
    return -1;
  r = prb_csv_open(fp, 0);
  if(!r) {
    fclose(fp);
    return -2;
  }
  st = prb_csv_read(r);
  if(st == PRB_CSV_ERROR) {
    prb_csv_close(r);
    fclose(fp);
    errno = EIO;
    return -1;
  }
  if(st == PRB_CSV_EOF)
    *k = K_EMPTY;
  if(st == PRB_CSV_RECORD) {
    const char *f0 = prb_csv_field(r, 0);
    if(prb_csvtable_header_is(r, testlist_cols, 6))
      *k = K_TESTLIST;
    else if(prb_csvtable_header_is(r, legend_cols, 4))
      *k = K_LEGEND;
    else if(strcmp(f0, "name") == 0)
      *k = K_FINGERPRINTS; /* its loader names a wrong column set */
    else if(strcmp(f0, "family") == 0)
      *k = K_CERTS;
  }
  if(*k == K_UNKNOWN && looks_like_urls(path))
    *k = K_URLS;
  prb_csv_close(r);
  fclose(fp);
  return 0;
}

static int code_ok(const char *s)
{
  size_t n = strlen(s);
  if(n < 2 || n >= PRB_CATEGORY_MAX)
    return 0;
  for(size_t i = 0; i < n; i++)
    if(!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= '0' && s[i] <= '9')))
      return 0;
  return 1;
}

/* The records of a list after its header line, as check_legend and
 * check_testlist read them: bad records and ones without n_fields fields
 * are reported and counted here, the rest are handed out. */
struct walk {
  FILE *fp;
  struct prb_csv *r;
  const char *path;
  size_t n_fields;
  int first;
  struct result *res;
  FILE *out;
};

/* 0 ready, or -1 with res marked (unreadable, or unusable when out of
 * memory). */
static int walk_open(struct walk *w, const char *path, size_t n_fields,
                     struct result *res, FILE *out)
{
  memset(w, 0, sizeof *w);
  w->fp = fopen(path, "rb");
  if(!w->fp) {
    res->unreadable = 1;
    return -1;
  }
  w->r = prb_csv_open(w->fp, 0);
  if(!w->r) {
    fclose(w->fp);
    res->unusable = 1;
    return -1;
  }
  w->path = path;
  w->n_fields = n_fields;
  w->first = 1;
  w->res = res;
  w->out = out;
  return 0;
}

/* 1 with the next good record in w->r (its line in *line), 0 at the end
 * or on a read error (res->unreadable). Every data record counts as a row. */
static int walk_next(struct walk *w, long *line)
{
  int st;
  while((st = prb_csv_read(w->r)) != PRB_CSV_EOF) {
    *line = prb_csv_line(w->r);
    if(st == PRB_CSV_ERROR) {
      w->res->unreadable = 1;
      return 0;
    }
    if(w->first) {
      w->first = 0;
      continue;
    }
    w->res->rows++;
    if(st == PRB_CSV_BAD) {
      fprintf(w->out, "%s:%ld: %s\n", w->path, *line, prb_csv_reason(w->r));
      w->res->bad++;
      continue;
    }
    if(prb_csv_nfields(w->r) != w->n_fields) {
      fprintf(w->out, "%s:%ld: expected %zu fields, got %zu\n", w->path,
              *line, w->n_fields, prb_csv_nfields(w->r));
      w->res->bad++;
      continue;
    }
    return 1;
  }
  return 0;
}

static void walk_close(struct walk *w)
{
  prb_csv_close(w->r);
  fclose(w->fp);
}

/* Checks and, when g is not NULL, loads a category legend. */
static void check_legend(const char *path, struct legend *g,
                         struct result *res, FILE *out)
{
  struct walk w;
  struct prb_csv *r;
  long line;
  if(walk_open(&w, path, 4, res, out) < 0)
    return;
  r = w.r;
  while(walk_next(&w, &line)) {
    const char *code = prb_csv_field(r, 1);
    if(!code_ok(code)) {
      fprintf(out, "%s:%ld: malformed category code\n", path, line);
      res->bad++;
      continue;
    }
    if(!g)
      continue;
    int dup = 0;
    for(size_t i = 0; i < g->n && !dup; i++)
      dup = strcmp(g->code[i], code) == 0;
    if(dup) {
      fprintf(out, "%s:%ld: duplicate category code %s\n", path, line, code);
      res->bad++;
      continue;
    }
    bool room = prb_array_reserve(&g->code, &g->cap_code, g->n + 1,
                                  sizeof *g->code, SIZE_MAX) &&
                prb_array_reserve(&g->desc, &g->cap_desc, g->n + 1,
                                  sizeof *g->desc, SIZE_MAX);
    char *d = malloc(prb_csv_field_len(r, 0) + 1);
    if(!room || !d) {
      free(d);
      res->unusable = 1;
      break;
    }
    memcpy(d, prb_csv_field(r, 0), prb_csv_field_len(r, 0) + 1);
    memcpy(g->code[g->n], code, strlen(code) + 1);
    g->desc[g->n] = d;
    g->n++;
  }
  if(g)
    g->loaded = g->n > 0;
  walk_close(&w);
}

static const char *legend_desc(const struct legend *g, const char *code)
{
  for(size_t i = 0; i < g->n; i++)
    if(strcmp(g->code[i], code) == 0)
      return g->desc[i];
  return NULL;
}

static int is_digit(int c)
{
  return c >= '0' && c <= '9';
}

/* "YYYY-MM-DD" with a plausible month and day. */
static int date_ok(const char *s)
{
  int m, d;
  if(strlen(s) != 10 || s[4] != '-' || s[7] != '-')
    return 0;
  for(int i = 0; i < 10; i++)
    if(i != 4 && i != 7 && !is_digit((unsigned char)s[i]))
      return 0;
  m = (s[5] - '0') * 10 + (s[6] - '0');
  d = (s[8] - '0') * 10 + (s[9] - '0');
  return m >= 1 && m <= 12 && d >= 1 && d <= 31;
}

static int has_non_ascii(const char *s)
{
  for(; *s; s++)
    if((unsigned char)*s >= 0x80)
      return 1;
  return 0;
}

static void check_testlist(const char *path, const struct legend *g,
                           struct result *res, FILE *out)
{
  struct walk w;
  struct prb_csv *r;
  struct prb_inputs seen;
  char **raw = NULL;            /* URL as written, per entry of seen */
  size_t n_raw_cap = 0;
  long line;
  if(walk_open(&w, path, 6, res, out) < 0)
    return;
  r = w.r;
  prb_inputs_init(&seen);
  while(walk_next(&w, &line)) {
    const char *url, *code, *desc, *why = NULL;
    char canon[PRB_URL_MAX], origin[32];
    const struct prb_input *dup;
    url = prb_csv_field(r, 0);
    code = prb_csv_field(r, 1);
    if(prb_url_canonical(url, canon, sizeof canon, &why) < 0) {
      fprintf(out, "%s:%ld: bad URL: %s\n", path, line, why);
      res->bad++;
      continue;
    }
    if(g->loaded) {
      desc = legend_desc(g, code);
      if(!desc) {
        fprintf(out, "%s:%ld: unknown category code \"%s\"\n", path, line,
                code_ok(code) ? code : "?");
        res->bad++;
        continue;
      }
      if(strcmp(desc, prb_csv_field(r, 2)) != 0) {
        fprintf(out, "%s:%ld: category_description does not match %s "
                "(\"%s\")\n", path, line, code, desc);
        res->bad++;
        continue;
      }
    } else if(!code_ok(code)) {
      fprintf(out, "%s:%ld: malformed category code\n", path, line);
      res->bad++;
      continue;
    }
    if(!date_ok(prb_csv_field(r, 3))) {
      fprintf(out, "%s:%ld: date_added is not YYYY-MM-DD\n", path, line);
      res->bad++;
      continue;
    }
    if(prb_csv_field_len(r, 4) == 0) {
      fprintf(out, "%s:%ld: no source\n", path, line);
      res->bad++;
      continue;
    }
    dup = prb_inputs_find(&seen, canon);
    if(dup) {
      /* Written the same: a mistake. Written differently (e.g. only a
       * fragment apart): legitimate in the source, measured once. */
      const char *first_raw = raw[dup - seen.items];
      if(strcmp(first_raw, url) == 0) {
        fprintf(out, "%s:%ld: duplicate URL %s (first on line %s)\n", path,
                line, url, dup->origin);
        res->bad++;
      } else {
        fprintf(out, "%s:%ld: note: same URL as line %s once normalised "
                "(%s), measured once\n", path, line, dup->origin, canon);
      }
      continue;
    }
    snprintf(origin, sizeof origin, "%ld", line);
    if(!prb_array_reserve(&raw, &n_raw_cap, seen.n + 1, sizeof *raw,
                          SIZE_MAX)) {
      res->unusable = 1;
      break;
    }
    raw[seen.n] = malloc(prb_csv_field_len(r, 0) + 1);
    if(!raw[seen.n] ||
       prb_inputs_add_url(&seen, canon, NULL, origin, NULL) < 0) {
      free(raw[seen.n]);
      res->unusable = 1; /* out of memory or past the run cap */
      fprintf(out, "%s:%ld: list too long to check further\n", path, line);
      break;
    }
    memcpy(raw[seen.n - 1], url, prb_csv_field_len(r, 0) + 1);
    if(has_non_ascii(url))
      fprintf(out, "%s:%ld: note: Unicode in URL, measured as %s\n", path,
              line, canon);
  }
  for(size_t i = 0; i < seen.n; i++)
    free(raw[i]);
  free(raw);
  prb_inputs_free(&seen);
  walk_close(&w);
}

/* Every line as `run -f` reads it: bad ones named with FILE:LINE. */
static void check_urls(const char *path, struct result *res, FILE *out)
{
  struct prb_inputs in;
  prb_inputs_init(&in);
  int rc = prb_inputs_add_file(&in, path, out);
  res->rows = in.n + in.n_bad + in.n_dup;
  res->bad = in.n_bad;
  if(rc == PRB_LOAD_EREAD)
    res->unreadable = 1;
  else if(rc != PRB_LOAD_OK)
    res->unusable = 1;
  else if(!in.n) {
    fprintf(out, "%s: no URL to measure\n", path);
    res->unusable = 1;
  }
  prb_inputs_free(&in);
}

static void check_fingerprints(const char *path, struct result *res,
                               FILE *out)
{
  struct prb_fpset s;
  int rc;
  prb_fp_init(&s);
  rc = prb_fp_load(&s, path, out, &res->bad);
  res->rows = s.n + res->bad;
  if(rc == PRB_LOAD_EREAD)
    res->unreadable = 1;
  else if(rc != PRB_LOAD_OK)
    res->unusable = 1;
  prb_fp_free(&s);
}

static void check_certs(const char *path, struct result *res, FILE *out)
{
  struct prb_certlist l;
  int rc;
  prb_certlist_init(&l);
  rc = prb_certlist_load(&l, path, out, &res->bad);
  res->rows = l.n + res->bad;
  if(rc == PRB_LOAD_EREAD)
    res->unreadable = 1;
  else if(rc != PRB_LOAD_OK)
    res->unusable = 1;
  prb_certlist_free(&l);
}

/* Loads the legend at path into g without a word: its problems are
 * reported when it is checked as a file of its own. */
static void load_legend(const char *path, struct legend *g)
{
  struct result ignore;
  FILE *devnull = fopen("/dev/null", "w");
  if(!devnull)
    return;
  memset(&ignore, 0, sizeof ignore);
  check_legend(path, g, &ignore, devnull);
  fclose(devnull);
}

/* A legend for test lists: the sibling of path, else the shipped one
 * (found where the probe finds every list: prb_datafile). */
static void find_legend(const char *path, struct legend *g)
{
  char cand[4096];
  const char *slash = strrchr(path, '/');
  int n = slash ? (int)(slash - path) + 1 : 0;
  snprintf(cand, sizeof cand, "%.*scategory-codes.csv", n, path);
  load_legend(cand, g);
  if(!g->loaded && prb_datafile("category-codes.csv", cand, sizeof(cand))) {
    legend_free(g);
    load_legend(cand, g);
  }
}

static void usage(FILE *out)
{
  fputs("usage: accessprobe lists check FILE...\n"
        "Validates test lists (Citizen Lab CSV, or one URL per line as run "
        "-f reads\nthem), blocking fingerprints, interception certificates "
        "and the category\nlegend; prints FILE:LINE: reason for every "
        "problem.\nExit status: 0 all usable, 7 bad rows, 3 a file "
        "cannot be read.\n", out);
}

enum prb_exit prb_lists_main(int argc, char **argv)
{
  struct legend given, found;
  int first_file = 1, status = PRB_EXIT_OK, nfiles = 0;
  FILE *out = stdout;

  memset(&given, 0, sizeof given);
  memset(&found, 0, sizeof found);
  /* Called as ("lists", "check", FILE...) from main, or ("check", FILE...)
   * by a driver. */
  int start = 1;
  if(argc > 0 && strcmp(argv[0], "lists") == 0) {
    if(argc < 2 || strcmp(argv[1], "check") != 0) {
      usage(stderr);
      return PRB_EXIT_USAGE;
    }
    start = 2;
  }
  first_file = start;
  for(int i = start; i < argc; i++) {
    if(strcmp(argv[i], "--") == 0) {
      first_file = i + 1;
      break;
    }
    if(strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      usage(stdout);
      return PRB_EXIT_OK;
    }
    if(argv[i][0] == '-' && argv[i][1] != '\0') {
      fprintf(stderr, "accessprobe lists check: unknown option %s\n",
              argv[i]);
      usage(stderr);
      return PRB_EXIT_USAGE;
    }
    first_file = i;
    break;
  }
  if(first_file >= argc) {
    usage(stderr);
    return PRB_EXIT_USAGE;
  }

  /* A legend among the arguments applies to every list checked. */
  for(int i = first_file; i < argc; i++) {
    enum kind k;
    if(given.loaded || detect(argv[i], &k) != 0 || k != K_LEGEND)
      continue;
    load_legend(argv[i], &given);
  }

  for(int i = first_file; i < argc; i++) {
    const char *path = argv[i];
    struct result res;
    enum kind k;
    int d = detect(path, &k);
    memset(&res, 0, sizeof res);
    nfiles++;
    if(d == -1) {
      fprintf(out, "%s: cannot read: %s\n", path, strerror(errno));
      status = PRB_EXIT_INPUT;
      continue;
    }
    if(d < 0) {
      fprintf(out, "%s: out of memory\n", path);
      legend_free(&given);
      return PRB_EXIT_INTERNAL;
    }
    switch(k) {
    case K_TESTLIST:
      if(!given.loaded && !found.loaded)
        find_legend(path, &found);
      if(!given.loaded && !found.loaded)
        fprintf(out, "%s: note: no category legend found, codes checked for "
                "shape only\n", path);
      check_testlist(path, given.loaded ? &given : &found, &res, out);
      break;
    case K_LEGEND:
      check_legend(path, NULL, &res, out);
      break;
    case K_FINGERPRINTS:
      check_fingerprints(path, &res, out);
      break;
    case K_CERTS:
      check_certs(path, &res, out);
      break;
    case K_URLS:
      check_urls(path, &res, out);
      break;
    case K_EMPTY:
      fprintf(out, "%s:1: empty file\n", path);
      res.unusable = 1;
      break;
    case K_UNKNOWN:
      fprintf(out, "%s:1: unknown columns: not a test list, fingerprint, "
              "interception-certificate or category file, nor one URL per "
              "line\n", path);
      res.unusable = 1;
      break;
    }
    if(res.unreadable) {
      fprintf(out, "%s: cannot read\n", path);
      status = PRB_EXIT_INPUT;
    } else if(res.unusable || res.bad) {
      fprintf(out, "%s: %zu of %zu rows bad%s\n", path, res.bad, res.rows,
              res.unusable ? ", file not usable" : "");
      if(status == PRB_EXIT_OK)
        status = PRB_EXIT_LISTS;
    } else {
      fprintf(out, "%s: ok, %zu rows\n", path, res.rows);
    }
  }
  legend_free(&given);
  legend_free(&found);
  (void)nfiles;
  return status;
}
