/* progress.c: the one-line terminal display, plain lines and JSON lines,
 * and the run's closing summary. */
#include "volunteer/progress.h"
#include "common/clock.h"
#include "volunteer/words.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

struct prb_progress {
  enum prb_log_format fmt;
  FILE *out;
  bool tty;                     /* redraw one line in place */
  size_t already, all, done;
  size_t counts[PRB_STATE_VERDICTS];
  size_t controls;              /* controls the run asks; 0: none */
  size_t answered;              /* records with the control's answer */
  double t0, last_draw;
  char run_id[96];
};

struct prb_progress *prb_progress_new(enum prb_log_format fmt, FILE *out,
                                      size_t already, size_t all,
                                      const char *run_id, size_t controls)
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
  p->controls = controls;
  p->t0 = prb_now();
  snprintf(p->run_id, sizeof(p->run_id), "%s", run_id ? run_id : "");
  return p;
}

const size_t *prb_progress_counts(const struct prb_progress *p)
{
  return p->counts;
}

bool prb_progress_control_answered(const json_t *rec)
{
  json_t *tk = json_object_get(rec, "test_keys");
  return json_is_object(json_object_get(tk, "control"));
}

void prb_progress_reason(const json_t *rec, char *buf, size_t len)
{
  json_t *tk = json_object_get(rec, "test_keys");
  json_t *an = json_object_get(tk, "x_analysis");
  const char *method = json_string_value(json_object_get(an, "method"));
  const char *detail = json_string_value(json_object_get(an, "detail"));
  const char *dnsf = json_string_value(json_object_get(tk,
                                       "dns_experiment_failure"));
  const char *httpf = json_string_value(json_object_get(tk,
                                        "http_experiment_failure"));
  if(method || detail)
    snprintf(buf, len, "%s%s%s", method ? method : "",
             method && detail ? ": " : "", detail ? detail : "");
  else if(dnsf)
    snprintf(buf, len, "dns: %s", dnsf);
  else if(httpf)
    snprintf(buf, len, "%s", httpf);
  else {
    json_t *reqs = json_object_get(tk, "requests");
    json_t *code = json_object_get(json_object_get(json_array_get(reqs, 0),
                                                   "response"), "code");
    if(json_is_integer(code))
      snprintf(buf, len, "HTTP %lld", (long long)json_integer_value(code));
    else
      snprintf(buf, len, "-");
  }
}

static void fmt_duration(char *buf, size_t len, double s)
{
  long v = s < 0 ? 0 : (long)(s + 0.5);
  if(v >= 3600)
    snprintf(buf, len, prb_tr("%ldh%02ldm"), v / 3600, v / 60 % 60);
  else if(v >= 60)
    snprintf(buf, len, prb_tr("%ldm%02lds"), v / 60, v % 60);
  else
    snprintf(buf, len, prb_tr("%lds"), v);
}

/* Seconds left, from the average pace so far; < 0 when unknown. */
static double eta(const struct prb_progress *p, size_t total)
{
  double el = prb_now() - p->t0;
  if(!p->done || total <= p->done)
    return total <= p->done ? 0 : -1;
  return el / (double)p->done * (double)(total - p->done);
}

/* Neither ok, blocked, throttled nor down: no verdict on the site. */
static size_t others(const size_t *c)
{
  return c[PRB_VERDICT_PROBE_OFFLINE] + c[PRB_VERDICT_INCONCLUSIVE] +
         c[PRB_VERDICT_UNCLASSIFIED];
}

static void draw(struct prb_progress *p, size_t total)
{
  size_t shown = p->already + p->done, all = p->already + total;
  char left[32] = "?";
  double e = eta(p, total);
  if(e >= 0)
    fmt_duration(left, sizeof(left), e);
  fprintf(p->out, "\r\033[K[%zu/%zu %3zu%%] %s %zu  %s %zu  %s %zu  %s %zu  "
          "%s %zu  %s %s", shown, all, all ? shown * 100 / all : 100,
          prb_tr("ok"), p->counts[PRB_VERDICT_OK], prb_tr("blocked"),
          p->counts[PRB_VERDICT_BLOCKED], prb_tr("throttled"),
          p->counts[PRB_VERDICT_THROTTLED], prb_tr("down"),
          p->counts[PRB_VERDICT_DOWN], prb_tr("other"), others(p->counts),
          prb_tr("ETA"), left);
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
  p->counts[v]++;
  p->done++;
  if(rec && prb_progress_control_answered(rec))
    p->answered++;
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
  } else if(p->tty) {
    if(prb_now() - p->last_draw > 0.1 || p->done >= total)
      draw(p, total);
  } else {
    char why[160] = "-";
    if(rec)
      prb_progress_reason(rec, why, sizeof(why));
    fprintf(p->out, "[%zu/%zu] %s: %s (%s)\n", p->already + p->done,
            p->already + total, input ? input : "", prb_words_verdict(v), why);
    fflush(p->out);
  }
}

