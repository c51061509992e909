/* lists_check.h: `accessprobe lists check FILE...`, the validator for every
 * list and evidence file the probe reads.
 *
 * The kind of each file is told by its header line: a Citizen Lab test list
 * (url,category_code,...), OONI blocking fingerprints (name,scope,...),
 * interception certificates (family,role,subject,...) or the Citizen Lab
 * category legend (Category Description,New Code,...). Every problem is
 * printed to standard output as "FILE:LINE: reason" (notes that are not
 * problems say "note:"), then one summary line per file.
 *
 * Category codes of test lists are checked against a legend: one given
 * among the FILE arguments, else category-codes.csv next to the list, else
 * the installed or source-tree lists/category-codes.csv.
 */
#ifndef PRB_LISTS_CHECK_H
#define PRB_LISTS_CHECK_H

#include "common/errors.h"

/* argv is either {"lists", "check", ARGS...} (as main.c passes it) or
 * {NAME, ARGS...} with NAME ignored; ARGS are options ("-h", "--help",
 * "--") and files. Returns the exit status:
 * 0 every file usable and clean, 7 (PRB_EXIT_LISTS) some file has bad rows
 * or is not a known kind (the probe still uses good rows), 3
 * (PRB_EXIT_INPUT) some file cannot be read, 2 (PRB_EXIT_USAGE) no file
 * given, 1 out of memory. */
enum prb_exit prb_lists_main(int argc, char **argv);

#endif
