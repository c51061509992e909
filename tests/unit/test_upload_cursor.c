/* test_upload_cursor.c: the upload's durable cursor (a line done is done
 * after a reopen, a torn last entry is cut off, compaction keeps what is
 * done), the configuration's collectors (OONI's only by opt-in), and
 * retention with uploads: a run still waiting for a collector outlives the
 * age limit, and is deleted for size only when nothing else is left to
 * delete, with what is lost said. */
#include "check.h"
#include "volunteer/config.h"
#include "volunteer/state.h"
#include "volunteer/upload.h"
#include "volunteer/upload_cursor.h"

#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/test_upload_cursor.XXXXXX";
#define URL "https://collector.example.org/"

static void write_file(const char *path, const char *text)
{
  FILE *f = fopen(path, "w");
  if(f) {
    fputs(text, f);
    fclose(f);
  }
}

static void test_paths(void)
{
  char a[4096], b[4096], k[300];
  CHECK(prb_upload_collector_dir("/s", URL, a, sizeof(a)));
  CHECK(!strncmp(a, "/s/upload/collector.example.org-", 32));
  CHECK(prb_upload_collector_dir("/s", "https://collector.example.org", b,
                                 sizeof(b)));
  CHECK_STR(a, b);              /* a trailing '/' names the same one */
  CHECK(prb_upload_cursor_key("results/2024-02-01/RUN1.jsonl", k, sizeof(k)));
  CHECK_STR(k, "RUN1");
  CHECK(prb_upload_cursor_key("/data/x.jsonl", k, sizeof(k)));
  CHECK(!strncmp(k, "x-", 2) && strlen(k) == 10);
  CHECK(prb_upload_cursor_path("/s", URL, "results/2024-02-01/RUN1.jsonl", b,
                               sizeof(b)));
  CHECK(strstr(b, "/RUN1.cursor") != NULL);
}

static void test_cursor(void)
{
  char path[4200], why[512];
  struct prb_ucursor c;
  snprintf(path, sizeof(path), "%s/upload/c-1/RUN1.cursor", dir);
  CHECK_INT(prb_ucursor_open(&c, path, URL, "results/d/RUN1.jsonl", why,
                             sizeof(why)), 0);
  CHECK_INT(prb_ucursor_mark(&c, 1, 100, PRB_UC_ACKED, "uid1"), 0);
  CHECK_INT(prb_ucursor_mark(&c, 3, 300, PRB_UC_REFUSED, "HTTP 400: no"), 0);
  CHECK_INT(c.through, 1);
  CHECK(prb_ucursor_is_done(&c, 3) && !prb_ucursor_is_done(&c, 2));
  CHECK_INT(prb_ucursor_mark(&c, 2, 200, PRB_UC_SKIPPED, "AS0"), 0);
  CHECK_INT(c.through, 3);
  CHECK_INT(c.offset, 300);
  CHECK_INT(prb_ucursor_mark(&c, 5, 500, PRB_UC_ACKED, "uid5"), 0);
  prb_ucursor_close(&c);
  /* A kill -9 in the middle of an entry: the torn entry is cut off. */
  int fd = open(path, O_WRONLY | O_APPEND);
  CHECK(fd >= 0 && write(fd, "{\"line\":4,\"en", 13) == 13);
  close(fd);
  CHECK_INT(prb_ucursor_open(&c, path, URL, "results/d/RUN1.jsonl", why,
                             sizeof(why)), 0);
  CHECK_INT(c.through, 3);
  CHECK(prb_ucursor_is_done(&c, 5) && !prb_ucursor_is_done(&c, 4));
  CHECK_INT(c.acked, 2);
  CHECK_INT(c.refused, 1);
  CHECK_INT(c.skipped, 1);
  /* Compacted: the same lines done, the same counts, a short file. */
  CHECK_INT(prb_ucursor_compact(&c, "results/d/RUN1.jsonl", why, sizeof(why)),
            0);
  CHECK_INT(prb_ucursor_mark(&c, 4, 400, PRB_UC_ACKED, "uid4"), 0);
  prb_ucursor_close(&c);
  CHECK_INT(prb_ucursor_peek(&c, path), 0);
  CHECK_INT(c.through, 5);
  CHECK_INT(c.offset, 500);
  CHECK_INT(prb_ucursor_total(&c), 5);
  prb_ucursor_close(&c);
  /* A damaged entry before the last is named, never silently reset. */
  write_file(path, "{\"v\":1,\"file\":\"x\"}\nrubbish\n{\"line\":1,\"end\":2,"
             "\"uid\":\"u\"}\n");
  CHECK_INT(prb_ucursor_open(&c, path, URL, "x", why, sizeof(why)), -1);
  CHECK(strstr(why, ":2: not a cursor entry") != NULL);
}