void prb_progress_vmessage(struct prb_progress *p, const char *level,
                           const char *fmt, va_list ap)
{
  char text[1024];
  if(p->fmt == PRB_LOG_JSON) {
    vsnprintf(text, sizeof(text), fmt, ap);
    emit_json(p, json_pack("{s:s, s:s, s:s}", "type", "message", "level",
                           level, "message", text));
    return;
  }
  vsnprintf(text, sizeof(text), prb_tr(fmt), ap);
  if(p->tty)
    fprintf(p->out, "\r\033[K");
  fprintf(p->out, "accessprobe: %s\n", text);
  fflush(p->out);
}

void prb_progress_message(struct prb_progress *p, const char *level,
                          const char *fmt, ...)
{
  va_list ap;
  va_start(ap, fmt);
  prb_progress_vmessage(p, level, fmt, ap);
  va_end(ap);
}

void prb_progress_no_control(struct prb_progress *p)
{
  prb_progress_message(p, "warning", "this run measures without a control "
                       "(a server outside the country that fetches each "
                       "site too): a site that fails here cannot be told "
                       "from a site that is down everywhere, so most sites "
                       "that do not open will be \"inconclusive\", and "
                       "blocking is named only when it leaves a signature "
                       "(a block page, a forged DNS answer, an interception "
                       "certificate). Ask your monitoring organisation for "
                       "a control address: docs/volunteers.md, \"The "
                       "control\".");
}

static void summary_json(struct prb_progress *p, size_t left, int exit,
                         const char *output, double secs)
{
  json_t *c = json_object();
  for(int i = 0; c && i < PRB_STATE_VERDICTS; i++)
    json_object_set_new(c, prb_state_verdict_name(i),
                        json_integer((json_int_t)p->counts[i]));
  emit_json(p, json_pack("{s:s, s:s, s:I, s:I, s:I, s:f, s:i, s:s, s:o, "
                         "s:I, s:I}",
                         "type", "summary", "run", p->run_id,
                         "measured", (json_int_t)p->done,
                         "already", (json_int_t)p->already,
                         "left", (json_int_t)left, "seconds", secs,
                         "exit", exit, "output", output ? output : "",
                         "verdicts", c ? c : json_object(),
                         "controls", (json_int_t)p->controls,
                         "control_answered", (json_int_t)p->answered));
}

void prb_progress_finish(struct prb_progress *p, size_t left, int exit,
                         const char *output)
{
  double secs = prb_now() - p->t0;
  if(p->fmt == PRB_LOG_JSON) {
    summary_json(p, left, exit, output, secs);
    return;
  }
  if(p->tty)
    fprintf(p->out, "\r\033[K");
  char dur[32];
  fmt_duration(dur, sizeof(dur), secs);
  const size_t *c = p->counts;
  fprintf(p->out, "accessprobe: ");
  fprintf(p->out, prb_trn("%zu site measured in %s", "%zu sites measured "
                          "in %s", p->done), p->done, dur);
  if(p->already)
    fprintf(p->out, prb_tr(" (%zu recorded before the run was resumed)"),
            p->already);
  fprintf(p->out, ": %s %zu, %s %zu, %s %zu, %s %zu, %s %zu",
          prb_tr("ok"), c[PRB_VERDICT_OK], prb_tr("blocked"),
          c[PRB_VERDICT_BLOCKED], prb_tr("throttled"),
          c[PRB_VERDICT_THROTTLED], prb_tr("down"), c[PRB_VERDICT_DOWN],
          prb_tr("inconclusive"), c[PRB_VERDICT_INCONCLUSIVE] +
          c[PRB_VERDICT_PROBE_OFFLINE]);
  if(c[PRB_VERDICT_UNCLASSIFIED])
    fprintf(p->out, ", %s %zu", prb_tr("unclassified"),
            c[PRB_VERDICT_UNCLASSIFIED]);
  if(left)
    fprintf(p->out, prb_trn("; %zu input left", "; %zu inputs left", left),
            left);
  if(output && output[0])
    fprintf(p->out, prb_tr("; records in %s"), output);
  fprintf(p->out, "\n");
  if(!p->controls && p->done)
    fprintf(p->out, "accessprobe: %s\n",
            prb_tr("measured without a control: \"inconclusive\" means "
                   "that this probe alone cannot tell blocking from an "
                   "outage (docs/volunteers.md, \"The control\")"));
  else if(p->controls && p->answered < p->done)
    fprintf(p->out, prb_tr("accessprobe: the control answered for %zu of "
                           "%zu sites; the others cannot be told from an "
                           "outage\n"), p->answered, p->done);
  fflush(p->out);
}

void prb_progress_free(struct prb_progress *p)
{
  free(p);
}
