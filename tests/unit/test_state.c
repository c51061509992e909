/* test_state.c: run index round trip, verdict counts, retention by age and
 * size (never the current run), state folder defaults. */
#include "check.h"
#include "volunteer/state.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static char dir[] = "/tmp/test_state.XXXXXX";

static void write_file(const char *path, const char *text, size_t repeat)
{
  FILE *f = fopen(path, "w");
  if(f) {
    for(size_t i = 0; i < repeat; i++)
      fputs(text, f);
    fclose(f);
  }
}

static bool exists(const char *rel)
{
  char p[4096];
  snprintf(p, sizeof(p), "%s/%s", dir, rel);
  return access(p, F_OK) == 0;
}

/* An entry whose file holds `records` copies of a record. */
static void add_run(struct prb_index *ix, const char *id, const char *day,
                    const char *verdict_line, size_t records)
{
  struct prb_run_entry e;
  memset(&e, 0, sizeof(e));
  snprintf(e.id, sizeof(e.id), "%s", id);
  snprintf(e.started, sizeof(e.started), "%sT10:00:00Z", day);
  snprintf(e.status, sizeof(e.status), "complete");
  snprintf(e.asn, sizeof(e.asn), "AS9198");
  snprintf(e.cc, sizeof(e.cc), "KZ");
  snprintf(e.file, sizeof(e.file), "results/%s/%s.jsonl", day, id);
  char p[4096];
  snprintf(p, sizeof(p), "%s/results/%s", dir, day);
  mkdir(p, 0750);
  snprintf(p, sizeof(p), "%s/%s", dir, e.file);
  write_file(p, verdict_line, records);
  CHECK(prb_state_index_put(ix, &e));
}

static void test_index(void)
{
  char why[256];
  CHECK_INT(prb_state_prepare(dir, why, sizeof(why)), 0);
  struct prb_index ix;
  CHECK_INT(prb_state_index_load(dir, &ix, stderr), 0);   /* none yet */
  CHECK_INT(ix.n, 0);
  struct prb_run_entry e;
  CHECK_INT(prb_state_new_run(dir, "AS9198", "KZ", &e, why, sizeof(why)), 0);
  CHECK_STR(e.status, "running");
  CHECK(!strncmp(e.file, "results/", 8));
  CHECK(strstr(e.file, e.id) != NULL);
  CHECK(strstr(e.id, "_KZ_") != NULL);
  e.inputs = 97;
  e.left = 3;
  e.counts[PRB_VERDICT_BLOCKED] = 5;
  snprintf(e.network, sizeof(e.network), "Kazakhtelecom");
  CHECK(prb_state_index_put(&ix, &e));
  CHECK(prb_state_index_put(&ix, &e));                     /* replaces */
  CHECK_INT(ix.n, 1);
  CHECK_INT(prb_state_index_save(dir, &ix, why, sizeof(why)), 0);
  prb_state_index_free(&ix);
  CHECK_INT(prb_state_index_load(dir, &ix, stderr), 0);
  CHECK_INT(ix.n, 1);
  struct prb_run_entry *got = prb_state_index_find(&ix, e.id);
  CHECK(got != NULL);
  if(got) {
    CHECK_STR(got->file, e.file);
    CHECK_STR(got->network, "Kazakhtelecom");
    CHECK_INT(got->inputs, 97);
    CHECK_INT(got->left, 3);
    CHECK_INT(got->counts[PRB_VERDICT_BLOCKED], 5);
    CHECK_STR(got->finished, "");
  }
  /* A unique prefix finds it too. */
  char prefix[16];
  snprintf(prefix, sizeof(prefix), "%.15s", e.id);
  CHECK(prb_state_index_find(&ix, prefix) == got);
  CHECK(prb_state_index_find(&ix, "nope") == NULL);
  CHECK(prb_state_age(got) >= 0 && prb_state_age(got) < 60);
  prb_state_index_free(&ix);

  /* A file name escaping results/ is refused. */
  char p[4096];
  snprintf(p, sizeof(p), "%s/%s", dir, PRB_STATE_INDEX);
  write_file(p, "{\"version\":1,\"runs\":[{\"id\":\"x\",\"file\":"
             "\"results/../../etc/passwd\"}]}", 1);
  CHECK_INT(prb_state_index_load(dir, &ix, NULL), 0);
  CHECK_INT(ix.n, 0);
  prb_state_index_free(&ix);
  /* A malformed index is an error, not an empty one. */
  write_file(p, "{\"version\":1,\"runs\":[", 1);
  CHECK_INT(prb_state_index_load(dir, &ix, NULL), -1);
  unlink(p);
}

