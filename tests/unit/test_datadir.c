/* test_datadir.c: where the shipped lists are found: $ACCESSPROBE_LISTS,
 * then the installed data folder, then (unless built for a package) the
 * source tree. The installed binary is checked by tests/package. */
#include "check.h"
#include "common/datadir.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/test_datadir.XXXXXX";

/* Where prb_datafile should find name when $ACCESSPROBE_LISTS does not
 * have it; NULL when nowhere. */
static const char *expected(const char *name, char *buf, size_t len)
{
  snprintf(buf, len, "%s/lists/%s", PRB_DATADIR, name);
  if(access(buf, R_OK) == 0)
    return buf;
#ifdef PRB_SRCDIR
  snprintf(buf, len, "%s/lists/%s", PRB_SRCDIR, name);
  if(access(buf, R_OK) == 0)
    return buf;
#endif
  return NULL;
}

int main(void)
{
  if(!mkdtemp(dir)) {
    perror("mkdtemp");
    return 1;
  }
  char got[4096], want[4096], mine[4200];
  unsetenv("ACCESSPROBE_LISTS");

  /* Installed, else the source tree. */
  const char *w = expected("kz-media.csv", want, sizeof(want));
#ifdef PRB_SRCDIR
  CHECK(w != NULL);             /* a build tree always has its lists */
#endif
  CHECK_INT(prb_datafile("kz-media.csv", got, sizeof(got)), w != NULL);
  if(w)
    CHECK_STR(got, w);
  CHECK(!prb_datafile("no-such-list.csv", got, sizeof(got)));

  /* $ACCESSPROBE_LISTS comes first, for the files it has. */
  snprintf(mine, sizeof(mine), "%s/kz-media.csv", dir);
  FILE *f = fopen(mine, "w");
  CHECK(f != NULL);
  if(f)
    fclose(f);
  setenv("ACCESSPROBE_LISTS", dir, 1);
  CHECK(prb_datafile("kz-media.csv", got, sizeof(got)));
  CHECK_STR(got, mine);
  w = expected("canaries.csv", want, sizeof(want));
  CHECK_INT(prb_datafile("canaries.csv", got, sizeof(got)), w != NULL);
  if(w)
    CHECK_STR(got, w);

  /* An empty variable is no folder; a path that does not fit is no find. */
  setenv("ACCESSPROBE_LISTS", "", 1);
  w = expected("kz-media.csv", want, sizeof(want));
  CHECK_INT(prb_datafile("kz-media.csv", got, sizeof(got)), w != NULL);
  setenv("ACCESSPROBE_LISTS", dir, 1);
  char tiny[8];
  CHECK(!prb_datafile("kz-media.csv", tiny, sizeof(tiny)));

  unlink(mine);
  rmdir(dir);
  return test_summary();
}
