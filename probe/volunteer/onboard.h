/* onboard.h: the volunteer's informed consent, and the servers to use.
 *
 * `accessprobe onboard` explains, in Kazakh, Russian or English, what the
 * probe does, where its results go, who sees what and what measuring can
 * cost the volunteer (paged on a small terminal), asks for an explicit
 * yes or no, and stores the answer (yes or no, date, language, version of
 * the text) in STATE/consent.json. An unclear answer is asked again and
 * never stored. Scheduled runs check the answer and refuse to start
 * without a yes to the current text. A consent file that cannot be read
 * is reported, never taken as a yes or silently replaced.
 *
 * After a yes it sets the control and the collector the monitoring
 * organisation gives (onboard_servers.h).
 */
#ifndef PRB_ONBOARD_H
#define PRB_ONBOARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/errors.h"

#define PRB_CONSENT_FILE "consent.json"
/* Bumped whenever the text changes in substance: a yes to an older text
 * no longer counts. 2: who receives the results, what the control and
 * the collector see, small networks, OONI. */
#define PRB_CONSENT_TEXT_VERSION 2

enum prb_consent {
  PRB_CONSENT_YES = 0,
  PRB_CONSENT_MISSING,          /* never asked */
  PRB_CONSENT_REFUSED,          /* the volunteer said no */
  PRB_CONSENT_OUTDATED,         /* yes, to an older text */
  PRB_CONSENT_UNREADABLE        /* the file is there but unusable */
};

enum prb_answer {
  PRB_ANSWER_UNCLEAR = 0,       /* anything else: ask again */
  PRB_ANSWER_YES,               /* yes, да, иә (or ия), in any case */
  PRB_ANSWER_NO                 /* no, нет, жоқ (or жок), in any case */
};

/* What one line typed by the volunteer says (blanks around the word and
 * the line end ignored). Only the explicit words count: "y", "иа", "Да."
 * and an empty line are unclear. */
enum prb_answer prb_onboard_answer(const char *line);

/* True for "kk", "ru", "en". */
bool prb_onboard_lang_known(const char *lang);

/* The language of the answer stored in state_dir, into out: false when
 * there is none (or it is unreadable). */
bool prb_onboard_stored_lang(const char *state_dir, char *out, size_t len);

/* Reads state_dir/consent.json. For anything but YES, why says what is
 * wrong and what to do (in the language in use, words.h). */
enum prb_consent prb_onboard_check(const char *state_dir, char *why,
                                   size_t whylen);

/* `accessprobe onboard [--lang kk|ru|en] [--yes] [--control URL]...
 * [--collector URL]... [--no-control] [--state-dir DIR] [--config FILE]`:
 * argv[0] is "onboard". Asks on the terminal. */
enum prb_exit prb_onboard_main(int argc, char **argv);

/* Shows the text in lang on out (paged when in and out are a terminal),
 * reads the answer from in (unless assume_yes), asking again while it is
 * unclear, and stores a yes or a no. Returns PRB_EXIT_OK on yes,
 * PRB_EXIT_NO_CONSENT on a no or when no clear answer came (then nothing
 * is stored), PRB_EXIT_OUTPUT when it cannot be stored. */
enum prb_exit prb_onboard_run(const char *state_dir, const char *lang,
                              bool assume_yes, FILE *in, FILE *out);

#endif
