/* upload.c: records from the results files to each collector, with a
 * durable cursor per file and collector, OONI's retry rule and a time
 * budget (see upload.h). */
#include "volunteer/upload.h"
#include "volunteer/upload_cursor.h"
#include "volunteer/upload_http.h"
#include "volunteer/config.h"
#include "volunteer/state.h"
#include "common/buf.h"
#include "common/clock.h"
#include "ooni/collector_proto.h"

#include <errno.h>
#include <stdarg.h>
#include <jansson.h>
#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/signalfd.h>
#include <unistd.h>

#define MAX_PAUSE 3600.0          /* the longest pause between tries */
#define LOGGED_MAX 20             /* problems logged per collector */

struct coll;

/* A record read from a file, on its way to one collector. */
struct item {
  struct coll *c;
  uint64_t line, end;
  char *text;                   /* the record's line (no '\n') */
  size_t len;
  struct prb_cp_template t;
  int attempts;
  struct item *next;
};

/* A report open (or opening) at a collector. */
struct report {
  struct prb_cp_template t;
  char rid[PRB_CP_RID_MAX];
  bool opening;
};

struct coll {
  struct session *s;
  const char *url;
  size_t file;                  /* the file being sent */
  bool file_open, finished;
  FILE *in;
  uint64_t lineno, offset;      /* of the next line to read */
  bool eof;
  struct prb_ucursor cur;
  char label[4096];
  struct item *ready;           /* to send (retries first) */
  struct item *parked;          /* waiting for their report to open */
  int inflight, failures;
  double not_before;
  struct report *reports;
  size_t n_reports, cap_reports;
  unsigned logged;
  struct prb_upload_result res;
};

struct session {
  const struct prb_upload_opts *o;
  struct prb_uhttp *http;
  struct coll *colls;
  const char **files;           /* results files, as labels */
  size_t n_files;
  double deadline;
  bool write_failed;
};

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void say(struct coll *c, const char *fmt, ...)
{
  FILE *log = c->s->o->log;
  if(!log || c->logged++ >= LOGGED_MAX)
    return;
  va_list ap;
  va_start(ap, fmt);
  fprintf(log, "accessprobe upload: %s: ", c->url);
  vfprintf(log, fmt, ap);
  fputc('\n', log);
  va_end(ap);
}

static void free_item(struct item *it)
{
  free(it->text);
  free(it);
}

static void push_front(struct item **list, struct item *it)
{
  it->next = *list;
  *list = it;
}

/* ---- files ----------------------------------------------------------- */

/* The results file's path on disk for a label ("results/..." lies in the
 * state folder). */
static void file_path(const struct session *s, const char *label, char *out,
                      size_t outlen)
{
  if(!strncmp(label, "results/", 8))
    prb_state_path(s->o->state_dir, label, out, outlen);
  else
    snprintf(out, outlen, "%s", label);
}

static void close_file(struct coll *c)
{
  char why[512];
  if(!c->file_open)
    return;
  if(prb_ucursor_compact(&c->cur, c->label, why, sizeof(why)) < 0)
    say(c, "%s", why);
  prb_ucursor_close(&c->cur);
  if(c->in)
    fclose(c->in);
  c->in = NULL;
  c->file_open = false;
  c->file++;
}

/* Opens the collector's next file with its cursor, positioned after the
 * lines already done. False when no file is left (or on a cursor error,
 * which stops this collector). */
static bool open_file(struct coll *c)
{
  struct session *s = c->s;
  char path[4096], cpath[4096], why[512];
  while(c->file < s->n_files) {
    const char *label = s->files[c->file];
    snprintf(c->label, sizeof(c->label), "%s", label);
    file_path(s, label, path, sizeof(path));
    if(!prb_upload_cursor_path(s->o->state_dir, c->url, label, cpath,
                               sizeof(cpath)) ||
       prb_ucursor_open(&c->cur, cpath, c->url, label, why,
                        sizeof(why)) < 0) {
      say(c, "cannot keep its cursor: %s", why);
      s->write_failed = true;
      c->finished = true;
      return false;
    }
    c->in = fopen(path, "rbe");
    if(!c->in) {
      prb_ucursor_close(&c->cur);
      c->file++;
      continue;
    }
    c->file_open = true;
    c->eof = false;
    c->lineno = 0;
    c->offset = 0;
    /* Start where the done prefix ends, when that is a line start. */
    char before;
    if(c->cur.through && c->cur.offset &&
       fseeko(c->in, (off_t)c->cur.offset - 1, SEEK_SET) == 0 &&
       fread(&before, 1, 1, c->in) == 1 && before == '\n') {
      c->lineno = c->cur.through;
      c->offset = c->cur.offset;
    } else {
      rewind(c->in);
    }
    return true;
  }
  c->finished = true;
  return false;
}

