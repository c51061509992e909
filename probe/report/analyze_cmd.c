/* analyze_cmd.c: `accessprobe analyze`: records judged again, written
 * back with a new x_analysis, and a summary of what changed.
 *
 * Each line is indexed once (common/jtape.h), judged by the classifier
 * (analysis/reanalyze.h) and written out as it came, but for test_keys:
 * its members are copied as they were, without x_analysis and
 * x_analysis_previous, then the new x_analysis and the one it replaces
 * (as x_analysis_previous) follow. Nothing else of the record changes, so
 * the work per record is one pass over its bytes plus the judging. Lines
 * that are not web_connectivity records go through untouched (malformed
 * ones are named on standard error), so no line is lost. */
#include "report/analyze_cmd.h"
#include "analysis/reanalyze.h"
#include "common/clock.h"
#include "common/jtape.h"
#include "report/report_read.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROG "accessprobe analyze"

/* OONI's own verdict keys, read as OONI's pipeline reads them. */
enum ooni_says { O_BLOCKED, O_OK, O_DOWN, O_NONE, O_COUNT };
static const char *const ooni_names[O_COUNT] = {"blocked", "ok", "down",
                                                "none"};

struct tally {
  uint64_t lines, bytes, records, malformed, other, too_long, untouched;
  uint64_t verdict[PRB_VERDICT_COUNT], method[PRB_METHOD_COUNT];
  uint64_t confirmed, failed;
  uint64_t ooni[O_COUNT][PRB_VERDICT_COUNT];
  uint64_t had_previous, prev[PRB_VERDICT_COUNT][PRB_VERDICT_COUNT];
};

struct an {
  FILE *out;
  struct prb_evidence ev;
  struct prb_jtape tape;
  struct prb_recobs *scratch;
  struct tally t;
  int unreadable, oom, wfail;
};

static void usage(FILE *f)
{
  fprintf(f,
"Usage: accessprobe analyze [options] FILE|DIR...\n"
"\n"
"Judges web_connectivity records again (accessprobe's, or OONI Probe's of\n"
"any version, plain or gzip-compressed) with accessprobe's classifier and\n"
"evidence lists, and writes them back out as JSON Lines: each record as it\n"
"was, with test_keys.x_analysis added or replaced (the one replaced kept as\n"
"x_analysis_previous). x_analysis.not_judged says what the record could\n"
"not show (a decoy-SNI handshake, certificate verification text, the\n"
"probe's canary state). Other lines are written unchanged. A DIR is\n"
"searched for *.jsonl, *.jsonl.gz, *.json and *.json.gz; '-' reads\n"
"standard input.\n"
"\n"
"  -o, --output FILE    write the records to FILE (default: standard output)\n"
"      --summary FILE   write the summary as JSON to FILE\n"
"  -q, --quiet          no summary on standard error\n"
"  -h, --help           this text\n"
"\n"
"The summary counts the verdicts, compares them with OONI's own keys\n"
"(blocking, accessible) and with the x_analysis each record had, and says\n"
"how fast the records were read. Malformed lines are named on standard\n"
"error (FILE:LINE: reason) and written unchanged. Exit status: 0 done,\n"
"1 out of memory, 2 usage error, 3 an input could not be read to its end,\n"
"4 the output could not be written.\n");
}

static enum ooni_says ooni_says(const struct prb_jtape *tp, size_t tk)
{
  size_t b = prb_jt_get(tp, tk, "blocking");
  size_t a = prb_jt_get(tp, tk, "accessible");
  if(prb_jt_type(tp, b) == PRB_JT_STRING && b != PRB_JT_NONE)
    return O_BLOCKED;
  if(b == PRB_JT_NONE || prb_jt_type(tp, b) != PRB_JT_FALSE)
    return O_NONE;
  if(a != PRB_JT_NONE && prb_jt_type(tp, a) == PRB_JT_TRUE)
    return O_OK;
  if(a != PRB_JT_NONE && prb_jt_type(tp, a) == PRB_JT_FALSE)
    return O_DOWN;
  return O_NONE;
}

