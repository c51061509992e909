/* load.h: what loading a list came to: the one result of every list
 * loader (URL lists, fingerprints, interception certificates, CSV tables).
 *
 * A file with some bad rows still loads (PRB_LOAD_OK): the bad rows are
 * named on the error stream as FILE:LINE: reason, counted and left out,
 * and the good ones are used. Negative results mean nothing more was
 * loaded from that file.
 */
#ifndef PRB_LOAD_H
#define PRB_LOAD_H

enum prb_load {
  PRB_LOAD_OK = 0,              /* loaded (some rows may have been bad) */
  PRB_LOAD_BAD = 1,             /* one entry: reported and skipped */
  PRB_LOAD_DUP = 2,             /* one entry: already listed; noted, dropped */
  PRB_LOAD_EREAD = -1,          /* cannot open or read the file */
  PRB_LOAD_EFORMAT = -2,        /* not this kind of file (header), or empty */
  PRB_LOAD_ENOMEM = -3,
  PRB_LOAD_EFULL = -4           /* the list's cap is reached; the rest is
                                   ignored */
};

#endif
