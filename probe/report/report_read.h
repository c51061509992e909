/* report_read.h: JSON Lines from a file, plain or gzip-compressed, one line
 * at a time in bounded memory.
 *
 * zlib's inflate reads gzip (concatenated members too); a file without the
 * gzip magic is read as is. Bytes after the last gzip member that do not
 * start another are an error, reported once every line before them has
 * been returned. Lines end
 * at '\n' (a '\r' before it is left to the JSON scanner, which treats it as
 * whitespace). A line longer than the reader's max_line is consumed to its
 * end and reported as PRB_LINES_TOO_LONG, never buffered; memory stays below
 * max_line plus one read chunk. A last line without '\n' is returned as is.
 */
#ifndef PRB_REPORT_READ_H
#define PRB_REPORT_READ_H

#include "common/caps.h"

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum prb_lines_status {
  PRB_LINES_LINE = 0,     /* line and len hold a line (no '\n'), valid until
                             the next call */
  PRB_LINES_EOF,
  PRB_LINES_TOO_LONG,     /* a line was skipped; *lineno is its number */
  PRB_LINES_ERROR         /* read error, truncated or corrupt gzip, or
                             trailing data after it: stop reading;
                             prb_lines_error() says why */
};

struct prb_lines;

/* Opens path ("-": standard input) for reading. max_line 0 means
 * PRB_LINES_MAX. NULL on failure, with *err set to a static reason. */
struct prb_lines *prb_lines_open(const char *path, size_t max_line,
                                 const char **err);

enum prb_lines_status prb_lines_next(struct prb_lines *r, const char **line,
                                     size_t *len, uint64_t *lineno);

/* Why the last PRB_LINES_ERROR happened; a string owned by r. */
const char *prb_lines_error(const struct prb_lines *r);

/* True when that error came after the last line (trailing data after the
 * gzip stream): nothing before it was lost. */
bool prb_lines_error_at_end(const struct prb_lines *r);

/* Uncompressed bytes consumed so far. */
uint64_t prb_lines_bytes(const struct prb_lines *r);

/* Closes the file and frees r; NULL is allowed. */
void prb_lines_close(struct prb_lines *r);

/* Every input under path, in a stable order: a file as it is ("-" for
 * standard input), a directory searched (to 16 levels, names sorted) for
 * *.jsonl, *.jsonl.gz, *.json and *.json.gz; a volunteer's state folder
 * (one holding runs.json or consent.json) only under its results/, where
 * its records are. fn(ctx, file) is called for
 * each; problems (an unreadable directory, a path too long) are named on
 * standard error after prog and make the result nonzero. Returns 0, 1
 * when something could not be searched, -1 when out of memory (the walk
 * stops). fn returns nonzero to stop the walk. */
typedef int (*prb_input_fn)(void *ctx, const char *file);
int prb_lines_walk(const char *path, const char *prog, prb_input_fn fn,
                   void *ctx);

#endif