static void put(struct an *a, const char *p, size_t n)
{
  if(n && fwrite(p, 1, n, a->out) != n)
    a->wfail = 1;
}

static void put_span(struct an *a, const struct prb_jtape *tp, size_t from,
                     size_t to)
{
  put(a, tp->text + from, to - from);
}

/* The record with test_keys rebuilt around the new x_analysis. */
static void emit(struct an *a, const struct prb_jtape *tp, size_t tk,
                 const char *fresh, size_t old, size_t older)
{
  const struct prb_jtok *t = tp->t;
  bool first = true;
  put_span(a, tp, 0, t[tk].start);
  put(a, "{", 1);
  for(size_t k = prb_jt_child(tp, tk); k != PRB_JT_NONE;
      k = prb_jt_next(tp, tk, k + 1)) {
    if(k + 1 == old || k + 1 == older)
      continue;
    if(!first)
      put(a, ",", 1);
    put_span(a, tp, t[k].start, t[k + 1].end);
    first = false;
  }
  if(!first)
    put(a, ",", 1);
  put(a, "\"x_analysis\":", 13);
  put(a, fresh, strlen(fresh));
  size_t prev = old != PRB_JT_NONE ? old : older;
  if(prev != PRB_JT_NONE) {
    put(a, ",\"x_analysis_previous\":", 23);
    put_span(a, tp, t[prev].start, t[prev].end);
  }
  put(a, "}", 1);
  put_span(a, tp, t[tk].end, tp->len);
  put(a, "\n", 1);
}

static void count(struct an *a, const struct prb_jtape *tp, size_t tk,
                  size_t old, const struct prb_reanalysis *ra)
{
  const struct prb_analysis *x = &ra->c.x_analysis;
  struct tally *t = &a->t;
  t->verdict[x->verdict]++;
  if(x->verdict == PRB_VERDICT_BLOCKED) {
    t->method[x->method]++;
    t->confirmed += x->confirmed;
  }
  t->failed += ra->failed;
  t->ooni[ooni_says(tp, tk)][x->verdict]++;
  if(old != PRB_JT_NONE) {
    char v[24];
    enum prb_verdict pv;
    prb_jt_str(tp, prb_jt_get(tp, old, "verdict"), v, sizeof(v), NULL);
    if(prb_verdict_parse(v, &pv)) {
      t->had_previous++;
      t->prev[pv][x->verdict]++;
    }
  }
}

/* One line; -1 when out of memory. */
static int one(struct an *a, const char *line, size_t len, const char *path,
               uint64_t lineno)
{
  struct prb_jtape *tp = &a->tape;
  struct prb_reanalysis ra;
  if(prb_jtape_parse(tp, line, len) ||
     prb_jt_type(tp, 0) != PRB_JT_OBJECT) {
    if(tp->err && !strcmp(tp->err, "out of memory"))
      return -1;
    fprintf(stderr, "%s:%llu: %s\n", path, (unsigned long long)lineno,
            tp->err ? tp->err : "not a JSON object");
    a->t.malformed++;
    put(a, line, len);
    put(a, "\n", 1);
    return 0;
  }
  if(!prb_jt_str_is(tp, prb_jt_get(tp, 0, "test_name"), "web_connectivity")) {
    a->t.other++;
    put(a, line, len);
    put(a, "\n", 1);
    return 0;
  }
  a->t.records++;
  if(prb_reanalyze(&a->ev, tp, 0, a->scratch, &ra))
    return -1;
  size_t tk = prb_jt_get(tp, 0, "test_keys");
  size_t old = prb_jt_get(tp, tk, "x_analysis");
  size_t older = prb_jt_get(tp, tk, "x_analysis_previous");
  if(prb_jt_type(tp, old) != PRB_JT_OBJECT)
    old = PRB_JT_NONE;
  count(a, tp, tk, old, &ra);
  /* test_keys null: nothing measured, nothing to add it to */
  if(prb_jt_type(tp, tk) != PRB_JT_OBJECT || tk == PRB_JT_NONE) {
    a->t.untouched++;
    put(a, line, len);
    put(a, "\n", 1);
    return 0;
  }
  json_t *x = prb_reanalysis_json(&ra);
  char *fresh = x ? json_dumps(x, JSON_COMPACT | JSON_SORT_KEYS) : NULL;
  json_decref(x);
  if(!fresh)
    return -1;
  emit(a, tp, tk, fresh, old, older);
  free(fresh);
  return 0;
}