/* Marks a line done in the cursor; a cursor that cannot be written stops
 * the collector (records would be sent again, never lost). */
static void mark(struct coll *c, struct item *it, enum prb_ucursor_kind k,
                 const char *text)
{
  if(prb_ucursor_mark(&c->cur, it->line, it->end, k, text) < 0) {
    say(c, "cannot write its cursor %s: %s", c->cur.path, strerror(errno));
    c->s->write_failed = true;
    c->finished = true;
  }
  if(k == PRB_UC_ACKED)
    c->res.acked++;
  else if(k == PRB_UC_REFUSED)
    c->res.refused++;
  else
    c->res.skipped++;
}

/* The next record of the current file not done yet; NULL at its end (or
 * at a last line still being written). Records that cannot go to any
 * collector (not JSON, AS0/ZZ, too large) are marked skipped on the way. */
static struct item *read_next(struct coll *c)
{
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while(!c->eof && (n = getline(&line, &cap, c->in)) > 0) {
    if(line[n - 1] != '\n') {
      c->eof = true;            /* a run is still writing it */
      break;
    }
    uint64_t no = ++c->lineno, end = c->offset + (uint64_t)n;
    c->offset = end;
    if(prb_ucursor_is_done(&c->cur, no))
      continue;
    struct item *it = calloc(1, sizeof(*it));
    if(!it)
      break;
    it->c = c;
    it->line = no;
    it->end = end;
    char why[512] = "";
    json_error_t je;
    json_t *rec = NULL;
    if((size_t)n > PRB_CP_BODY_MAX - 64)
      snprintf(why, sizeof(why), "larger than a collector takes (%zu "
               "bytes)", (size_t)n);
    else if(!(rec = json_loadb(line, (size_t)n - 1, JSON_REJECT_DUPLICATES,
                               &je)))
      snprintf(why, sizeof(why), "not valid JSON: %s", je.text);
    else
      prb_cp_template_read(rec, true, &it->t, why, sizeof(why));
    json_decref(rec);
    if(why[0]) {
      say(c, "%s line %llu is not uploaded: %s", c->label,
          (unsigned long long)no, why);
      mark(c, it, PRB_UC_SKIPPED, why);
      free(it);
      continue;
    }
    it->len = (size_t)n - 1;
    it->text = line;
    line[it->len] = '\0';
    return it;
  }
  free(line);
  c->eof = true;
  return NULL;
}

/* ---- sending --------------------------------------------------------- */

