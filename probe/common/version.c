/* version.c: the program's name and version, for records and --version. */
#include "common/version.h"

const char *prb_software_name(void) { return "accessprobe"; }
const char *prb_software_version(void) { return PRB_VERSION; }
