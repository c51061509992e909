/* version.h: who we are in every record (software_name, software_version).*/
#ifndef PRB_VERSION_H
#define PRB_VERSION_H
const char *prb_software_name(void);
const char *prb_software_version(void);
#endif