static void test_count(void)
{
  char p[4096];
  snprintf(p, sizeof(p), "%s/count.jsonl", dir);
  FILE *f = fopen(p, "w");
  if(!f)
    return;
  fputs("{\"input\":\"a\",\"test_keys\":{\"x_analysis\":{\"verdict\":\"ok\"}}}\n"
        "{\"input\":\"b\",\"test_keys\":{\"x_analysis\":{\"verdict\":"
        "\"blocked\"}}}\n"
        "{\"input\":\"c\",\"test_keys\":{\"x_analysis\":{\"verdict\":"
        "\"blocked\"}}}\n"
        "{\"input\":\"d\",\"test_keys\":{}}\n"
        "{\"input\":\"e\",\"test_keys\":{\"x_analysis\":{\"verdict\":"
        "\"weird\"}}}\n"
        "{\"input\":\"torn", f);
  fclose(f);
  size_t counts[PRB_STATE_VERDICTS], total;
  CHECK_INT(prb_state_count(p, counts, &total), 0);
  CHECK_INT(total, 5);
  CHECK_INT(counts[PRB_VERDICT_OK], 1);
  CHECK_INT(counts[PRB_VERDICT_BLOCKED], 2);
  CHECK_INT(counts[PRB_VERDICT_UNCLASSIFIED], 2);
  CHECK_STR(prb_state_verdict_name(PRB_VERDICT_PROBE_OFFLINE), "probe_offline");
  CHECK_INT(prb_state_count("/nonexistent", counts, &total), -1);
}

static void test_retention(void)
{
  struct prb_index ix;
  memset(&ix, 0, sizeof(ix));
  char line[1024];
  memset(line, 'x', sizeof(line) - 2);
  line[sizeof(line) - 2] = '\n';
  line[sizeof(line) - 1] = '\0';
  add_run(&ix, "old1", "2001-01-01", line, 10);
  add_run(&ix, "old2", "2001-01-02", line, 10);
  char day[16], day2[16];
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(day, sizeof(day), "%Y-%m-%d", &tm);
  time_t before = now - 86400;
  gmtime_r(&before, &tm);
  strftime(day2, sizeof(day2), "%Y-%m-%d", &tm);
  add_run(&ix, "big1", day2, line, 700);        /* ~0.7 MiB each */
  add_run(&ix, "big2", day, line, 700);
  add_run(&ix, "cur", day, line, 700);
  /* The current run is kept even when it is old. */
  add_run(&ix, "keepme", "2001-01-03", line, 1);
  /* keep "keepme" (as the run in progress); 1 MiB cap. */
  size_t n = prb_state_retain(dir, &ix, 30, 1, "keepme", NULL);
  CHECK(exists("results/2001-01-03/keepme.jsonl"));
  CHECK(!exists("results/2001-01-01/old1.jsonl"));
  CHECK(!exists("results/2001-01-01"));             /* empty dated folder */
  CHECK(!exists("results/2001-01-02/old2.jsonl"));
  /* Oldest first until under 1 MiB: big1 and big2 go, cur stays. */
  CHECK(!exists("results/big1.jsonl"));
  char rel[128];
  snprintf(rel, sizeof(rel), "results/%s/big1.jsonl", day2);
  CHECK(!exists(rel));
  snprintf(rel, sizeof(rel), "results/%s/big2.jsonl", day);
  CHECK(!exists(rel));
  snprintf(rel, sizeof(rel), "results/%s/cur.jsonl", day);
  CHECK(exists(rel));
  CHECK_INT(n, 4);
  CHECK_INT(ix.n, 2);
  CHECK(prb_state_index_find(&ix, "cur") != NULL);
  CHECK(prb_state_index_find(&ix, "keepme") != NULL);
  prb_state_index_free(&ix);
}

