/* state.c: state folder layout, run index, retention. */
#include "volunteer/state.h"
#include "volunteer/lock.h"
#include "analysis/verdict.h"
#include "ooni/record.h"
#include "common/textclean.h"
#include "common/files.h"
#include "common/buf.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

const char *prb_state_verdict_name(enum prb_verdict v)
{
  return v >= 0 && v < PRB_VERDICT_COUNT ? prb_verdict_name(v)
                                         : "unclassified";
}

enum prb_verdict prb_state_record_verdict(const void *json_record)
{
  const json_t *rec = json_record;
  json_t *tk = json_object_get(rec, "test_keys");
  json_t *an = json_object_get(tk, "x_analysis");
  enum prb_verdict v;
  if(prb_verdict_parse(json_string_value(json_object_get(an, "verdict")), &v))
    return v;
  return PRB_VERDICT_UNCLASSIFIED;
}

bool prb_state_path(const char *dir, const char *rel, char *out,
                    size_t outlen)
{
  int n = snprintf(out, outlen, "%s/%s", dir, rel);
  return n > 0 && (size_t)n < outlen;
}

bool prb_state_default_dir(char *out, size_t outlen)
{
  const char *sd = getenv("STATE_DIRECTORY");
  const char *xdg = getenv("XDG_STATE_HOME");
  const char *home = getenv("HOME");
  int n = -1;
  if(sd && sd[0] == '/') {
    size_t len = strcspn(sd, ":");
    n = snprintf(out, outlen, "%.*s", (int)len, sd);
  } else if(xdg && xdg[0] == '/')
    n = snprintf(out, outlen, "%s/accessprobe", xdg);
  else if(home && home[0] == '/')
    n = snprintf(out, outlen, "%s/.local/state/accessprobe", home);
  return n > 0 && (size_t)n < outlen;
}

int prb_state_prepare(const char *dir, char *why, size_t whylen)
{
  char path[4096];
  if(!prb_state_path(dir, "results", path, sizeof(path))) {
    snprintf(why, whylen, "%s: name too long", dir);
    return -1;
  }
  if(prb_mkdirs(path, 0750, true) < 0) {
    snprintf(why, whylen, "cannot create %s: %s", path, strerror(errno));
    return -1;
  }
  return 0;
}

