/* words.h: what a volunteer reads, in Kazakh, Russian or English.
 *
 * The volunteer's commands (run, results, onboard) print their sentences
 * through prb_tr(): the English text is the key, and the table in words.c
 * gives its Russian and Kazakh. The language is the one the volunteer
 * chose when agreeing (consent.json's "lang"), else the locale's (LC_ALL,
 * LC_MESSAGES, LANG), else English. A sentence missing from the table is
 * printed in English. JSON output (--json, --log-format json) and the
 * records are never translated.
 *
 * Each translation keeps the printf conversions of its English text, in
 * the same order (tests/unit/test_words.c checks every entry, and
 * tests/structure/words.py that every prb_tr() text has an entry).
 */
#ifndef PRB_WORDS_H
#define PRB_WORDS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "volunteer/state.h"

#if defined(__GNUC__)
#define PRB_FORMAT_ARG(n) __attribute__((format_arg(n)))
#else
#define PRB_FORMAT_ARG(n)
#endif

/* "kk", "ru" or "en" from LC_ALL, LC_MESSAGES, LANG (the first one set
 * wins); "en" when none names Kazakh or Russian. */
const char *prb_words_env_lang(void);

/* Speak lang ("kk", "ru", "en"; anything else is English) from now on. */
void prb_words_use(const char *lang);

/* Speak the language of the consent stored in state_dir (may be NULL),
 * else the locale's. */
void prb_words_use_for(const char *state_dir);

/* "kk", "ru" or "en": the language in use. */
const char *prb_words_lang(void);

/* en in the language in use. */
const char *prb_tr(const char *en) PRB_FORMAT_ARG(1);

/* For a count n: one (n == 1) or other in English; Russian's three forms
 * and Kazakh's one from the table. All forms take the same arguments. */
const char *prb_trn(const char *one, const char *other,
                    unsigned long long n) PRB_FORMAT_ARG(1);

/* A verdict (PRB_VERDICT_UNCLASSIFIED too) as a short word. */
const char *prb_words_verdict(enum prb_verdict v);

/* A run's status from the index (complete, budget, ...) as a short word;
 * an unknown one as it is. */
const char *prb_words_status(const char *status);

/* Columns that s takes on a terminal (UTF-8 characters). */
size_t prb_words_width(const char *s);

/* Prints s in a column width wide: padded with spaces (on the right, or
 * on the left with right_align), or cut at a character and ended with
 * "…" when wider. */
void prb_words_cell(FILE *out, const char *s, size_t width, bool right_align);

/* The table, for tests: entry i's English forms and its translations
 * (forms[0..2]: Russian one, few, many; forms[3]: Kazakh; forms[1..2] NULL
 * for a sentence without a count, en_other NULL too). False past the
 * end. */
bool prb_words_entry(size_t i, const char **en, const char **en_other,
                     const char *forms[4]);

#endif