static double jitter(void)
{
  unsigned short r = 0;
  if(getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
    r = (unsigned short)(prb_now() * 1e6);
  return 0.5 + (double)r / 65535.0;
}

/* The collector failed: a pause before it is tried again. */
static void pause_collector(struct coll *c, const char *why, unsigned asked)
{
  double now = prb_now();
  /* The other requests in flight when it failed fail too: one pause. */
  if(c->not_before > now)
    return;
  double pause = c->s->o->retry_base * pow(2.0, c->failures) * jitter();
  c->failures++;
  if(pause < asked)
    pause = asked;
  if(pause > MAX_PAUSE)
    pause = MAX_PAUSE;
  if(now + pause >= c->s->deadline) {
    say(c, "%s; the rest waits for the next upload", why);
    c->not_before = c->s->deadline;
    c->finished = true;
  } else {
    say(c, "%s; trying again in %.0f s", why, pause);
    c->not_before = now + pause;
  }
}

static void on_submitted(void *arg, const struct prb_ures *r);
static void on_opened(void *arg, const struct prb_ures *r);

static struct report *report_for(struct coll *c,
                                 const struct prb_cp_template *t)
{
  for(size_t i = 0; i < c->n_reports; i++)
    if(prb_cp_template_equal(&c->reports[i].t, t))
      return &c->reports[i];
  return NULL;
}

/* What an open request answers for: the report's index (the array may
 * move meanwhile). */
struct opening {
  struct coll *c;
  size_t rep;
};

/* Sends it, or parks it until its report is open. */
static void send_item(struct coll *c, struct item *it)
{
  struct report *rep = report_for(c, &it->t);
  if(!rep) {
    if(!prb_array_reserve(&c->reports, &c->cap_reports, c->n_reports + 1,
                          sizeof(*c->reports), SIZE_MAX)) {
      push_front(&c->ready, it);
      pause_collector(c, "out of memory", 0);
      return;
    }
    rep = &c->reports[c->n_reports++];
    memset(rep, 0, sizeof(*rep));
    rep->t = it->t;
  }
  if(!rep->rid[0]) {
    struct opening *op;
    if(!rep->opening) {
      if(!(op = malloc(sizeof(*op)))) {
        push_front(&c->ready, it);
        pause_collector(c, "out of memory", 0);
        return;
      }
      op->c = c;
      op->rep = (size_t)(rep - c->reports);
      if(!prb_uhttp_open(c->s->http, c->url, &rep->t, on_opened, op)) {
        free(op);
        push_front(&c->ready, it);
        pause_collector(c, "cannot start a request", 0);
        return;
      }
      rep->opening = true;
      c->inflight++;
    }
    push_front(&c->parked, it);
    return;
  }
  size_t len;
  char *text = prb_cp_with_report_id(it->text, it->len, rep->rid, &len);
  if(!text || !prb_uhttp_submit(c->s->http, c->url, rep->rid, text, len,
                                on_submitted, it)) {
    free(text);
    push_front(&c->ready, it);
    pause_collector(c, "cannot start a request", 0);
    return;
  }
  free(text);
  c->inflight++;
}

/* A report opened or not: its parked records go on, or back. */
static void on_opened(void *arg, const struct prb_ures *r)
{
  struct opening *op = arg;
  struct coll *c = op->c;
  struct report *rep = &c->reports[op->rep];
  free(op);
  c->inflight--;
  rep->opening = false;
  if(r->answer == PRB_UA_OK) {
    snprintf(rep->rid, sizeof(rep->rid), "%s", r->id);
    c->failures = 0;
  } else if(r->answer == PRB_UA_RETRY) {
    pause_collector(c, r->reason, r->retry_after);
  } else {
    say(c, "refused to open a report: %s", r->reason);
  }
  /* This report's records go on (or are refused with it); the others
   * stay parked for theirs. */
  struct item *parked = c->parked, *keep = NULL, *back = NULL;
  c->parked = NULL;
  while(parked) {
    struct item *it = parked;
    parked = it->next;
    if(!prb_cp_template_equal(&it->t, &rep->t)) {
      push_front(&keep, it);
    } else if(r->answer == PRB_UA_REFUSED) {
      char why[600];
      snprintf(why, sizeof(why), "the collector refused a report for it: "
               "%s", r->reason);
      mark(c, it, PRB_UC_REFUSED, why);
      free_item(it);
    } else {
      push_front(&back, it);
    }
  }
  c->parked = keep;
  if(back) {                    /* first in line again, in file order */
    struct item *tail = back;
    while(tail->next)
      tail = tail->next;
    tail->next = c->ready;
    c->ready = back;
  }
}

static void on_submitted(void *arg, const struct prb_ures *r)
{
  struct item *it = arg;
  struct coll *c = it->c;
  c->inflight--;
  if(r->answer == PRB_UA_OK) {
    c->failures = 0;
    mark(c, it, PRB_UC_ACKED, r->id);
    free_item(it);
  } else if(r->answer == PRB_UA_REFUSED) {
    say(c, "refused %s line %llu: %s", c->label,
        (unsigned long long)it->line, r->reason);
    mark(c, it, PRB_UC_REFUSED, r->reason);
    free_item(it);
  } else if(r->network && ++it->attempts <= PRB_UPLOAD_IMMEDIATE) {
    push_front(&c->ready, it);   /* OONI: a few immediate retries */
  } else {
    it->attempts = 0;
    push_front(&c->ready, it);
    pause_collector(c, r->reason, r->retry_after);
  }
}

/* Gives the collector as much to do as it may take now. */
static void feed(struct coll *c)
{
  double now = prb_now();
  while(!c->finished && c->not_before <= now && now < c->s->deadline &&
        c->inflight < c->s->o->parallel) {
    if(!c->file_open && !open_file(c))
      return;
    struct item *it = c->ready;
    if(it)
      c->ready = it->next;
    else if(!c->eof)
      it = read_next(c);
    if(it) {
      send_item(c, it);
      if(c->parked && !c->ready && c->inflight)
        return;                 /* wait for the report to open */
      continue;
    }
    if(c->inflight || c->parked)
      return;
    close_file(c);              /* all of it done: the next file */
  }
}

/* ---- the session ----------------------------------------------------- */

/* Every run of the state folder that has a results file, oldest first. */
static bool list_runs(struct session *s, struct prb_index *ix)
{
  if(prb_state_index_load(s->o->state_dir, ix, NULL) < 0)
    memset(ix, 0, sizeof(*ix));
  if(prb_state_index_rebuild(s->o->state_dir, ix) < 0)
    return false;
  s->files = calloc(ix->n ? ix->n : 1, sizeof(*s->files));
  if(!s->files)
    return false;
  for(size_t i = 0; i < ix->n; i++)
    if(ix->runs[i].file[0])
      s->files[s->n_files++] = ix->runs[i].file;
  return true;
}

/* Complete lines of the file not done for c (for the summary). */
static uint64_t waiting_in(struct session *s, struct coll *c,
                           const char *label)
{
  char path[4096];
  file_path(s, label, path, sizeof(path));
  FILE *f = fopen(path, "rbe");
  uint64_t total = 0;
  int ch;
  if(!f)
    return 0;
  while((ch = getc_unlocked(f)) != EOF)
    total += ch == '\n';
  fclose(f);
  struct prb_upload_result st;
  prb_upload_status(s->o->state_dir, c->url, label, total, &st);
  return st.waiting;
}

size_t prb_upload_collectors(const struct prb_config *cf, const char **out)
{
  size_t n = 0;
  for(size_t i = 0; i < cf->n_collectors; i++)
    out[n++] = cf->collectors[i];
  if(cf->ooni_upload)
    out[n++] = PRB_UPLOAD_OONI_URL;
  return n;
}

void prb_upload_status(const char *state, const char *url, const char *file,
                       uint64_t total, struct prb_upload_result *st)
{
  char cpath[4096];
  struct prb_ucursor cur;
  memset(st, 0, sizeof(*st));
  if(prb_upload_cursor_path(state, url, file, cpath, sizeof(cpath)) &&
     prb_ucursor_peek(&cur, cpath) == 0) {
    st->acked = cur.acked;
    st->refused = cur.refused;
    st->skipped = cur.skipped;
    prb_ucursor_close(&cur);
  }
  uint64_t done = st->acked + st->refused + st->skipped;
  st->waiting = done < total ? total - done : 0;
}

/* Complete records of a run: its counts, or its file's lines when the
 * counts say nothing (a run cut short, or one the index lost). */
static uint64_t run_records(const char *state, const struct prb_run_entry *e)
{
  uint64_t n = 0;
  for(int v = 0; v < PRB_STATE_VERDICTS; v++)
    n += e->counts[v];
  if(n || !strcmp(e->status, "complete"))
    return n;
  char path[4096];
  size_t counts[PRB_STATE_VERDICTS], total = 0;
  if(prb_state_path(state, e->file, path, sizeof(path)) &&
     prb_state_count(path, counts, &total) == 0)
    n = total;
  return n;
}

static size_t hold_waiting(void *arg, const struct prb_run_entry *e,
                           char *who, size_t wholen)
{
  const struct prb_upload_hold *h = arg;
  uint64_t most = 0, total = e->file[0] ? run_records(h->state, e) : 0;
  for(size_t i = 0; total && i < h->n; i++) {
    struct prb_upload_result st;
    prb_upload_status(h->state, h->urls[i], e->file, total, &st);
    if(st.waiting > most) {
      most = st.waiting;
      snprintf(who, wholen, "%s", h->urls[i]);
    }
  }
  return (size_t)most;
}

static void hold_deleted(void *arg, const struct prb_run_entry *e)
{
  const struct prb_upload_hold *h = arg;
  if(e->file[0])
    prb_upload_forget(h->state, e->file);
}

void prb_upload_hold(struct prb_retain_hold *hold,
                     struct prb_upload_hold *ctx)
{
  hold->waiting = hold_waiting;
  hold->deleted = hold_deleted;
  hold->arg = ctx;
}

/* SIGINT and SIGTERM as a descriptor, so a signal wakes the wait. */
static int signals_fd(sigset_t *old)
{
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  sigprocmask(SIG_BLOCK, &set, old);
  return signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
}

static bool signalled(int fd)
{
  struct signalfd_siginfo si;
  return fd >= 0 && read(fd, &si, sizeof(si)) == (ssize_t)sizeof(si);
}

static void drop_items(struct item *list)
{
  while(list) {
    struct item *it = list;
    list = it->next;
    free_item(it);
  }
}

enum prb_exit prb_upload(const struct prb_upload_opts *o,
                         struct prb_upload_result *results)
{
  struct session s;
  struct prb_index ix;
  memset(&s, 0, sizeof(s));
  memset(&ix, 0, sizeof(ix));
  s.o = o;
  s.deadline = prb_now() + o->budget;
  enum prb_exit rc = PRB_EXIT_INTERNAL;
  if(o->files) {
    s.files = (const char **)(uintptr_t)o->files;
    s.n_files = o->n_files;
  } else if(!list_runs(&s, &ix)) {
    goto out;
  }
  s.http = prb_uhttp_new(o->ca_file, o->timeout);
  s.colls = calloc(o->n_collectors ? o->n_collectors : 1, sizeof(*s.colls));
  if(!s.http || !s.colls)
    goto out;
  for(size_t i = 0; i < o->n_collectors; i++) {
    s.colls[i].s = &s;
    s.colls[i].url = o->collectors[i];
  }
  sigset_t old;
  int sfd = signals_fd(&old);
  bool stop = false;
  for(;;) {
    bool busy = false;
    double now = prb_now(), wake = s.deadline;
    for(size_t i = 0; i < o->n_collectors; i++) {
      struct coll *c = &s.colls[i];
      feed(c);
      if(c->inflight)
        busy = true;
      if(!c->finished && now < s.deadline) {
        busy = true;
        if(c->not_before > now && c->not_before < wake)
          wake = c->not_before;
      }
    }
    if(!busy || now >= s.deadline || stop)
      break;
    double wait = wake - now;
    prb_uhttp_run(s.http, wait > 1.0 ? 1.0 : wait > 0.01 ? wait : 0.01, sfd);
    stop = signalled(sfd);
  }
  /* What is still in flight was not acknowledged: it goes next time. */
  prb_uhttp_free(s.http);
  s.http = prb_uhttp_new(o->ca_file, 5.0);
  for(size_t i = 0; i < o->n_collectors; i++) {
    struct coll *c = &s.colls[i];
    for(size_t r = 0; s.http && r < c->n_reports; r++)
      if(c->reports[r].rid[0])
        prb_uhttp_close(s.http, c->url, c->reports[r].rid);
    drop_items(c->ready);
    drop_items(c->parked);
    size_t first = c->file;
    close_file(c);
    for(size_t f = first; f < s.n_files; f++)
      c->res.waiting += waiting_in(&s, c, s.files[f]);
    if(o->log)
      fprintf(o->log, "accessprobe upload: %s: %llu records stored, %llu "
              "refused, %llu not uploadable; %llu waiting\n", c->url,
              (unsigned long long)c->res.acked,
              (unsigned long long)c->res.refused,
              (unsigned long long)c->res.skipped,
              (unsigned long long)c->res.waiting);
    if(results)
      results[i] = c->res;
  }
  /* Closing reports is a courtesy: a few seconds at most. */
  for(double end = prb_now() + 5.0; s.http && prb_uhttp_inflight(s.http) &&
      prb_now() < end && !stop;)
    prb_uhttp_run(s.http, 0.5, sfd);
  if(sfd >= 0)
    close(sfd);
  sigprocmask(SIG_SETMASK, &old, NULL);
  rc = PRB_EXIT_OK;
  for(size_t i = 0; i < o->n_collectors; i++)
    if(s.colls[i].res.waiting)
      rc = PRB_EXIT_UPLOAD_WAITING;
  if(s.write_failed)
    rc = PRB_EXIT_OUTPUT;
  if(stop)
    rc = PRB_EXIT_INTERRUPTED;
out:
  if(s.colls)
    for(size_t i = 0; i < o->n_collectors; i++)
      free(s.colls[i].reports);
  free(s.colls);
  prb_uhttp_free(s.http);
  if(!o->files)
    free(s.files);
  prb_state_index_free(&ix);
  return rc;
}