static void iso_now(char out[24], time_t t)
{
  struct tm tm;
  gmtime_r(&t, &tm);
  strftime(out, 24, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

int prb_state_new_run(const char *dir, const char *asn, const char *cc,
                      struct prb_run_entry *e, char *why, size_t whylen)
{
  memset(e, 0, sizeof(*e));
  time_t now = time(NULL);
  iso_now(e->started, now);
  prb_record_make_report_id(e->id, sizeof(e->id), cc ? cc : "ZZ",
                            asn ? asn : "AS0");
  snprintf(e->status, sizeof(e->status), "running");
  snprintf(e->asn, sizeof(e->asn), "%s", asn ? asn : "AS0");
  snprintf(e->cc, sizeof(e->cc), "%s", cc ? cc : "ZZ");
  char rel[256], day[64];
  int n = snprintf(day, sizeof(day), "results/%.10s", e->started);
  if(n < 0 || (size_t)n >= sizeof(day))
    return -1;
  n = snprintf(rel, sizeof(rel), "%s/%s.jsonl", day, e->id);
  char path[4096];
  if(n < 0 || (size_t)n >= sizeof(rel) ||
     !prb_state_path(dir, day, path, sizeof(path))) {
    snprintf(why, whylen, "%s: name too long", dir);
    return -1;
  }
  if(prb_mkdirs(path, 0750, true) < 0) {
    snprintf(why, whylen, "cannot create %s: %s", path, strerror(errno));
    return -1;
  }
  snprintf(e->file, sizeof(e->file), "%s", rel);
  return 0;
}

/* ---- the index ------------------------------------------------------ */

void prb_state_copy_text(char *dst, size_t len, const char *src)
{
  if(!len)
    return;
  dst[0] = '\0';
  if(!src)
    return;
  size_t clean_len;
  char *clean = prb_utf8_sanitize(src, strlen(src), &clean_len);
  if(!clean)
    return;
  /* Cut before a continuation byte, never inside a character: jansson
   * refuses invalid UTF-8, and the index could then never be saved. */
  size_t n = prb_utf8_cut(clean, clean_len, len - 1);
  memcpy(dst, clean, n);
  dst[n] = '\0';
  free(clean);
}

static void copy_str(char *dst, size_t len, json_t *v)
{
  prb_state_copy_text(dst, len, json_string_value(v));
}

static size_t get_size(json_t *v)
{
  json_int_t n = json_integer_value(v);
  return n > 0 ? (size_t)n : 0;
}

/* A file name from the index must stay inside results/. */
static bool safe_rel(const char *rel)
{
  return !strncmp(rel, "results/", 8) && !strstr(rel, "..") &&
         !strchr(rel, '\\');
}

static bool entry_from_json(json_t *o, struct prb_run_entry *e)
{
  memset(e, 0, sizeof(*e));
  if(!json_is_object(o))
    return false;
  copy_str(e->id, sizeof(e->id), json_object_get(o, "id"));
  copy_str(e->file, sizeof(e->file), json_object_get(o, "file"));
  copy_str(e->started, sizeof(e->started), json_object_get(o, "started"));
  copy_str(e->finished, sizeof(e->finished), json_object_get(o, "finished"));
  copy_str(e->status, sizeof(e->status), json_object_get(o, "status"));
  copy_str(e->asn, sizeof(e->asn), json_object_get(o, "probe_asn"));
  copy_str(e->cc, sizeof(e->cc), json_object_get(o, "probe_cc"));
  copy_str(e->network, sizeof(e->network),
           json_object_get(o, "probe_network_name"));
  e->inputs = get_size(json_object_get(o, "inputs"));
  e->left = get_size(json_object_get(o, "left"));
  e->resumed = get_size(json_object_get(o, "resumed"));
  copy_str(e->control, sizeof(e->control), json_object_get(o, "control"));
  e->control_unreachable = get_size(json_object_get(o,
                                                    "control_unreachable"));
  copy_str(e->control_how, sizeof(e->control_how),
           json_object_get(o, "control_how"));
  json_t *c = json_object_get(o, "verdicts");
  for(int i = 0; i < PRB_STATE_VERDICTS; i++)
    e->counts[i] = get_size(json_object_get(c, prb_state_verdict_name(i)));
  return e->id[0] && (!e->file[0] || safe_rel(e->file));
}

static json_t *text(const char *s)
{
  return prb_json_text(s, strlen(s));
}

static json_t *entry_to_json(const struct prb_run_entry *e)
{
  json_t *c = json_object();
  if(!c)
    return NULL;
  for(int i = 0; i < PRB_STATE_VERDICTS; i++)
    json_object_set_new(c, prb_state_verdict_name(i),
                        json_integer((json_int_t)e->counts[i]));
  /* Every string goes through prb_json_text: one bad byte in one entry
   * must not make the whole index unsavable. */
  json_t *o = json_pack("{s:o, s:o, s:o, s:o?, s:o, s:o, s:o, s:o, s:I, "
                        "s:I, s:I, s:o, s:o?, s:I, s:o?}",
                        "id", text(e->id), "file", text(e->file),
                        "started", text(e->started),
                        "finished", e->finished[0] ? text(e->finished) : NULL,
                        "status", text(e->status), "probe_asn", text(e->asn),
                        "probe_cc", text(e->cc),
                        "probe_network_name", text(e->network),
                        "inputs", (json_int_t)e->inputs,
                        "left", (json_int_t)e->left,
                        "resumed", (json_int_t)e->resumed, "verdicts", c,
                        "control", e->control[0] ? text(e->control) : NULL,
                        "control_unreachable",
                        (json_int_t)e->control_unreachable, "control_how",
                        e->control_how[0] ? text(e->control_how) : NULL);
  return o;
}

int prb_state_index_load(const char *dir, struct prb_index *ix, FILE *err)
{
  memset(ix, 0, sizeof(*ix));
  char path[4096];
  if(!prb_state_path(dir, PRB_STATE_INDEX, path, sizeof(path)))
    return -1;
  if(access(path, F_OK) < 0 && errno == ENOENT)
    return 0;
  json_error_t je;
  json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
  if(!root) {
    if(err)
      fprintf(err, "%s:%d: %s\n", path, je.line > 0 ? je.line : 1, je.text);
    return -1;
  }
  json_t *runs = json_object_get(root, "runs");
  if(!json_is_array(runs)) {
    if(err)
      fprintf(err, "%s: no \"runs\" array: not an accessprobe run index\n",
              path);
    json_decref(root);
    return -1;
  }
  size_t i;
  json_t *o;
  json_array_foreach(runs, i, o) {
    struct prb_run_entry e;
    if(!entry_from_json(o, &e)) {
      if(err)
        fprintf(err, "%s: run %zu is malformed; ignored\n", path, i + 1);
      continue;
    }
    if(!prb_state_index_put(ix, &e)) {
      json_decref(root);
      prb_state_index_free(ix);
      return -1;
    }
  }
  json_decref(root);
  return 0;
}

int prb_state_index_save(const char *dir, const struct prb_index *ix,
                         char *why, size_t whylen)
{
  char path[4096];
  if(!prb_state_path(dir, PRB_STATE_INDEX, path, sizeof(path))) {
    snprintf(why, whylen, "%s: name too long", dir);
    return -1;
  }
  json_t *runs = json_array();
  json_t *root = runs ? json_pack("{s:i, s:o}", "version",
                                  PRB_STATE_INDEX_VERSION, "runs", runs) :
                 NULL;
  if(!root) {
    snprintf(why, whylen, "out of memory");
    return -1;
  }
  for(size_t i = 0; i < ix->n; i++)
    if(json_array_append_new(runs, entry_to_json(&ix->runs[i])) < 0) {
      json_decref(root);
      snprintf(why, whylen, "out of memory");
      return -1;
    }
  char *text = json_dumps(root, JSON_INDENT(1) | JSON_PRESERVE_ORDER);
  json_decref(root);
  if(!text) {
    snprintf(why, whylen, "out of memory");
    return -1;
  }
  size_t len = strlen(text);
  char *line = realloc(text, len + 2);
  if(!line) {
    free(text);
    snprintf(why, whylen, "out of memory");
    return -1;
  }
  line[len] = '\n';
  line[len + 1] = '\0';
  int rc = prb_write_atomic(path, line, len + 1, why, whylen);
  free(line);
  return rc;
}

bool prb_state_index_put(struct prb_index *ix, const struct prb_run_entry *e)
{
  for(size_t i = 0; i < ix->n; i++)
    if(!strcmp(ix->runs[i].id, e->id)) {
      ix->runs[i] = *e;
      return true;
    }
  if(!prb_array_reserve(&ix->runs, &ix->cap, ix->n + 1, sizeof(*ix->runs),
                        SIZE_MAX))
    return false;
  ix->runs[ix->n++] = *e;
  return true;
}

struct prb_run_entry *prb_state_index_find(struct prb_index *ix,
                                           const char *id)
{
  struct prb_run_entry *prefix = NULL;
  size_t n_prefix = 0, len = strlen(id);
  for(size_t i = 0; i < ix->n; i++) {
    if(!strcmp(ix->runs[i].id, id))
      return &ix->runs[i];
    if(len && !strncmp(ix->runs[i].id, id, len)) {
      prefix = &ix->runs[i];
      n_prefix++;
    }
  }
  return n_prefix == 1 ? prefix : NULL;
}

void prb_state_index_free(struct prb_index *ix)
{
  if(!ix)
    return;
  free(ix->runs);
  memset(ix, 0, sizeof(*ix));
}

int prb_state_count(const char *path, size_t counts[PRB_STATE_VERDICTS], size_t *total)
{
  memset(counts, 0, sizeof(size_t) * PRB_STATE_VERDICTS);
  *total = 0;
  FILE *f = fopen(path, "rbe");
  if(!f)
    return -1;
  char *line = NULL;
  size_t cap = 0;
  ssize_t n;
  while((n = getline(&line, &cap, f)) > 0) {
    if(line[n - 1] != '\n')
      break;                    /* a torn tail is not a record */
    json_t *j = json_loadb(line, (size_t)n, 0, NULL);
    json_t *tk = json_object_get(j, "test_keys");
    /* a second look is the same site again: counted once, by its first */
    if(json_is_object(j) && !json_object_get(tk, "x_second_look")) {
      counts[prb_state_record_verdict(j)]++;
      (*total)++;
    }
    json_decref(j);
  }
  free(line);
  fclose(f);
  return 0;
}

/* ---- recovery ------------------------------------------------------- */

static bool is_day(const char *s)
{
  static const char pat[] = "dddd-dd-dd";
  if(strlen(s) != 10)
    return false;
  for(size_t i = 0; i < 10; i++)
    if(pat[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != '-')
      return false;
  return true;
}

/* Network of the run from its first record (empty when unreadable). */
static void first_record_network(const char *path, struct prb_run_entry *e)
{
  FILE *f = fopen(path, "rbe");
  if(!f)
    return;
  char *line = NULL;
  size_t cap = 0;
  if(getline(&line, &cap, f) > 0) {
    json_t *j = json_loads(line, 0, NULL);
    copy_str(e->asn, sizeof(e->asn), json_object_get(j, "probe_asn"));
    copy_str(e->cc, sizeof(e->cc), json_object_get(j, "probe_cc"));
    copy_str(e->network, sizeof(e->network),
             json_object_get(j, "probe_network_name"));
    json_decref(j);
  }
  free(line);
  fclose(f);
}

/* Recovered runs go where their day puts them. Stable on purpose: runs
 * started in the same second keep the order the index recorded them in
 * (their ids are random, so ordering by id would shuffle them). */
static void sort_by_start(struct prb_index *ix)
{
  for(size_t i = 1; i < ix->n; i++) {
    if(strcmp(ix->runs[i - 1].started, ix->runs[i].started) <= 0)
      continue;
    struct prb_run_entry moved = ix->runs[i];
    size_t j = i;
    while(j > 0 && strcmp(ix->runs[j - 1].started, moved.started) > 0) {
      ix->runs[j] = ix->runs[j - 1];
      j--;
    }
    ix->runs[j] = moved;
  }
}

long prb_state_index_rebuild(const char *dir, struct prb_index *ix)
{
  char results[4096];
  if(!prb_state_path(dir, "results", results, sizeof(results)))
    return 0;
  DIR *top = opendir(results);
  if(!top)
    return 0;
  long found = 0;
  struct dirent *d;
  while((d = readdir(top))) {
    if(!is_day(d->d_name))
      continue;
    char day[4200];
    snprintf(day, sizeof(day), "%.4000s/%.10s", results, d->d_name);
    DIR *sub = opendir(day);
    if(!sub)
      continue;
    struct dirent *f;
    while((f = readdir(sub))) {
      size_t len = strlen(f->d_name);
      if(len <= 6 || len - 6 >= sizeof(ix->runs[0].id) ||
         strcmp(f->d_name + len - 6, ".jsonl"))
        continue;
      /* Not a name this probe writes, and one the index could not hold. */
      if(!prb_utf8_valid(f->d_name, len))
        continue;
      struct prb_run_entry e;
      memset(&e, 0, sizeof(e));
      snprintf(e.id, sizeof(e.id), "%.*s", (int)(len - 6), f->d_name);
      snprintf(e.file, sizeof(e.file), "results/%.10s/%.*s", d->d_name,
               (int)(sizeof(e.file) - 20), f->d_name);
      bool known = false;
      for(size_t i = 0; i < ix->n && !known; i++)
        known = !strcmp(ix->runs[i].id, e.id) ||
                !strcmp(ix->runs[i].file, e.file);
      if(known)
        continue;
      snprintf(e.started, sizeof(e.started), "%.10sT00:00:00Z", d->d_name);
      snprintf(e.status, sizeof(e.status), "recovered");
      char path[4400];
      snprintf(path, sizeof(path), "%.4100s/%.255s", day, f->d_name);
      first_record_network(path, &e);
      size_t total;
      prb_state_count(path, e.counts, &total);
      if(!prb_state_index_put(ix, &e)) {
        closedir(sub);
        closedir(top);
        return -1;
      }
      found++;
    }
    closedir(sub);
  }
  closedir(top);
  if(found > 0)
    sort_by_start(ix);
  return found;
}

long prb_state_index_open(const char *dir, struct prb_index *ix, FILE *err)
{
  if(prb_state_index_load(dir, ix, err) < 0) {
    /* Never lose the old index silently: keep it beside the new one. */
    char old[4096], aside[4200];
    if(prb_state_path(dir, PRB_STATE_INDEX, old, sizeof(old))) {
      snprintf(aside, sizeof(aside), "%s.bad-%ld", old, (long)time(NULL));
      if(rename(old, aside) == 0 && err)
        fprintf(err, "accessprobe: the run index was unreadable; kept as "
                "%s, and rebuilt from the results files\n", aside);
    }
    memset(ix, 0, sizeof(*ix));
  }
  /* Whatever the index says (missing, damaged, entries dropped as
   * malformed), retention must see every run on disk, or the card fills. */
  long found = prb_state_index_rebuild(dir, ix);
  if(found > 0 && err)
    fprintf(err, "accessprobe: %ld runs in %s/results were not in the run "
            "index; added (status \"recovered\")\n", found, dir);
  return found < 0 ? -1 : (long)ix->n;
}

static bool is_status(const char *s, const char *const *set)
{
  for(; *set; set++)
    if(!strcmp(s, *set))
      return true;
  return false;
}

struct prb_run_entry *prb_state_resumable(struct prb_index *ix,
                                          bool same_day, time_t now)
{
  /* Only a run that stopped before its end; "complete" and "recovered"
   * (rebuilt: nothing says it was unfinished) are done. */
  static const char *const open_runs[] = {
    "running", "interrupted", "disk_full", "budget", NULL
  };
  /* An offline run measured nothing: look past it. */
  size_t i = ix->n;
  while(i > 0 && !strcmp(ix->runs[i - 1].status, "offline"))
    i--;
  if(!i)
    return NULL;
  struct prb_run_entry *e = &ix->runs[i - 1];
  if(!e->file[0] || !is_status(e->status, open_runs))
    return NULL;
  if(same_day) {
    /* A new UTC day is a new daily measurement, not yesterday's rest. */
    char today[24];
    iso_now(today, now);
    if(strncmp(e->started, today, 10))
      return NULL;
  }
  return e;
}

size_t prb_state_offline_streak(const struct prb_index *ix,
                                const char **since)
{
  size_t n = 0;
  while(n < ix->n && !strcmp(ix->runs[ix->n - 1 - n].status, "offline"))
    n++;
  if(since)
    *since = n < ix->n ? ix->runs[ix->n - 1 - n].started : NULL;
  return n;
}

void prb_state_own_file(const char *path)
{
  if(geteuid() != 0)
    return;
  int fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
                0640);
  if(fd >= 0) {
    prb_inherit_owner(fd, path);
    close(fd);
  }
}

/* ---- retention ------------------------------------------------------ */

static time_t parse_iso(const char *s)
{
  struct tm tm;
  memset(&tm, 0, sizeof(tm));
  char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return end && !*end ? timegm(&tm) : (time_t)-1;
}

long prb_state_age(const struct prb_run_entry *e)
{
  time_t t = parse_iso(e->started);
  return t == (time_t)-1 ? -1 : (long)(time(NULL) - t);
}

void prb_state_now(char out[24])
{
  iso_now(out, time(NULL));
}

static unsigned long long file_bytes(const char *path)
{
  struct stat st;
  return stat(path, &st) == 0 ? (unsigned long long)st.st_size : 0;
}

/* The bytes a run holds: its file and any set-aside tail. */
static unsigned long long run_bytes(const char *dir,
                                    const struct prb_run_entry *e)
{
  char p[4096], side[4200];
  if(!e->file[0] || !prb_state_path(dir, e->file, p, sizeof(p)))
    return 0;
  snprintf(side, sizeof(side), "%s.partial", p);
  return file_bytes(p) + file_bytes(side);
}

static void delete_run(const char *dir, struct prb_index *ix, size_t i,
                       const char *why, const struct prb_retain_hold *hold,
                       FILE *log)
{
  struct prb_run_entry *e = &ix->runs[i];
  char p[4096], side[4200];
  if(e->file[0] && prb_state_path(dir, e->file, p, sizeof(p))) {
    snprintf(side, sizeof(side), "%s.partial", p);
    unlink(p);
    unlink(side);
    char day[4096];
    if(prb_dir_of(p, day, sizeof(day)))
      rmdir(day);               /* the dated folder, once empty */
  }
  if(hold && hold->deleted)
    hold->deleted(hold->arg, e);
  if(log)
    fprintf(log, "accessprobe: retention: deleted run %s (%s)\n", e->id,
            why);
  memmove(&ix->runs[i], &ix->runs[i + 1],
          (ix->n - i - 1) * sizeof(ix->runs[0]));
  ix->n--;
}

/* Records of run e still waiting for a collector (0 without a hold). */
static size_t held(const struct prb_retain_hold *hold,
                   const struct prb_run_entry *e, char *who, size_t wholen)
{
  who[0] = '\0';
  return hold && hold->waiting ? hold->waiting(hold->arg, e, who, wholen) : 0;
}

size_t prb_state_retain(const char *dir, struct prb_index *ix, long days,
                        long max_mb, const char *keep_id, FILE *log)
{
  return prb_state_retain_hold(dir, ix, days, max_mb, keep_id, NULL, log);
}

size_t prb_state_retain_hold(const char *dir, struct prb_index *ix, long days,
                             long max_mb, const char *keep_id,
                             const struct prb_retain_hold *hold, FILE *log)
{
  size_t deleted = 0;
  char who[512];
  /* Ages count back from the newest earlier run, not from the wall clock
   * alone: a clock years ahead would otherwise delete every run. */
  time_t now = time(NULL), ref = (time_t)-1;
  for(size_t i = 0; i < ix->n; i++) {
    time_t t = parse_iso(ix->runs[i].started);
    if(t != (time_t)-1 && (!keep_id || strcmp(ix->runs[i].id, keep_id)) &&
       (ref == (time_t)-1 || t > ref))
      ref = t;
  }
  if(ref == (time_t)-1 || ref > now)
    ref = now;
  for(size_t i = 0; i < ix->n;) {
    struct prb_run_entry *e = &ix->runs[i];
    time_t t = parse_iso(e->started);
    bool keep = keep_id && !strcmp(e->id, keep_id);
    if(!keep && t != (time_t)-1 && ref - t > (time_t)days * 86400) {
      size_t w = held(hold, e, who, sizeof(who));
      if(w) {
        if(log)
          fprintf(log, "accessprobe: retention: kept run %s past the age "
                  "limit: %zu records still wait for %s\n", e->id, w, who);
        i++;
        continue;
      }
      delete_run(dir, ix, i, "older than the retention limit", hold, log);
      deleted++;
    } else
      i++;
  }
  unsigned long long total = 0, cap = (unsigned long long)max_mb << 20;
  for(size_t i = 0; i < ix->n; i++)
    total += run_bytes(dir, &ix->runs[i]);
  /* The index is oldest first: delete from the front; runs still waiting
   * for a collector only when the others were not enough. */
  for(int pass = 0; pass < 2; pass++)
    for(size_t i = 0; i < ix->n && total > cap;) {
      struct prb_run_entry *e = &ix->runs[i];
      size_t w = keep_id && !strcmp(e->id, keep_id) ? 0 :
                 held(hold, e, who, sizeof(who));
      if((keep_id && !strcmp(e->id, keep_id)) || (w && pass == 0)) {
        i++;
        continue;
      }
      char why[700];
      if(w)
        snprintf(why, sizeof(why), "results over the size limit; %zu of its "
                 "records never reached %s and are lost", w, who);
      else
        snprintf(why, sizeof(why), "results over the size limit");
      total -= run_bytes(dir, e);
      delete_run(dir, ix, i, why, hold, log);
      deleted++;
    }
  return deleted;
}