static void test_rebuild(void)
{
  char p[4096];
  snprintf(p, sizeof(p), "%s/results/2030-01-02", dir);
  CHECK(mkdir(p, 0750) == 0);
  snprintf(p, sizeof(p), "%s/results/2030-01-02/RUNB.jsonl", dir);
  write_file(p, "{\"input\":\"a\",\"probe_asn\":\"AS9198\",\"probe_cc\":"
             "\"KZ\",\"test_keys\":{\"x_analysis\":{\"verdict\":\"ok\"}}}\n", 3);
  snprintf(p, sizeof(p), "%s/results/2030-01-02/RUNB.jsonl.partial", dir);
  write_file(p, "{\"inp", 1);
  snprintf(p, sizeof(p), "%s/results/notaday", dir);
  CHECK(mkdir(p, 0750) == 0);
  snprintf(p, sizeof(p), "%s/results/notaday/X.jsonl", dir);
  write_file(p, "{}\n", 1);
  struct prb_index ix;
  memset(&ix, 0, sizeof(ix));
  long n = prb_state_index_rebuild(dir, &ix);
  CHECK(n >= 1);
  struct prb_run_entry *e = prb_state_index_find(&ix, "RUNB");
  CHECK(e != NULL);
  if(e) {
    CHECK_STR(e->file, "results/2030-01-02/RUNB.jsonl");
    CHECK_STR(e->started, "2030-01-02T00:00:00Z");
    CHECK_STR(e->status, "recovered");
    CHECK_STR(e->asn, "AS9198");
    CHECK_STR(e->cc, "KZ");
    CHECK_INT(e->counts[PRB_VERDICT_OK], 3);
  }
  CHECK(prb_state_index_find(&ix, "X") == NULL);
  /* Oldest first, and a second pass adds nothing. */
  for(size_t i = 1; i < ix.n; i++)
    CHECK(strcmp(ix.runs[i - 1].started, ix.runs[i].started) <= 0);
  CHECK_INT(prb_state_index_rebuild(dir, &ix), 0);
  prb_state_index_free(&ix);
}

/* Runs on disk that runs.json does not list (it is missing, or their
 * entries are malformed) still reach the index that retention uses. */
static void test_open_unlisted(void)
{
  char p[4096], why[256];
  snprintf(p, sizeof(p), "%s/unlisted", dir);
  CHECK_INT(prb_state_prepare(p, why, sizeof(why)), 0);
  char sub[4200];
  snprintf(sub, sizeof(sub), "%s/results/2001-01-01", p);
  CHECK(mkdir(sub, 0750) == 0);
  snprintf(sub, sizeof(sub), "%s/results/2001-01-01/gone.jsonl", p);
  write_file(sub, "{\"input\":\"a\"}\n", 1);
  snprintf(sub, sizeof(sub), "%s/results/2001-01-01/bad.jsonl", p);
  write_file(sub, "{\"input\":\"b\"}\n", 1);
  struct prb_index ix;
  /* No runs.json at all. */
  CHECK_INT(prb_state_index_open(p, &ix, NULL), 2);
  CHECK(prb_state_index_find(&ix, "gone") != NULL);
  prb_state_index_free(&ix);
  /* An index whose entry for bad.jsonl is malformed (no id). */
  snprintf(sub, sizeof(sub), "%s/%s", p, PRB_STATE_INDEX);
  write_file(sub, "{\"version\":1,\"runs\":[{\"id\":\"gone\",\"file\":"
             "\"results/2001-01-01/gone.jsonl\",\"started\":"
             "\"2001-01-01T10:00:00Z\",\"status\":\"complete\"},"
             "{\"file\":\"results/2001-01-01/bad.jsonl\"}]}", 1);
  CHECK_INT(prb_state_index_open(p, &ix, NULL), 2);
  struct prb_run_entry *e = prb_state_index_find(&ix, "bad");
  CHECK(e != NULL);
  if(e)
    CHECK_STR(e->file, "results/2001-01-01/bad.jsonl");
  /* So both count toward the size limit and go when over it. */
  CHECK_INT(prb_state_retain(p, &ix, 36500, 0, NULL, NULL), 2);
  CHECK_INT(ix.n, 0);
  prb_state_index_free(&ix);
}

/* Runs started in the same second keep the order they were recorded in
 * through save and open, whatever their (random) ids; a recovered run
 * still goes where its day puts it. */
