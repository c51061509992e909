/* datadir.c: finding the shipped lists. */
#include "common/datadir.h"

#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static bool try_dir(const char *dir, const char *name, char *out,
                    size_t outlen)
{
  if(!dir || !dir[0])
    return false;
  int n = snprintf(out, outlen, "%s/%s", dir, name);
  return n > 0 && (size_t)n < outlen && access(out, R_OK) == 0;
}

bool prb_datafile(const char *name, char *out, size_t outlen)
{
  if(try_dir(getenv("ACCESSPROBE_LISTS"), name, out, outlen) ||
     try_dir(PRB_DATADIR "/lists", name, out, outlen))
    return true;
#ifdef PRB_SRCDIR
  /* Run from its build tree. Packages leave this out
   * (PRB_SOURCE_TREE_LISTS=OFF): no build path compiled in. */
  return try_dir(PRB_SRCDIR "/lists", name, out, outlen);
#else
  return false;
#endif
}
