/* words_table.h: the table of the volunteer's sentences (words_table.c).
 * Private to words.c: everything else goes through words.h. */
#ifndef PRB_WORDS_TABLE_H
#define PRB_WORDS_TABLE_H

#include <stddef.h>

struct prb_words_entry {
  const char *en, *en_other;    /* en_other: NULL unless counted */
  const char *ru, *ru_few, *ru_many;   /* few, many: NULL unless counted */
  const char *kk;
};

extern const struct prb_words_entry prb_words_table[];
extern const size_t prb_words_table_n;

#endif
