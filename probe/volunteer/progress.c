/* progress.c: the one-line terminal display, plain and JSON lines. */
#include "volunteer/progress.h"
#include "common/clock.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct prb_progress {
  enum prb_log_format fmt;
  FILE *out;
  bool tty;                     /* redraw one line in place */
  size_t already, all, done;
  size_t looks;                 /* of done: second looks, not counted by
                                   verdict (the site is counted once) */
  size_t counts[PRB_STATE_VERDICTS];
  double t0, last_draw;
  char run_id[96];
};

struct prb_progress *prb_progress_new(enum prb_log_format fmt, FILE *out,
                                      size_t already, size_t all,
                                      const char *run_id)
{
  struct prb_progress *p = calloc(1, sizeof(*p));
  if(!p)
    return NULL;
  p->fmt = fmt;
  p->out = out;
  const char *term = getenv("TERM");
  p->tty = fmt == PRB_LOG_TEXT && isatty(fileno(out)) &&
           !(term && !strcmp(term, "dumb"));
  p->already = already;
  p->all = all;
  p->t0 = prb_now();
  snprintf(p->run_id, sizeof(p->run_id), "%s", run_id ? run_id : "");
  return p;
}

bool prb_progress_owns_output(const struct prb_progress *p)
{
  return p->tty || p->fmt == PRB_LOG_JSON;
}

const size_t *prb_progress_counts(const struct prb_progress *p)
{
  return p->counts;
}

static void fmt_duration(char *buf, size_t len, double s)
{
  long v = s < 0 ? 0 : (long)(s + 0.5);
  if(v >= 3600)
    snprintf(buf, len, "%ldh%02ldm", v / 3600, v / 60 % 60);
  else if(v >= 60)
    snprintf(buf, len, "%ldm%02lds", v / 60, v % 60);
  else
    snprintf(buf, len, "%lds", v);
}

/* Seconds left, from the average pace so far; < 0 when unknown. */
static double eta(const struct prb_progress *p, size_t total)
{
  double el = prb_now() - p->t0;
  if(!p->done || total <= p->done)
    return total <= p->done ? 0 : -1;
  return el / (double)p->done * (double)(total - p->done);
}

static void draw(struct prb_progress *p, size_t total)
{
  size_t shown = p->already + p->done, all = p->already + total;
  char left[32] = "?";
  double e = eta(p, total);
  if(e >= 0)
    fmt_duration(left, sizeof(left), e);
  size_t other = p->counts[PRB_VERDICT_THROTTLED] + p->counts[PRB_VERDICT_PROBE_OFFLINE]
                 + p->counts[PRB_VERDICT_INCONCLUSIVE] +
                 p->counts[PRB_VERDICT_UNCLASSIFIED];
  fprintf(p->out, "\r\033[K[%zu/%zu %3zu%%] ok %zu  blocked %zu  down %zu  "
          "other %zu  ETA %s", shown, all, all ? shown * 100 / all : 100,
          p->counts[PRB_VERDICT_OK], p->counts[PRB_VERDICT_BLOCKED], p->counts[PRB_VERDICT_DOWN],
          other, left);
  fflush(p->out);
  p->last_draw = prb_now();
}

static void emit_json(struct prb_progress *p, json_t *o)
{
  if(!o)
    return;
  char *s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
  json_decref(o);
  if(s) {
    fprintf(p->out, "%s\n", s);
    fflush(p->out);
    free(s);
  }
}

void prb_progress_on_record(void *ctx, const char *input, const json_t *rec,
                            size_t done, size_t total)
{
  struct prb_progress *p = ctx;
  enum prb_verdict v = rec ? prb_state_record_verdict(rec)
                           : PRB_VERDICT_UNCLASSIFIED;
  if(json_object_get(json_object_get(rec, "test_keys"), "x_second_look"))
    p->looks++;
  else
    p->counts[v]++;
  p->done++;
  if(p->fmt == PRB_LOG_JSON) {
    double e = eta(p, total);
    emit_json(p, json_pack("{s:s, s:s, s:I, s:I, s:s, s:s, s:o}",
                           "type", "progress", "run", p->run_id,
                           "done", (json_int_t)(p->already + p->done),
                           "total", (json_int_t)(p->already + total),
                           "input", input ? input : "",
                           "verdict", prb_state_verdict_name(v),
                           "eta_s", e >= 0 ? json_integer((json_int_t)e) :
                           json_null()));
  } else if(p->tty && (prb_now() - p->last_draw > 0.1 || p->done >= total))
    draw(p, total);
}

void prb_progress_message(struct prb_progress *p, const char *level,
                          const char *text)
{
  if(p->fmt == PRB_LOG_JSON) {
    emit_json(p, json_pack("{s:s, s:s, s:s}", "type", "message", "level",
                           level, "message", text));
    return;
  }
  if(p->tty)
    fprintf(p->out, "\r\033[K");
  fprintf(p->out, "accessprobe: %s\n", text);
  fflush(p->out);
}

void prb_progress_finish(struct prb_progress *p, size_t left, int exit,
                         const char *output)
{
  double secs = prb_now() - p->t0;
  if(p->fmt == PRB_LOG_JSON) {
    json_t *c = json_object();
    for(int i = 0; c && i < PRB_STATE_VERDICTS; i++)
      json_object_set_new(c, prb_state_verdict_name(i),
                          json_integer((json_int_t)p->counts[i]));
    emit_json(p, json_pack("{s:s, s:s, s:I, s:I, s:I, s:I, s:f, s:i, s:s, "
                           "s:o}", "type", "summary", "run", p->run_id,
                           "measured", (json_int_t)(p->done - p->looks),
                           "second_looks", (json_int_t)p->looks,
                           "already", (json_int_t)p->already,
                           "left", (json_int_t)left, "seconds", secs,
                           "exit", exit, "output", output ? output : "",
                           "verdicts", c ? c : json_object()));
    return;
  }
  if(p->tty)
    fprintf(p->out, "\r\033[K");
  char dur[32];
  fmt_duration(dur, sizeof(dur), secs);
  fprintf(p->out, "accessprobe: %zu measured", p->done - p->looks);
  if(p->looks)
    fprintf(p->out, " and %zu looked at again (second looks)", p->looks);
  fprintf(p->out, " in %s", dur);
  if(p->already)
    fprintf(p->out, " (%zu recorded before the run was resumed)", p->already);
  fprintf(p->out, ": ok %zu, blocked %zu, throttled %zu, down %zu, "
          "inconclusive %zu, unclassified %zu", p->counts[PRB_VERDICT_OK],
          p->counts[PRB_VERDICT_BLOCKED], p->counts[PRB_VERDICT_THROTTLED],
          p->counts[PRB_VERDICT_DOWN], p->counts[PRB_VERDICT_INCONCLUSIVE] +
          p->counts[PRB_VERDICT_PROBE_OFFLINE], p->counts[PRB_VERDICT_UNCLASSIFIED]);
  if(left)
    fprintf(p->out, "; %zu inputs left", left);
  if(output && output[0])
    fprintf(p->out, "; records in %s", output);
  fprintf(p->out, "\n");
  fflush(p->out);
}

void prb_progress_free(struct prb_progress *p)
{
  free(p);
}