static void test_same_second_order(void)
{
  char p[4096], why[256];
  snprintf(p, sizeof(p), "%s/samesecond", dir);
  CHECK_INT(prb_state_prepare(p, why, sizeof(why)), 0);
  const char *ids[] = {"zzz", "aaa", "mmm"};
  struct prb_index ix;
  memset(&ix, 0, sizeof(ix));
  for(size_t i = 0; i < 3; i++) {
    struct prb_run_entry e;
    memset(&e, 0, sizeof(e));
    snprintf(e.id, sizeof(e.id), "%s", ids[i]);
    snprintf(e.started, sizeof(e.started), "2030-05-05T10:00:00Z");
    snprintf(e.status, sizeof(e.status), "complete");
    snprintf(e.file, sizeof(e.file), "results/2030-05-05/%s.jsonl", ids[i]);
    char f[4400];
    snprintf(f, sizeof(f), "%s/results/2030-05-05", p);
    mkdir(f, 0750);
    snprintf(f, sizeof(f), "%s/%s", p, e.file);
    write_file(f, "{\"input\":\"a\"}\n", 1);
    CHECK(prb_state_index_put(&ix, &e));
  }
  CHECK_INT(prb_state_index_save(p, &ix, why, sizeof(why)), 0);
  prb_state_index_free(&ix);
  char f[4400];
  snprintf(f, sizeof(f), "%s/results/2030-05-04", p);
  mkdir(f, 0750);
  snprintf(f, sizeof(f), "%s/results/2030-05-04/earlier.jsonl", p);
  write_file(f, "{\"input\":\"a\"}\n", 1);
  CHECK_INT(prb_state_index_open(p, &ix, NULL), 4);
  if(ix.n == 4) {
    CHECK_STR(ix.runs[0].id, "earlier");
    for(size_t i = 0; i < 3; i++)
      CHECK_STR(ix.runs[i + 1].id, ids[i]);
  }
  prb_state_index_free(&ix);
}

/* A network name cut inside a UTF-8 character (or with a stray byte) must
 * not make the index unsavable. */
static void test_network_text(void)
{
  char name[200];
  memset(name, 'a', 126);
  snprintf(name + 126, sizeof(name) - 126, "\xd0\x96\xd0\x96");
  struct prb_run_entry e;
  memset(&e, 0, sizeof(e));
  prb_state_copy_text(e.network, sizeof(e.network), name);
  CHECK_INT(strlen(e.network), 126);            /* not 127: mid-letter */
  prb_state_copy_text(e.network, sizeof(e.network), "Beeline \xff KZ");
  CHECK_STR(e.network, "Beeline \xef\xbf\xbd KZ");
  prb_state_copy_text(e.network, sizeof(e.network), NULL);
  CHECK_STR(e.network, "");
  /* Even an entry filled by hand with a torn letter is saved. */
  char p[4096], why[256];
  snprintf(p, sizeof(p), "%s/torn", dir);
  CHECK_INT(prb_state_prepare(p, why, sizeof(why)), 0);
  snprintf(e.id, sizeof(e.id), "torn");
  snprintf(e.status, sizeof(e.status), "complete");
  memset(e.network, 'a', 126);
  e.network[126] = '\xd0';
  e.network[127] = '\0';
  struct prb_index ix;
  memset(&ix, 0, sizeof(ix));
  CHECK(prb_state_index_put(&ix, &e));
  CHECK_INT(prb_state_index_save(p, &ix, why, sizeof(why)), 0);
  prb_state_index_free(&ix);
  CHECK_INT(prb_state_index_load(p, &ix, NULL), 0);
  CHECK_INT(ix.n, 1);
  prb_state_index_free(&ix);
}

/* Which run a new run carries on. */
static void test_resumable(void)
{
  struct prb_index ix;
  memset(&ix, 0, sizeof(ix));
  time_t now = time(NULL), yesterday = now - 86400;
  struct prb_run_entry e;
  memset(&e, 0, sizeof(e));
  snprintf(e.file, sizeof(e.file), "results/x/a.jsonl");
  struct tm tm;
  gmtime_r(&now, &tm);
  strftime(e.started, sizeof(e.started), "%Y-%m-%dT00:00:01Z", &tm);
  static const struct { const char *status; bool resumed; } cases[] = {
    {"running", true}, {"interrupted", true}, {"disk_full", true},
    {"budget", true}, {"complete", false}, {"recovered", false},
    {"failed", false},
  };
  for(size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    snprintf(e.id, sizeof(e.id), "r%zu", i);
    snprintf(e.status, sizeof(e.status), "%s", cases[i].status);
    ix.n = 0;
    CHECK(prb_state_index_put(&ix, &e));
    CHECK_INT(prb_state_resumable(&ix, true, now) != NULL, cases[i].resumed);
  }
  /* Today's budget run, then an offline one: carried on. */
  snprintf(e.status, sizeof(e.status), "budget");
  ix.n = 0;
  CHECK(prb_state_index_put(&ix, &e));
  snprintf(e.id, sizeof(e.id), "off");
  snprintf(e.status, sizeof(e.status), "offline");
  CHECK(prb_state_index_put(&ix, &e));
  CHECK(prb_state_resumable(&ix, true, now) == &ix.runs[0]);
  /* Yesterday's unfinished run: a new day is a new run for the timer, but
   * an explicit --resume still takes it. */
  ix.n = 0;
  gmtime_r(&yesterday, &tm);
  strftime(e.started, sizeof(e.started), "%Y-%m-%dT23:59:00Z", &tm);
  snprintf(e.status, sizeof(e.status), "interrupted");
  CHECK(prb_state_index_put(&ix, &e));
  CHECK(prb_state_resumable(&ix, true, now) == NULL);
  CHECK(prb_state_resumable(&ix, false, now) == &ix.runs[0]);
  prb_state_index_free(&ix);
}

