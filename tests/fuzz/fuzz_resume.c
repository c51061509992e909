/* fuzz_resume.c: volunteer/resume.c repairing the tail of a results file
 * after a crash or power cut (any bytes: torn lines, zeros, garbage),
 * in a private temporary folder.
 *
 * Properties: the file is cut back to a prefix of what it held that ends
 * in a whole JSON object and '\n' (or is empty); everything cut is in
 * FILE.partial followed by one '\n' and holds no whole object; complete
 * records and lines that are not records add up to the lines kept; a
 * second scan changes nothing. */
#include "fuzz.h"

#include <fcntl.h>
#include <jansson.h>
#include <sys/stat.h>

#include "volunteer/resume.h"

static char dir[64], path[128], side[160];

static void remove_dir(void)
{
  unlink(path);
  unlink(side);
  rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
  const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
  snprintf(dir, sizeof(dir), "%s/fuzz-resume.XXXXXX", base);
  FUZZ_CHECK(mkdtemp(dir));
  snprintf(path, sizeof(path), "%s/run.jsonl", dir);
  snprintf(side, sizeof(side), "%s.partial", path);
  atexit(remove_dir);
  return 0;
}

/* A whole JSON object, as resume.c judges a line (no NUL in it). */
static bool is_object(const char *p, size_t n)
{
  json_t *j = memchr(p, '\0', n) ? NULL : json_loadb(p, n, 0, NULL);
  bool ok = json_is_object(j);
  json_decref(j);
  return ok;
}

static unsigned char *slurp(const char *p, size_t *len)
{
  int fd = open(p, O_RDONLY | O_CLOEXEC);
  struct stat st;
  if(fd < 0) {
    *len = 0;
    return NULL;
  }
  FUZZ_CHECK(fstat(fd, &st) == 0);
  unsigned char *buf = malloc((size_t)st.st_size + 1);
  FUZZ_CHECK(buf);
  FUZZ_CHECK(read(fd, buf, (size_t)st.st_size) == st.st_size);
  close(fd);
  *len = (size_t)st.st_size;
  return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  if(!dir[0])
    LLVMFuzzerInitialize(NULL, NULL);
  unlink(side);
  int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  FUZZ_CHECK(fd >= 0 && write(fd, data, size) == (ssize_t)size);
  close(fd);

  struct prb_resume r;
  char why[256];
  prb_resume_init(&r);
  FUZZ_CHECK(prb_resume_scan(path, &r, why, sizeof(why)) == 0);
  size_t kept_len, side_len;
  unsigned char *kept = slurp(path, &kept_len);
  unsigned char *moved = slurp(side, &side_len);
  FUZZ_CHECK(kept_len <= size && (!kept_len || !memcmp(kept, data, kept_len)));
  FUZZ_CHECK(!kept_len || kept[kept_len - 1] == '\n');
  FUZZ_CHECK(r.moved == size - kept_len);
  if(r.moved)
    FUZZ_CHECK(side_len == r.moved + 1 && moved[r.moved] == '\n' &&
               !memcmp(moved, data + kept_len, r.moved));
  else
    FUZZ_CHECK(!moved);
  size_t lines = 0;
  for(size_t i = 0; i < kept_len; i++)
    lines += kept[i] == '\n';
  FUZZ_CHECK(r.kept + r.bad_lines == lines);
  FUZZ_CHECK(r.done.n <= r.kept);
  /* What was cut holds no whole record (complete lines that are not JSON
   * objects, then the torn tail), and the file ends in one, or is empty. */
  for(const uint8_t *p = data + kept_len, *nl;
      (nl = memchr(p, '\n', (size_t)(data + size - p))); p = nl + 1)
    FUZZ_CHECK(!is_object((const char *)p, (size_t)(nl - p)));
  if(kept_len) {
    const unsigned char *last = kept + kept_len - 1;
    while(last > kept && last[-1] != '\n')
      last--;
    FUZZ_CHECK(is_object((const char *)last,
                         (size_t)(kept + kept_len - 1 - last)));
  }

  struct prb_resume again;
  prb_resume_init(&again);
  FUZZ_CHECK(prb_resume_scan(path, &again, why, sizeof(why)) == 0);
  FUZZ_CHECK(again.moved == 0 && again.kept == r.kept &&
             again.bad_lines == r.bad_lines && again.done.n == r.done.n);
  prb_resume_free(&again);
  prb_resume_free(&r);
  free(kept);
  free(moved);
  unlink(path);
  unlink(side);
  return 0;
}
