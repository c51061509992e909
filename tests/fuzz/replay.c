/* replay.c: a plain main() for a fuzzing harness, so every build replays
 * the seed corpus (and the crashers kept in it) without libFuzzer:
 *
 *   fuzz_NAME_replay DIR_OR_FILE...
 *
 * Runs every regular file (dot files and README.md excepted) through
 * LLVMFuzzerTestOneInput in name order. A failed property aborts, which
 * fails the test. An argument with no input in it is an error: a replay
 * that ran nothing must not pass. */
#include "fuzz.h"

#include <dirent.h>
#include <errno.h>
#include <sys/stat.h>

__attribute__((weak)) int LLVMFuzzerInitialize(int *argc, char ***argv);

static unsigned char *slurp(const char *path, size_t *len)
{
  FILE *f = fopen(path, "rb");
  if(!f)
    return NULL;
  size_t cap = 4096, n = 0;
  unsigned char *buf = malloc(cap);
  while(buf) {
    n += fread(buf + n, 1, cap - n, f);
    if(n < cap)
      break;
    unsigned char *nb = realloc(buf, cap * 2);
    if(!nb) {
      free(buf);
      buf = NULL;
      break;
    }
    buf = nb;
    cap *= 2;
  }
  if(buf && ferror(f)) {
    free(buf);
    buf = NULL;
  }
  fclose(f);
  *len = n;
  return buf;
}

static int run_file(const char *path)
{
  size_t len = 0;
  unsigned char *data = slurp(path, &len);
  if(!data) {
    fprintf(stderr, "replay: cannot read %s: %s\n", path, strerror(errno));
    return -1;
  }
  /* An exact-size copy, so ASan sees a read past the input's end. */
  unsigned char *exact = malloc(len ? len : 1);
  if(!exact) {
    free(data);
    return -1;
  }
  memcpy(exact, data, len);
  free(data);
  LLVMFuzzerTestOneInput(exact, len);
  free(exact);
  return 0;
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
  return strcmp((*a)->d_name, (*b)->d_name);
}

static int wanted(const struct dirent *d)
{
  return d->d_name[0] != '.' && strcmp(d->d_name, "README.md") != 0;
}

/* Runs path, or every file in it; returns the number run, -1 on error. */
static long run_path(const char *path)
{
  struct stat st;
  if(stat(path, &st) < 0) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  if(!S_ISDIR(st.st_mode))
    return run_file(path) < 0 ? -1 : 1;
  struct dirent **names;
  int n = scandir(path, &names, wanted, by_name);
  if(n < 0) {
    fprintf(stderr, "replay: %s: %s\n", path, strerror(errno));
    return -1;
  }
  long done = 0;
  for(int i = 0; i < n; i++) {
    char file[4096];
    snprintf(file, sizeof(file), "%s/%s", path, names[i]->d_name);
    if(done >= 0 && stat(file, &st) == 0 && S_ISREG(st.st_mode))
      done = run_file(file) < 0 ? -1 : done + 1;
    free(names[i]);
  }
  free(names);
  return done;
}

int main(int argc, char **argv)
{
  if(argc < 2) {
    fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  if(LLVMFuzzerInitialize)
    LLVMFuzzerInitialize(&argc, &argv);
  long total = 0;
  for(int i = 1; i < argc; i++) {
    long n = run_path(argv[i]);
    if(n <= 0) {
      if(n == 0)
        fprintf(stderr, "replay: no input in %s\n", argv[i]);
      return 1;
    }
    total += n;
  }
  printf("replayed %ld inputs: every property held\n", total);
  return 0;
}