/* Two runs that start in the same second (a short run, then the next one
 * on a fast machine): the index keeps them in the order they ran, so the
 * one that stopped on a full disk is still the one resumed. The index
 * used to be re-sorted by start time and then id on every open, and ids
 * end in random letters: one time in two the finished run came last and
 * the next run started afresh (volunteer.disk_full, one run in 3-4). */
static void test_same_second(void)
{
  char p[4096], why[256], f[4400];
  snprintf(p, sizeof(p), "%s/same-second", dir);
  CHECK_INT(prb_state_prepare(p, why, sizeof(why)), 0);
  time_t now = time(NULL);
  struct tm tm;
  gmtime_r(&now, &tm);
  char day[16];
  strftime(day, sizeof(day), "%Y-%m-%d", &tm);
  snprintf(f, sizeof(f), "%s/results/%s", p, day);
  CHECK(mkdir(f, 0750) == 0);
  struct prb_index ix;
  memset(&ix, 0, sizeof(ix));
  /* The first run sorts last by id; the second stopped on a full disk. */
  static const char *const ids[2] = {"T_zzzz", "T_aaaa"};
  static const char *const status[2] = {"complete", "disk_full"};
  for(int i = 0; i < 2; i++) {
    struct prb_run_entry e;
    memset(&e, 0, sizeof(e));
    snprintf(e.id, sizeof(e.id), "%s", ids[i]);
    strftime(e.started, sizeof(e.started), "%Y-%m-%dT%H:%M:%SZ", &tm);
    snprintf(e.status, sizeof(e.status), "%s", status[i]);
    snprintf(e.file, sizeof(e.file), "results/%s/%s.jsonl", day, ids[i]);
    snprintf(f, sizeof(f), "%s/%s", p, e.file);
    write_file(f, "{\"input\":\"http://a.kz/\"}\n", 1);
    CHECK(prb_state_index_put(&ix, &e));
  }
  CHECK_INT(prb_state_index_save(p, &ix, why, sizeof(why)), 0);
  prb_state_index_free(&ix);
  /* A run unknown to the index, found on disk, goes by its date and does
   * not move the listed ones. */
  snprintf(f, sizeof(f), "%s/results/2001-01-01", p);
  CHECK(mkdir(f, 0750) == 0);
  snprintf(f, sizeof(f), "%s/results/2001-01-01/old.jsonl", p);
  write_file(f, "{\"input\":\"http://b.kz/\"}\n", 1);
  for(int pass = 0; pass < 2; pass++) {
    CHECK_INT(prb_state_index_open(p, &ix, NULL), 3);
    CHECK_STR(ix.runs[0].id, "old");
    CHECK_STR(ix.runs[1].id, "T_zzzz");
    CHECK_STR(ix.runs[2].id, "T_aaaa");
    struct prb_run_entry *r = prb_state_resumable(&ix, true, now);
    CHECK(r != NULL);
    if(r)
      CHECK_STR(r->id, "T_aaaa");
    CHECK_INT(prb_state_index_save(p, &ix, why, sizeof(why)), 0);
    prb_state_index_free(&ix);
  }
}

