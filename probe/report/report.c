/* report.c: `accessprobe report`: options, walking the inputs, exit status.
 * Counting lives in report_count.c, output in report_fmt_*.c. */
#include "report/report.h"
#include "common/errors.h"
#include "report/report_count.h"
#include "report/report_db.h"
#include "report/report_fmt.h"
#include "report/report_input.h"
#include "report/report_names.h"
#include "report/report_read.h"
#include "report/report_scan.h"
#include "common/clock.h"
#include "common/buf.h"
#include "common/textclean.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

enum fmt { FMT_MD, FMT_CSV, FMT_JSON, FMT_HTML };

struct ctx {
  struct prb_rep *rep;
  struct prb_rep_input *input;
  int unreadable;
  int oom;
  bool stats;
  uint64_t bytes, lines;
};

static void usage(FILE *f)
{
  fprintf(f,
"Usage: accessprobe report [options] FILE|DIR...\n"
"       accessprobe report [options] --db URL [FILE|DIR...]\n"
"\n"
"Access counts for a period from JSON Lines records (accessprobe's or OONI\n"
"Probe's web_connectivity), plain or gzip-compressed. A DIR is searched\n"
"for *.jsonl, *.jsonl.gz, *.json and *.json.gz; '-' reads standard input.\n"
"\n"
"  -o, --output FILE      write the report to FILE (default: standard output)\n"
"  -F, --format FMT       md (default), csv, json or html\n"
"  -l, --lang LANG        en (default), ru or kk: language of md and html\n"
"      --title TEXT       the title of md and html (default: \"Access to\n"
"                         media websites\" in the report's language)\n"
"      --from YYYY-MM-DD  first day counted (UTC)\n"
"      --to YYYY-MM-DD    last day counted (UTC)\n"
"      --month YYYY-MM    the days of one month\n"
"                         (with --month or --from/--to, md and html compare\n"
"                         with the month, or as many days, before, when\n"
"                         the inputs hold records for it)\n"
"      --cc CC[,CC...]    only these probe countries\n"
"      --asn ASN[,...]    only these networks (AS9198 or 9198)\n"
"      --category C[,...] only these Citizen Lab categories (x_category_code)\n"
"      --network-names FILE  names for networks (CSV: asn,name), over the\n"
"                         names the records and the control give\n"
"      --min-blocked N    blocked measurements a day needs unless one is\n"
"                         confirmed (default 2)\n"
"      --max-refs N       measurements listed per site and network in the\n"
"                         JSON output (default %d; all are counted)\n"
"      --db URL           also count the records of the collector's PostgreSQL\n"
"                         database (postgresql://...); FILE|DIR may then be\n"
"                         left out\n"
"      --stats            print lines, bytes and MB/s read on standard error\n"
"  -h, --help             this text\n"
"\n"
"A site is the URL's host, lower-cased, without \"www.\". A site is blocked on\n"
"a network on a day when a strict majority of that day's conclusive\n"
"measurements there say blocked (see results/README.md). A volunteer's\n"
"state folder is read under its results/ only.\n"
"\n"
"Malformed lines are named on standard error (FILE:LINE: reason) and\n"
"skipped. Exit status: 0 done, 1 out of memory, 2 usage error, 3 an input\n"
"could not be opened or read to its end (the others are still counted and\n"
"the report written), 4 the output could not be written.\n",
          PRB_REP_REFS_DEFAULT);
}

static bool parse_uint(const char *s, unsigned long max, unsigned long *out)
{
  if(!s[0] || strspn(s, "0123456789") != strlen(s) || strlen(s) > 9)
    return false;
  unsigned long v = 0;
  for(const char *p = s; *p; p++)
    v = v * 10 + (unsigned long)(*p - '0');
  if(v > max)
    return false;
  *out = v;
  return true;
}

static bool parse_date(const char *s, int32_t *day)
{
  char buf[24];
  if(strlen(s) != 10)
    return false;
  snprintf(buf, sizeof(buf), "%s 00:00:00", s);
  return prb_scan_day(buf, day);
}

