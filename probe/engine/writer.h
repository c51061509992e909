/* writer.h: JSON Lines written whole and durably.
 *
 * Finished records queue here; prb_writer_flush() appends each as one
 * write (retried until complete), then syncs the file once (group commit)
 * before any of them counts as done. A write that fails half-way (disk
 * full) is cut back off the file, so the file only ever holds complete
 * lines.
 */
#ifndef PRB_WRITER_H
#define PRB_WRITER_H

#include <stdbool.h>
#include <stddef.h>

struct prb_writer;

/* Opens path for appending ("-" is standard output), creating the file
 * (mode 0644) and its parent directory when missing. NULL with a reason in
 * why when it cannot be opened. */
struct prb_writer *prb_writer_open(const char *path, char *why,
                                   size_t whylen);

/* Queues one line (newline included); takes ownership of line (malloc'd).
 * Returns false when out of memory (line is freed). */
bool prb_writer_add(struct prb_writer *w, char *line, size_t len);

/* Writes and syncs everything queued. Returns the number of records now
 * durable, or -1 on failure with errno set (every line written before the
 * failing one is kept and synced; the failing one is removed). */
long prb_writer_flush(struct prb_writer *w);

/* Records made durable so far. */
size_t prb_writer_count(const struct prb_writer *w);
const char *prb_writer_path(const struct prb_writer *w);

/* Flushes nothing: call prb_writer_flush first. Closes and frees. */
void prb_writer_close(struct prb_writer *w);

#endif