static int read_one(void *ctx, const char *path)
{
  struct an *a = ctx;
  const char *err = NULL;
  struct prb_lines *in = prb_lines_open(path, 0, &err);
  if(!in) {
    fprintf(stderr, PROG ": %s: %s: %s\n", path, err, strerror(errno));
    a->unreadable = 1;
    return 0;
  }
  const char *line;
  size_t len;
  uint64_t lineno = 0;
  for(;;) {
    enum prb_lines_status st = prb_lines_next(in, &line, &len, &lineno);
    if(st == PRB_LINES_EOF)
      break;
    if(st == PRB_LINES_ERROR) {
      fprintf(stderr, PROG ": %s: %s after line %llu\n", path,
              prb_lines_error(in), (unsigned long long)lineno);
      a->unreadable = 1;
      break;
    }
    if(st == PRB_LINES_TOO_LONG) {
      /* not kept in memory, so it cannot be passed on: named */
      fprintf(stderr, "%s:%llu: line longer than 16 MiB: left out\n", path,
              (unsigned long long)lineno);
      a->t.too_long++;
      continue;
    }
    if(len == 0 || (len == 1 && line[0] == '\r')) {
      put(a, "\n", 1);
      continue;
    }
    if(one(a, line, len, path, lineno)) {
      a->oom = 1;
      break;
    }
  }
  a->t.lines += lineno;
  a->t.bytes += prb_lines_bytes(in);
  prb_lines_close(in);
  return a->oom || a->wfail;
}

/* ---- the summary --------------------------------------------------------- */

static json_t *verdicts_json(const uint64_t *v)
{
  json_t *o = json_object();
  for(int i = 0; o && i < PRB_VERDICT_COUNT; i++)
    json_object_set_new(o, prb_verdict_name((enum prb_verdict)i),
                        json_integer((json_int_t)v[i]));
  return o;
}

/* Ours against OONI's keys: the same call when OONI's blocked is our
 * blocked, its ok our ok or throttled, its down our down, its none our
 * inconclusive or probe_offline. */
static bool agrees(int o, int v)
{
  switch(o) {
  case O_BLOCKED: return v == PRB_VERDICT_BLOCKED;
  case O_OK: return v == PRB_VERDICT_OK || v == PRB_VERDICT_THROTTLED;
  case O_DOWN: return v == PRB_VERDICT_DOWN;
  default: return v == PRB_VERDICT_INCONCLUSIVE ||
                  v == PRB_VERDICT_PROBE_OFFLINE;
  }
}

