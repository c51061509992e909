/* errors.h: what went wrong in the probe itself, and its exit status.
 * Append-only: numbers are documented in accessprobe(1) and never change.
 * (What the network did is data, in failure.h, never one of these.) */
#ifndef PRB_ERRORS_H
#define PRB_ERRORS_H

enum prb_exit {
  PRB_EXIT_OK = 0,          /* the run completed, whatever it found */
  PRB_EXIT_INTERNAL = 1,    /* out of memory or a bug */
  PRB_EXIT_USAGE = 2,       /* bad command line */
  PRB_EXIT_INPUT = 3,       /* an input file unreadable, or no valid input */
  PRB_EXIT_OUTPUT = 4,      /* the output cannot be written */
  PRB_EXIT_OFFLINE = 5,     /* the probe's own network is unavailable */
  PRB_EXIT_INTERRUPTED = 6, /* stopped by SIGINT/SIGTERM; records kept */
  PRB_EXIT_LISTS = 7,       /* `lists check` found unusable rows */
  PRB_EXIT_DISK_FULL = 8,   /* no space left for the results; records kept */
  PRB_EXIT_BUSY = 9,        /* another run holds the output folder's lock */
  PRB_EXIT_NO_CONSENT = 10, /* scheduled run without the volunteer's consent */
  PRB_EXIT_CONFIG = 11,     /* the configuration file is malformed */
  PRB_EXIT_UPLOAD_WAITING = 12 /* `upload`: records still wait for a
                                  collector; they go next time */
};

#endif
