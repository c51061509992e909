/* onboard.h: the volunteer's informed consent.
 *
 * `accessprobe onboard` explains, in Kazakh, Russian or English, what the
 * probe does and what measuring can cost the volunteer, asks for an
 * explicit yes, and stores the answer (yes or no, date, language, version
 * of the text) in STATE/consent.json. Scheduled runs check it and refuse
 * to start without a yes to the current text. A consent file that cannot
 * be read is reported, never taken as a yes or silently replaced.
 */
#ifndef PRB_ONBOARD_H
#define PRB_ONBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/errors.h"

#define PRB_CONSENT_FILE "consent.json"
/* Bumped whenever the risks text changes in substance: a yes to an older
 * text no longer counts. */
#define PRB_CONSENT_TEXT_VERSION 1

enum prb_consent {
  PRB_CONSENT_YES = 0,
  PRB_CONSENT_MISSING,          /* never asked */
  PRB_CONSENT_REFUSED,          /* the volunteer said no */
  PRB_CONSENT_OUTDATED,         /* yes, to an older text */
  PRB_CONSENT_UNREADABLE        /* the file is there but unusable */
};

/* "kk", "ru" or "en" from LC_ALL, LC_MESSAGES, LANG (first set wins). */
const char *prb_onboard_lang_from_env(void);

/* True for "kk", "ru", "en". */
bool prb_onboard_lang_known(const char *lang);

/* Reads state_dir/consent.json. For anything but YES, why says what is
 * wrong and what to do (English, for logs). */
enum prb_consent prb_onboard_check(const char *state_dir, char *why, size_t whylen);

/* `accessprobe onboard [--lang kk|ru|en] [--yes] [--state-dir DIR]
 * [--config FILE]`: argv[0] is "onboard". Asks on the terminal. */
enum prb_exit prb_onboard_main(int argc, char **argv);

/* Shows the text in lang on out, reads the answer from in (unless
 * assume_yes), stores it. Returns PRB_EXIT_OK on yes,
 * PRB_EXIT_NO_CONSENT on anything else, PRB_EXIT_OUTPUT when it cannot be
 * stored. */
enum prb_exit prb_onboard_run(const char *state_dir, const char *lang,
                              bool assume_yes, FILE *in, FILE *out);

#endif
