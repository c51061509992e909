/* inputs.h: the list of URLs one run measures.
 *
 * URLs come from the command line or from files: a Citizen Lab test list
 * (recognised by its header line url,category_code,category_description,
 * date_added,source,notes) or plain text with one URL per line, where blank
 * lines and lines starting with '#' are ignored. Every URL is kept in its
 * canonical form (url.h) with its category code and where it came from;
 * a URL seen twice is kept once and the later one noted. Bad lines are
 * reported as "FILE:LINE: reason", counted and skipped: the good ones are
 * measured. The whole list is in memory, at most PRB_INPUTS_MAX URLs.
 */
#ifndef PRB_INPUTS_H
#define PRB_INPUTS_H


#include "common/load.h"
#include "common/caps.h"
#include "common/hashtab.h"

#include <stddef.h>
#include <stdio.h>

struct prb_input {
  char *url;                    /* canonical URL; owned by the list */
  char *origin;                 /* "FILE:LINE" or "argument"; owned */
  char category_code[PRB_CATEGORY_MAX]; /* "" when the source had none */
};

struct prb_inputs {
  struct prb_input *items;      /* in the order added */
  size_t n, cap;
  size_t n_bad;                 /* bad lines and arguments reported */
  size_t n_dup;                 /* duplicates dropped */
  struct prb_hashtab index;     /* private: items by URL */
};

/* Makes an empty list. */
void prb_inputs_init(struct prb_inputs *in);

/* Frees everything the list owns and leaves it empty; in may be NULL. */
void prb_inputs_free(struct prb_inputs *in);

/* Adds one URL. category_code may be NULL; origin is copied (NULL means
 * "argument"). Problems and duplicate notes go to err unless it is NULL.
 * Returns an enum prb_load. */
enum prb_load prb_inputs_add_url(struct prb_inputs *in, const char *url,
                                 const char *category_code,
                                 const char *origin, FILE *err);

/* Adds every good URL of the file at path ("-" is standard input). Returns
 * PRB_LOAD_OK even when some lines were bad (they are counted in n_bad
 * and named on err), PRB_LOAD_EREAD when the file cannot be opened or a
 * read fails, PRB_LOAD_EFULL or PRB_LOAD_ENOMEM. */
enum prb_load prb_inputs_add_file(struct prb_inputs *in, const char *path,
                                  FILE *err);

/* The entry whose canonical URL is url, or NULL. The pointer is valid until
 * the list changes. */
const struct prb_input *prb_inputs_find(const struct prb_inputs *in,
                                        const char *url);

#endif
