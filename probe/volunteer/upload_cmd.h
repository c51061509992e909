/* upload_cmd.h: `accessprobe upload`: sends the state folder's finished
 * records (or the files named) to the configured collectors (upload.h). */
#ifndef PRB_UPLOAD_CMD_H
#define PRB_UPLOAD_CMD_H

#include "common/errors.h"

/* argv[0] is "upload"; the options and files follow. */
enum prb_exit prb_upload_main(int argc, char **argv);

#endif