static json_t *summary_json(const struct tally *t, double secs)
{
  json_t *s = json_object(), *m = json_object(), *vo = json_object();
  json_t *ch = json_object(), *vp = json_object(), *pch = json_object();
  uint64_t agree = 0, differ = 0, changed = 0;
  char k[64];
  for(int i = PRB_METHOD_DNS; i < PRB_METHOD_COUNT; i++)
    json_object_set_new(m, prb_method_name((enum prb_method)i),
                        json_integer((json_int_t)t->method[i]));
  for(int o = 0; o < O_COUNT; o++)
    for(int v = 0; v < PRB_VERDICT_COUNT; v++) {
      if(!t->ooni[o][v])
        continue;
      if(agrees(o, v)) {
        agree += t->ooni[o][v];
        continue;
      }
      differ += t->ooni[o][v];
      snprintf(k, sizeof(k), "%s->%s", ooni_names[o],
               prb_verdict_name((enum prb_verdict)v));
      json_object_set_new(ch, k, json_integer((json_int_t)t->ooni[o][v]));
    }
  for(int p = 0; p < PRB_VERDICT_COUNT; p++)
    for(int v = 0; v < PRB_VERDICT_COUNT; v++)
      if(p != v && t->prev[p][v]) {
        changed += t->prev[p][v];
        snprintf(k, sizeof(k), "%s->%s", prb_verdict_name((enum prb_verdict)p),
                 prb_verdict_name((enum prb_verdict)v));
        json_object_set_new(pch, k, json_integer((json_int_t)t->prev[p][v]));
      }
  json_object_set_new(vo, "agree", json_integer((json_int_t)agree));
  json_object_set_new(vo, "differ", json_integer((json_int_t)differ));
  json_object_set_new(vo, "changes", ch);
  json_object_set_new(vp, "records", json_integer((json_int_t)t->had_previous));
  json_object_set_new(vp, "changed", json_integer((json_int_t)changed));
  json_object_set_new(vp, "changes", pch);
  json_object_set_new(s, "lines", json_integer((json_int_t)t->lines));
  json_object_set_new(s, "bytes", json_integer((json_int_t)t->bytes));
  json_object_set_new(s, "records", json_integer((json_int_t)t->records));
  json_object_set_new(s, "malformed", json_integer((json_int_t)t->malformed));
  json_object_set_new(s, "other_tests", json_integer((json_int_t)t->other));
  json_object_set_new(s, "too_long", json_integer((json_int_t)t->too_long));
  json_object_set_new(s, "test_keys_null",
                      json_integer((json_int_t)t->untouched));
  json_object_set_new(s, "verdicts", verdicts_json(t->verdict));
  json_object_set_new(s, "confirmed", json_integer((json_int_t)t->confirmed));
  json_object_set_new(s, "methods", m);
  json_object_set_new(s, "failed_measurements",
                      json_integer((json_int_t)t->failed));
  json_object_set_new(s, "versus_ooni", vo);
  json_object_set_new(s, "versus_previous", vp);
  json_object_set_new(s, "seconds", json_real(secs));
  json_object_set_new(s, "mb_per_s",
                      json_real(secs > 0 ? (double)t->bytes / 1e6 / secs : 0));
  return s;
}

/* The summary for people: one line per comparison. */
static void summary_text(const json_t *s)
{
  json_t *v = json_object_get(s, "verdicts");
  json_t *vo = json_object_get(s, "versus_ooni");
  json_t *vp = json_object_get(s, "versus_previous");
  const char *k;
  json_t *n;
#define I(o, key) ((long long)json_integer_value(json_object_get((o), (key))))
  fprintf(stderr, PROG ": %lld records (%lld malformed, %lld other tests) "
          "in %.2f s: %.1f MB/s\n", I(s, "records"), I(s, "malformed"),
          I(s, "other_tests"), json_real_value(json_object_get(s, "seconds")),
          json_real_value(json_object_get(s, "mb_per_s")));
  fprintf(stderr, "  verdicts:");
  json_object_foreach(v, k, n)
    fprintf(stderr, " %s %lld", k, (long long)json_integer_value(n));
  fprintf(stderr, "; %lld confirmed; %lld failed measurements\n",
          I(s, "confirmed"), I(s, "failed_measurements"));
  fprintf(stderr, "  versus OONI's keys (blocking, accessible): %lld agree, "
          "%lld differ", I(vo, "agree"), I(vo, "differ"));
  json_object_foreach(json_object_get(vo, "changes"), k, n)
    fprintf(stderr, "; %s %lld", k, (long long)json_integer_value(n));
  fprintf(stderr, "\n  versus the previous x_analysis: %lld had one, %lld "
          "changed", I(vp, "records"), I(vp, "changed"));
  json_object_foreach(json_object_get(vp, "changes"), k, n)
    fprintf(stderr, "; %s %lld", k, (long long)json_integer_value(n));
  fprintf(stderr, "\n");
#undef I
}