/* A clock years ahead must not make every earlier run "old". */
static void test_retention_clock(void)
{
  char p[1024], why[256];
  snprintf(p, sizeof(p), "%s/clock", dir);
  CHECK_INT(prb_state_prepare(p, why, sizeof(why)), 0);
  struct prb_index ix;
  memset(&ix, 0, sizeof(ix));
  char line[] = "{\"input\":\"x\"}\n";
  static const char *const days[] = {
    "2001-01-01", "2001-03-01", "2001-03-10", "2001-03-11"
  };
  char ids[4][8];
  for(int i = 0; i < 4; i++) {
    snprintf(ids[i], sizeof(ids[i]), "c%d", i);
    struct prb_run_entry e;
    memset(&e, 0, sizeof(e));
    snprintf(e.id, sizeof(e.id), "%s", ids[i]);
    snprintf(e.started, sizeof(e.started), "%sT10:00:00Z", days[i]);
    snprintf(e.status, sizeof(e.status), "complete");
    snprintf(e.file, sizeof(e.file), "results/%s/%s.jsonl", days[i], ids[i]);
    char f[4300];
    snprintf(f, sizeof(f), "%s/results/%s", p, days[i]);
    mkdir(f, 0750);
    snprintf(f, sizeof(f), "%s/%s", p, e.file);
    write_file(f, line, 1);
    CHECK(prb_state_index_put(&ix, &e));
  }
  /* The current run, started "now" by the clock. */
  struct prb_run_entry cur;
  CHECK_INT(prb_state_new_run(p, "AS9198", "KZ", &cur, why, sizeof(why)), 0);
  CHECK(prb_state_index_put(&ix, &cur));
  /* 30 days back from the newest earlier run (2001-03-11): only the
   * January one is older. */
  CHECK_INT(prb_state_retain(p, &ix, 30, 200, cur.id, NULL), 1);
  CHECK_INT(ix.n, 4);
  CHECK(prb_state_index_find(&ix, "c0") == NULL);
  CHECK(prb_state_index_find(&ix, "c1") != NULL);
  CHECK(prb_state_index_find(&ix, cur.id) != NULL);
  prb_state_index_free(&ix);
}

/* Run as root in a folder owned by the service user, every file and
 * folder made there is the service user's. */
static void test_owner(void)
{
  if(geteuid() != 0) {
    printf("test_owner: skipped (not root)\n");
    return;
  }
  char p[1024], why[256];
  snprintf(p, sizeof(p), "%s/owned", dir);
  CHECK(mkdir(p, 0750) == 0);
  CHECK(chown(p, 65534, 65534) == 0);
  CHECK_INT(prb_state_prepare(p, why, sizeof(why)), 0);
  struct prb_run_entry e;
  CHECK_INT(prb_state_new_run(p, "AS9198", "KZ", &e, why, sizeof(why)), 0);
  struct prb_index ix;
  memset(&ix, 0, sizeof(ix));
  CHECK(prb_state_index_put(&ix, &e));
  CHECK_INT(prb_state_index_save(p, &ix, why, sizeof(why)), 0);
  prb_state_index_free(&ix);
  char f[4300];
  snprintf(f, sizeof(f), "%s/%s", p, e.file);
  prb_state_own_file(f);
  char *made[4];
  char results[4300], day[4300], index[4300];
  snprintf(results, sizeof(results), "%s/results", p);
  snprintf(day, sizeof(day), "%s", f);
  *strrchr(day, '/') = '\0';
  snprintf(index, sizeof(index), "%s/%s", p, PRB_STATE_INDEX);
  made[0] = results;
  made[1] = day;
  made[2] = index;
  made[3] = f;
  for(int i = 0; i < 4; i++) {
    struct stat st;
    CHECK(stat(made[i], &st) == 0);
    if(st.st_uid != 65534 || st.st_gid != 65534)
      fprintf(stderr, "%s is owned by %u:%u\n", made[i],
              (unsigned)st.st_uid, (unsigned)st.st_gid);
    CHECK_INT(st.st_uid, 65534);
    CHECK_INT(st.st_gid, 65534);
  }
}

static void test_default_dir(void)
{
  char out[4096];
  setenv("STATE_DIRECTORY", "/var/lib/accessprobe:/var/lib/other", 1);
  CHECK(prb_state_default_dir(out, sizeof(out)));
  CHECK_STR(out, "/var/lib/accessprobe");
  unsetenv("STATE_DIRECTORY");
  setenv("XDG_STATE_HOME", "/home/v/.st", 1);
  CHECK(prb_state_default_dir(out, sizeof(out)));
  CHECK_STR(out, "/home/v/.st/accessprobe");
  unsetenv("XDG_STATE_HOME");
  setenv("HOME", "/home/v", 1);
  CHECK(prb_state_default_dir(out, sizeof(out)));
  CHECK_STR(out, "/home/v/.local/state/accessprobe");
}

int main(void)
{
  if(!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_index();
  test_count();
  test_retention();
  test_rebuild();
  test_open_unlisted();
  test_same_second_order();
  test_network_text();
  test_resumable();
  test_same_second();
  test_retention_clock();
  test_owner();
  test_default_dir();
  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  if(system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
  return test_summary();
}