static bool parse_month(const char *s, int32_t *from, int32_t *to)
{
  static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  unsigned long y, m;
  char ys[5], ms[3];
  if(strlen(s) != 7 || s[4] != '-')
    return false;
  memcpy(ys, s, 4);
  ys[4] = '\0';
  memcpy(ms, s + 5, 2);
  ms[2] = '\0';
  if(!parse_uint(ys, 9999, &y) || !parse_uint(ms, 12, &m) || y < 1970 ||
     m < 1)
    return false;
  int last = mdays[m - 1];
  if(m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    last = 29;
  *from = prb_scan_days_from_civil((int)y, (int)m, 1);
  *to = prb_scan_days_from_civil((int)y, (int)m, last);
  return true;
}

/* Splits a comma list in place into list (at most PRB_REP_FILTER_MAX).
 * With store, values are AS numbers, written there as "AS<digits>". */
static bool split_list(char *s, const char **list, size_t *n,
                       char (*store)[24])
{
  char *p = s;
  while(*p) {
    char *comma = strchr(p, ',');
    if(comma)
      *comma = '\0';
    if(*p) {
      if(*n >= PRB_REP_FILTER_MAX)
        return false;
      if(store) {
        const char *digits = p;
        if((p[0] == 'A' || p[0] == 'a') && (p[1] == 'S' || p[1] == 's'))
          digits = p + 2;
        size_t dl = strlen(digits);
        if(!dl || dl > 12 || strspn(digits, "0123456789") != dl)
          return false;
        snprintf(store[*n], sizeof(store[*n]), "AS%s", digits);
        list[*n] = store[*n];
        (*n)++;
      } else {
        list[(*n)++] = p;
      }
    }
    if(!comma)
      break;
    p = comma + 1;
  }
  return true;
}

static const char *skip_reason_too_long(void)
{
  return "line longer than 16 MiB: skipped";
}

/* Counts the lines of path, or with db (path: its name) the rows of the
 * collector's database, which are lines of the same records. */
static void read_file(struct ctx *c, const char *path, struct prb_dbrows *db)
{
  const char *err = NULL;
  struct prb_lines *in = db ? NULL : prb_lines_open(path, 0, &err);
  if(!in && !db) {
    fprintf(stderr, "accessprobe report: %s: %s: %s\n", path, err,
            strerror(errno));
    prb_rep_note(c->rep, 0, 0, 0, true);
    c->unreadable = 1;
    return;
  }
  uint32_t file = prb_rep_file(c->rep, path);
  if(file == UINT32_MAX) {
    c->oom = 1;
    prb_lines_close(in);
    prb_dbrows_close(db);
    return;
  }
  const char *line;
  size_t len;
  uint64_t lineno = 0, other = 0;
  bool broken = false;
  for(;;) {
    enum prb_lines_status st = db ? prb_dbrows_next(db, &line, &len, &lineno)
                               : prb_lines_next(in, &line, &len, &lineno);
    if(st == PRB_LINES_EOF)
      break;
    if(st == PRB_LINES_ERROR) {
      const char *why = db ? prb_dbrows_error(db) : prb_lines_error(in);
      if(!db && prb_lines_error_at_end(in))
        fprintf(stderr, "accessprobe report: %s: %s\n", path, why);
      else
        fprintf(stderr, "accessprobe report: %s: %s after line %llu\n",
                path, why, (unsigned long long)lineno);
      broken = true;
      break;
    }
    if(st == PRB_LINES_TOO_LONG) {
      fprintf(stderr, "%s:%llu: %s\n", path, (unsigned long long)lineno,
              skip_reason_too_long());
      prb_rep_skip(c->rep, file, lineno, skip_reason_too_long());
      continue;
    }
    /* Blank lines (a trailing "\n\n", CRLF leftovers) are not records. */
    if(len == 0 || (len == 1 && line[0] == '\r'))
      continue;
    const char *why;
    switch(prb_rep_input_line(c->input, line, len, file, lineno, &why)) {
    case PRB_SCAN_OK:
      break;
    case -1:
      c->oom = 1;
      broken = true;
      break;
    case PRB_SCAN_OTHER_TEST:
      other++;
      break;
    default:
      fprintf(stderr, "%s:%llu: %s\n", path, (unsigned long long)lineno, why);
      prb_rep_skip(c->rep, file, lineno, why);
      break;
    }
    if(c->oom)
      break;
  }
  uint64_t bytes = db ? prb_dbrows_bytes(db) : prb_lines_bytes(in);
  c->bytes += bytes;
  c->lines += lineno;
  prb_rep_note(c->rep, lineno, bytes, other, broken);
  if(broken)
    c->unreadable = 1;
  prb_lines_close(in);
  prb_dbrows_close(db);
}

static void read_db(struct ctx *c, const char *conninfo)
{
  char why[1024];
  struct prb_dbrows *db = prb_dbrows_open(conninfo, why, sizeof(why));
  if(!db) {
    fprintf(stderr, "accessprobe report: %s\n", why);
    prb_rep_note(c->rep, 0, 0, 0, true);
    c->unreadable = 1;
    return;
  }
  read_file(c, prb_dbrows_name(db), db);
}

static int read_one(void *ctx, const char *path)
{
  struct ctx *c = ctx;
  read_file(c, path, NULL);
  return c->oom;
}

enum {
  OPT_FROM = 256, OPT_TO, OPT_MONTH, OPT_CC, OPT_ASN, OPT_CAT, OPT_MIN,
  OPT_REFS, OPT_STATS, OPT_TITLE, OPT_NAMES, OPT_DB
};

#define TITLE_MAX 200   /* bytes */

/* The month of day ("YYYY-MM") into *from and *to. */
static void month_of(int32_t day, int32_t *from, int32_t *to)
{
  char iso[16];
  prb_scan_day_str(day, iso, sizeof(iso));
  iso[7] = '\0';
  if(!parse_month(iso, from, to))
    *from = *to = day;
}

/* The period before o's: the month before when o's is a whole month,
 * else as many days just before. */
static void previous_period(const struct prb_rep_opts *o,
                            struct prb_rep_opts *prev)
{
  int32_t mfrom, mto;
  *prev = *o;
  prev->max_refs = 1;       /* its figures are shown, never its evidence */
  month_of(o->from, &mfrom, &mto);
  if(mfrom == o->from && mto == o->to) {
    month_of(o->from - 1, &prev->from, &prev->to);
  } else {
    prev->to = o->from - 1;
    prev->from = o->from - (o->to - o->from + 1);
  }
}

/* The previous period's report, fed by the same pass, when there is a
 * period to compare. 0, or -1 when out of memory. */
static int start_previous(struct ctx *c, const struct prb_rep_opts *o,
                          struct prb_rep_opts *prev_opts,
                          struct prb_rep **prev)
{
  *prev = NULL;
  if(!o->period_set || o->from < 1)
    return 0;
  previous_period(o, prev_opts);
  *prev = prb_rep_new(prev_opts);
  if(!*prev)
    return -1;
  prb_rep_input_also(c->input, *prev);
  return 0;
}

enum prb_exit prb_report_main(int argc, char **argv)
{
  static const struct option longopts[] = {
    {"output", required_argument, NULL, 'o'},
    {"format", required_argument, NULL, 'F'},
    {"lang", required_argument, NULL, 'l'},
    {"from", required_argument, NULL, OPT_FROM},
    {"to", required_argument, NULL, OPT_TO},
    {"month", required_argument, NULL, OPT_MONTH},
    {"cc", required_argument, NULL, OPT_CC},
    {"asn", required_argument, NULL, OPT_ASN},
    {"category", required_argument, NULL, OPT_CAT},
    {"min-blocked", required_argument, NULL, OPT_MIN},
    {"max-refs", required_argument, NULL, OPT_REFS},
    {"stats", no_argument, NULL, OPT_STATS},
    {"db", required_argument, NULL, OPT_DB},
    {"title", required_argument, NULL, OPT_TITLE},
    {"network-names", required_argument, NULL, OPT_NAMES},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  struct prb_rep_opts o;
  memset(&o, 0, sizeof(o));
  o.from = INT32_MIN;
  o.to = INT32_MAX;
  const char *out_path = NULL, *db = NULL;
  enum fmt fmt = FMT_MD;
  enum prb_lang lang = PRB_LANG_EN;
  bool stats = false;
  const char *title = NULL, *names_path = NULL;
  static char asn_store[PRB_REP_FILTER_MAX][24];
  unsigned long v;
  int ch;
  optind = 1;
  opterr = 0;
  while((ch = getopt_long(argc, argv, "o:F:l:h", longopts, NULL)) != -1) {
    switch(ch) {
    case 'o': out_path = optarg; break;
    case 'F':
      if(!strcmp(optarg, "md")) fmt = FMT_MD;
      else if(!strcmp(optarg, "csv")) fmt = FMT_CSV;
      else if(!strcmp(optarg, "json")) fmt = FMT_JSON;
      else if(!strcmp(optarg, "html")) fmt = FMT_HTML;
      else {
        fprintf(stderr, "accessprobe report: --format: md, csv, json or "
                "html, not \"%s\"\n", optarg);
        return PRB_EXIT_USAGE;
      }
      break;
    case 'l':
      if(prb_i18n_lang(optarg, &lang)) {
        fprintf(stderr, "accessprobe report: --lang: en, ru or kk, not "
                "\"%s\"\n", optarg);
        return PRB_EXIT_USAGE;
      }
      break;
    case OPT_FROM:
    case OPT_TO: {
      int32_t d;
      if(!parse_date(optarg, &d)) {
        fprintf(stderr, "accessprobe report: %s wants YYYY-MM-DD, not "
                "\"%s\"\n", ch == OPT_FROM ? "--from" : "--to", optarg);
        return PRB_EXIT_USAGE;
      }
      if(ch == OPT_FROM)
        o.from = d;
      else
        o.to = d;
      break;
    }
    case OPT_MONTH:
      if(!parse_month(optarg, &o.from, &o.to)) {
        fprintf(stderr, "accessprobe report: --month wants YYYY-MM, not "
                "\"%s\"\n", optarg);
        return PRB_EXIT_USAGE;
      }
      break;
    case OPT_TITLE:
      if(strlen(optarg) > TITLE_MAX ||
         !prb_utf8_valid(optarg, strlen(optarg))) {
        fprintf(stderr, "accessprobe report: --title wants at most %d bytes "
                "of UTF-8\n", TITLE_MAX);
        return PRB_EXIT_USAGE;
      }
      title = optarg;
      break;
    case OPT_NAMES: names_path = optarg; break;
    case OPT_CC:
      if(!split_list(optarg, o.cc, &o.n_cc, NULL)) {
        fprintf(stderr, "accessprobe report: --cc: at most %d values\n",
                PRB_REP_FILTER_MAX);
        return PRB_EXIT_USAGE;
      }
      break;
    case OPT_ASN:
      if(!split_list(optarg, o.asn, &o.n_asn, asn_store)) {
        fprintf(stderr, "accessprobe report: --asn wants AS<digits>[,...] "
                "(at most %d), not \"%s\"\n", PRB_REP_FILTER_MAX, optarg);
        return PRB_EXIT_USAGE;
      }
      break;
    case OPT_CAT:
      if(!split_list(optarg, o.cat, &o.n_cat, NULL)) {
        fprintf(stderr, "accessprobe report: --category: at most %d values\n",
                PRB_REP_FILTER_MAX);
        return PRB_EXIT_USAGE;
      }
      break;
    case OPT_MIN:
    case OPT_REFS:
      if(!parse_uint(optarg, ch == OPT_MIN ? 1000 : 100000, &v) || !v) {
        fprintf(stderr, "accessprobe report: %s wants a number from 1 to "
                "%d\n", ch == OPT_MIN ? "--min-blocked" : "--max-refs",
                ch == OPT_MIN ? 1000 : 100000);
        return PRB_EXIT_USAGE;
      }
      if(ch == OPT_MIN)
        o.min_blocked = (unsigned)v;
      else
        o.max_refs = (unsigned)v;
      break;
    case OPT_STATS: stats = true; break;
    case OPT_DB: db = optarg; break;
    case 'h':
      usage(stdout);
      return PRB_EXIT_OK;
    default:
      fprintf(stderr, "accessprobe report: unknown or incomplete option "
              "\"%s\"\n", argv[optind - 1]);
      usage(stderr);
      return PRB_EXIT_USAGE;
    }
  }
  if(optind >= argc && !db) {
    fprintf(stderr, "accessprobe report: no FILE or DIR given (nor --db)\n");
    usage(stderr);
    return PRB_EXIT_USAGE;
  }
  if(o.from > o.to) {
    fprintf(stderr, "accessprobe report: --from is after --to\n");
    return PRB_EXIT_USAGE;
  }
  o.period_set = o.from != INT32_MIN && o.to != INT32_MAX;
  struct prb_rep_names *names = prb_rep_names_new();
  const char *why = "out of memory";
  if(!names || (names_path &&
                prb_rep_names_load(names, names_path, stderr, &why))) {
    fprintf(stderr, "accessprobe report: --network-names %s: %s\n",
            names_path ? names_path : "", why);
    prb_rep_names_free(names);
    return names ? PRB_EXIT_USAGE : PRB_EXIT_INTERNAL;
  }
  /* Open the output first: no point reading a year of data for nothing. */
  FILE *out = stdout;
  if(out_path && strcmp(out_path, "-")) {
    out = fopen(out_path, "w");
    if(!out) {
      fprintf(stderr, "accessprobe report: %s: %s\n", out_path,
              strerror(errno));
      prb_rep_names_free(names);
      return PRB_EXIT_OUTPUT;
    }
  }
  struct ctx c;
  struct prb_rep_opts prev_opts;
  struct prb_rep *prev = NULL;
  memset(&c, 0, sizeof(c));
  c.rep = prb_rep_new(&o);
  c.input = c.rep ? prb_rep_input_new(c.rep, stderr) : NULL;
  if(c.input)
    prb_rep_input_names(c.input, names);
  if(!c.input || start_previous(&c, &o, &prev_opts, &prev)) {
    prb_rep_input_free(c.input);
    prb_rep_free(c.rep);
    prb_rep_names_free(names);
    if(out != stdout)
      fclose(out);
    return PRB_EXIT_INTERNAL;
  }
  double t0 = prb_now();
  for(int i = optind; i < argc && !c.oom; i++) {
    int w = prb_lines_walk(argv[i], "accessprobe report", read_one, &c);
    if(w < 0)
      c.oom = 1;
    else if(w)
      c.unreadable = 1;
  }
  if(db && !c.oom)
    read_db(&c, db);
  double t1 = prb_now();
  int rc = PRB_EXIT_OK;
  if(c.oom || prb_rep_finish(c.rep) || (prev && prb_rep_finish(prev)) ||
     prb_rep_names_apply(names, c.rep) ||
     (prev && prb_rep_names_apply(names, prev))) {
    fprintf(stderr, "accessprobe report: out of memory\n");
    rc = PRB_EXIT_INTERNAL;
  } else {
    /* the previous period is compared only when it was measured */
    if(prev && !prb_rep_totals(prev)->measured.sites) {
      prb_rep_free(prev);
      prev = NULL;
    }
    struct prb_report_view view = {lang, title, prev};
    int f;
    switch(fmt) {
    case FMT_CSV: f = prb_report_fmt_csv(c.rep, out); break;
    case FMT_JSON: f = prb_report_fmt_json(c.rep, prev, out); break;
    case FMT_HTML: f = prb_report_fmt_html(c.rep, &view, out); break;
    default: f = prb_report_fmt_md(c.rep, &view, out); break;
    }
    if(f) {
      fprintf(stderr, "accessprobe report: out of memory\n");
      rc = PRB_EXIT_INTERNAL;
    }
  }
  int werr = fflush(out) != 0 || ferror(out);
  if(out != stdout && fclose(out))
    werr = 1;
  if(werr) {
    fprintf(stderr, "accessprobe report: %s: write failed\n",
            out_path ? out_path : "standard output");
    rc = PRB_EXIT_OUTPUT;
  }
  if(stats) {
    double secs = t1 - t0 > 1e-9 ? t1 - t0 : 1e-9;
    fprintf(stderr, "accessprobe report: %llu lines, %.1f MB in %.3f s: "
            "%.1f MB/s\n", (unsigned long long)c.lines,
            (double)c.bytes / 1e6, secs, (double)c.bytes / 1e6 / secs);
  }
  if(rc == PRB_EXIT_OK && c.unreadable)
    rc = PRB_EXIT_INPUT;
  prb_rep_input_free(c.input);
  prb_rep_free(c.rep);
  prb_rep_free(prev);
  prb_rep_names_free(names);
  return rc;
}