enum prb_exit prb_analyze_main(int argc, char **argv)
{
  static const struct option longopts[] = {
    {"output", required_argument, NULL, 'o'},
    {"summary", required_argument, NULL, 's'},
    {"quiet", no_argument, NULL, 'q'},
    {"help", no_argument, NULL, 'h'},
    {NULL, 0, NULL, 0}
  };
  const char *out_path = NULL, *summary_path = NULL;
  bool quiet = false;
  int ch;
  optind = 1;
  opterr = 0;
  while((ch = getopt_long(argc, argv, "o:qh", longopts, NULL)) != -1) {
    switch(ch) {
    case 'o': out_path = optarg; break;
    case 's': summary_path = optarg; break;
    case 'q': quiet = true; break;
    case 'h':
      usage(stdout);
      return PRB_EXIT_OK;
    default:
      fprintf(stderr, PROG ": unknown or incomplete option \"%s\"\n",
              argv[optind - 1]);
      usage(stderr);
      return PRB_EXIT_USAGE;
    }
  }
  if(optind >= argc) {
    fprintf(stderr, PROG ": no FILE or DIR given\n");
    usage(stderr);
    return PRB_EXIT_USAGE;
  }
  struct an *a = calloc(1, sizeof(*a));
  if(!a || !(a->scratch = malloc(sizeof(*a->scratch)))) {
    free(a);
    return PRB_EXIT_INTERNAL;
  }
  a->out = stdout;
  if(out_path && strcmp(out_path, "-") && !(a->out = fopen(out_path, "w"))) {
    fprintf(stderr, PROG ": %s: %s\n", out_path, strerror(errno));
    free(a->scratch);
    free(a);
    return PRB_EXIT_OUTPUT;
  }
  setvbuf(a->out, NULL, _IOFBF, 1 << 20);
  prb_evidence_load(&a->ev, stderr);
  prb_jtape_init(&a->tape);
  double t0 = prb_now();
  for(int i = optind; i < argc && !a->oom && !a->wfail; i++) {
    int w = prb_lines_walk(argv[i], PROG, read_one, a);
    if(w < 0)
      a->oom = 1;
    else if(w)
      a->unreadable = 1;
  }
  double secs = prb_now() - t0;
  if(fflush(a->out) || ferror(a->out))
    a->wfail = 1;
  if(a->out != stdout && fclose(a->out))
    a->wfail = 1;
  int rc = PRB_EXIT_OK;
  json_t *s = summary_json(&a->t, secs);
  if(!quiet && s)
    summary_text(s);
  if(summary_path && s) {
    FILE *f = fopen(summary_path, "w");
    if(!f || json_dumpf(s, f, JSON_INDENT(2) | JSON_SORT_KEYS) ||
       fputc('\n', f) == EOF) {
      fprintf(stderr, PROG ": %s: cannot write the summary\n", summary_path);
      rc = PRB_EXIT_OUTPUT;
    }
    if(f && fclose(f))
      rc = PRB_EXIT_OUTPUT;
  }
  json_decref(s);
  if(a->wfail) {
    fprintf(stderr, PROG ": %s: write failed\n",
            out_path ? out_path : "standard output");
    rc = PRB_EXIT_OUTPUT;
  }
  if(a->oom || !s) {
    fprintf(stderr, PROG ": out of memory\n");
    rc = PRB_EXIT_INTERNAL;
  }
  if(rc == PRB_EXIT_OK && a->unreadable)
    rc = PRB_EXIT_INPUT;
  prb_evidence_free(&a->ev);
  prb_jtape_free(&a->tape);
  free(a->scratch);
  free(a);
  return rc;
}
