/* test_writer.c: whole lines appended and counted; a failed write leaves
 * no partial line behind. */
#include "check.h"
#include "engine/writer.h"

#include <stdlib.h>
#include <sys/resource.h>
#include <signal.h>
#include <unistd.h>

static char *dup_line(const char *s, size_t *len)
{
  *len = strlen(s);
  char *d = malloc(*len + 1);
  memcpy(d, s, *len + 1);
  return d;
}

static size_t file_size(const char *path, char *buf, size_t cap)
{
  FILE *f = fopen(path, "rb");
  if(!f)
    return 0;
  size_t n = fread(buf, 1, cap, f);
  fclose(f);
  return n;
}

int main(void)
{
  char dir[] = "/tmp/prb-writer-XXXXXX";
  CHECK(mkdtemp(dir) != NULL);
  char path[256];
  snprintf(path, sizeof(path), "%s/sub/dir/out.jsonl", dir);
  char why[256];
  struct prb_writer *w = prb_writer_open(path, why, sizeof(why));
  CHECK(w != NULL);
  size_t len;
  char *line;
  line = dup_line("{\"a\":1}\n", &len);
  CHECK(prb_writer_add(w, line, len));
  line = dup_line("{\"b\":2}\n", &len);
  CHECK(prb_writer_add(w, line, len));
  CHECK_INT(prb_writer_flush(w), 2);
  CHECK_INT(prb_writer_count(w), 2);
  char buf[4096];
  size_t n = file_size(path, buf, sizeof(buf));
  CHECK_INT(n, 16);
  CHECK(!memcmp(buf, "{\"a\":1}\n{\"b\":2}\n", 16));

  /* A file size limit makes the next write fail half-way (EFBIG, as a full
   * disk would with ENOSPC): the partial line must be cut off again. */
  signal(SIGXFSZ, SIG_IGN);
  struct rlimit old, lim;
  getrlimit(RLIMIT_FSIZE, &old);
  lim = old;
  lim.rlim_cur = 24;
  CHECK(setrlimit(RLIMIT_FSIZE, &lim) == 0);
  line = dup_line("{\"c\":\"0123456789abcdef\"}\n", &len);
  CHECK(prb_writer_add(w, line, len));
  CHECK_INT(prb_writer_flush(w), -1);
  setrlimit(RLIMIT_FSIZE, &old);
  n = file_size(path, buf, sizeof(buf));
  CHECK_INT(n, 16);
  CHECK_INT(prb_writer_count(w), 2);
  prb_writer_close(w);

  /* An unwritable place is refused with a reason naming it. */
  w = prb_writer_open("/proc/no-such-dir/x.jsonl", why, sizeof(why));
  CHECK(w == NULL);
  CHECK(strstr(why, "/proc/no-such-dir/x.jsonl") != NULL);

  char cmd[300];
  snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
  CHECK(system(cmd) == 0);
  return test_summary();
}