static void test_collectors(void)
{
  char path[4200];
  const char *urls[PRB_MAX_COLLECTORS + 1];
  struct prb_config cf;
  snprintf(path, sizeof(path), "%s/config.json", dir);
  write_file(path, "{\"version\": 1, \"collectors\": [\"" URL "\"]}\n");
  prb_config_init(&cf);
  CHECK(prb_config_load(&cf, path, stderr));
  CHECK_INT(prb_upload_collectors(&cf, urls), 1);   /* never OONI unasked */
  CHECK_STR(urls[0], URL);
  prb_config_free(&cf);
  write_file(path, "{\"version\": 1, \"collectors\": [\"" URL "\"], "
             "\"ooni_upload\": true}\n");
  CHECK(prb_config_load(&cf, path, stderr));
  CHECK_INT(prb_upload_collectors(&cf, urls), 2);
  CHECK_STR(urls[1], PRB_UPLOAD_OONI_URL);
  prb_config_free(&cf);
  write_file(path, "{\"version\": 1, \"collectors\": [\"ftp://x/\"]}\n");
  CHECK(!prb_config_load(&cf, path, NULL));
  prb_config_free(&cf);
  write_file(path, "{\"version\": 1, \"ooni_upload\": \"yes\"}\n");
  CHECK(!prb_config_load(&cf, path, NULL));
  prb_config_free(&cf);
}

/* A run of 1 MiB (four records). */
static void make_run(struct prb_index *ix, const char *id, const char *day)
{
  struct prb_run_entry e;
  char p[4400], d[4200];
  memset(&e, 0, sizeof(e));
  snprintf(e.id, sizeof(e.id), "%s", id);
  snprintf(e.file, sizeof(e.file), "results/%s/%s.jsonl", day, id);
  snprintf(e.started, sizeof(e.started), "%sT00:00:00Z", day);
  snprintf(e.status, sizeof(e.status), "complete");
  e.counts[0] = 4;
  snprintf(d, sizeof(d), "%s/results/%s", dir, day);
  mkdir(d, 0755);
  snprintf(p, sizeof(p), "%s/%s.jsonl", d, id);
  FILE *f = fopen(p, "w");
  for(int i = 0; f && i < 4; i++)
    for(int k = 0; k < 65536; k++)
      fputs(k == 65535 ? "{}\n" : "{}  ", f);
  if(f)
    fclose(f);
  prb_state_index_put(ix, &e);
}

static void test_retention(void)
{
  char why[512], path[4200], logbuf[4096];
  struct prb_index ix;
  memset(&ix, 0, sizeof(ix));
  snprintf(path, sizeof(path), "%s/results", dir);
  mkdir(path, 0755);
  make_run(&ix, "old", "2024-01-01");
  make_run(&ix, "mid", "2024-03-01");
  make_run(&ix, "new", "2024-06-01");
  /* "mid" is all taken by the collector; "old" waits (one of four done). */
  struct prb_ucursor c;
  const char *runs[] = {"mid", "old"};
  for(int r = 0; r < 2; r++) {
    snprintf(path, sizeof(path), "%s/upload/x/%s.cursor", dir, runs[r]);
    prb_upload_cursor_path(dir, URL, r ? "results/2024-01-01/old.jsonl" :
                           "results/2024-03-01/mid.jsonl", path,
                           sizeof(path));
    CHECK_INT(prb_ucursor_open(&c, path, URL, "f", why, sizeof(why)), 0);
    for(int l = 1; l <= (r ? 1 : 4); l++)
      prb_ucursor_mark(&c, (uint64_t)l, (uint64_t)l * 10, PRB_UC_ACKED, "u");
    prb_ucursor_close(&c);
  }
  const char *urls[] = {URL};
  struct prb_upload_hold uh = {dir, urls, 1};
  struct prb_retain_hold hold;
  prb_upload_hold(&hold, &uh);
  FILE *log = fmemopen(logbuf, sizeof(logbuf), "w");
  /* By age (30 days before "new"): "mid" goes, "old" stays and says why. */
  CHECK_INT(prb_state_retain_hold(dir, &ix, 30, 100, NULL, &hold, log), 1);
  fflush(log);
  CHECK_INT(ix.n, 2);
  CHECK_STR(ix.runs[0].id, "old");
  CHECK(strstr(logbuf, "kept run old past the age limit: 3 records still "
                       "wait for " URL) != NULL);
  CHECK(access(path, F_OK) == 0);   /* old's cursor is still there */
  /* By size (1 MiB, "new" kept): only "old" can go, and it is said. */
  CHECK_INT(prb_state_retain_hold(dir, &ix, 36500, 1, "new", &hold, log), 1);
  fflush(log);
  CHECK_INT(ix.n, 1);
  CHECK(strstr(logbuf, "3 of its records never reached " URL) != NULL);
  CHECK(access(path, F_OK) != 0);   /* its cursor went with it */
  fclose(log);
  prb_state_index_free(&ix);
}

int main(void)
{
  if(!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  test_paths();
  test_cursor();
  test_collectors();
  test_retention();
  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  if(system(cmd) != 0)
    fprintf(stderr, "could not remove %s\n", dir);
  return test_summary();
}
