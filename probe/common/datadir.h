/* datadir.h: where the shipped lists live (lists/ in the source tree, or
 * $prefix/share/accessprobe/lists once installed). */
#ifndef PRB_DATADIR_H
#define PRB_DATADIR_H

#include <stdbool.h>
#include <stddef.h>

/* Finds lists/<name>: $ACCESSPROBE_LISTS, then the installed data
 * directory, then the source tree this binary was built from (unless it
 * was built with PRB_SOURCE_TREE_LISTS=OFF, as packages are). Writes the
 * path to out and returns true when a readable file was found. */
bool prb_datafile(const char *name, char *out, size_t outlen);

#endif
