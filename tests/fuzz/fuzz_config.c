/* fuzz_config.c: volunteer/config.c, the JSON configuration file, read
 * from an in-memory file.
 *
 * Properties: a file is either usable (then nothing was reported, the
 * version is the one we read and every value is in its range) or refused
 * with at least one "FILE[:LINE]: reason" line; the number of reasons is
 * bounded however many problems the file has; the structure frees
 * cleanly either way. */
#include "fuzz.h"

#include "volunteer/config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
  char path[64];
  int fd = fuzz_memfile(data, size, path, sizeof(path));
  char *msgs = NULL;
  size_t msglen = 0;
  FILE *err = open_memstream(&msgs, &msglen);
  FUZZ_CHECK(err);
  struct prb_config c;
  prb_config_init(&c);
  bool ok = prb_config_load(&c, path, err);
  FUZZ_CHECK(fclose(err) == 0);
  close(fd);

  size_t lines = 0;
  for(char *p = msgs; p && (p = strchr(p, '\n')); p++)
    lines++;
  for(char *p = msgs, *nl; p && *p; p = nl + 1) {
    nl = strchr(p, '\n');
    FUZZ_CHECK(nl && !strncmp(p, path, strlen(path)) &&
               (p[strlen(path)] == ':'));
  }
  FUZZ_CHECK(lines <= PRB_CONFIG_MAX_ERRORS + 1);
  if(ok) {
    FUZZ_CHECK(lines == 0);
    FUZZ_CHECK(c.version == PRB_CONFIG_VERSION);
    FUZZ_CHECK(c.n_lists <= PRB_CONFIG_MAX_LISTS &&
               c.n_controls <= PRB_MAX_CONTROLS &&
               c.n_resolvers <= PRB_MAX_RESOLVERS);
    FUZZ_CHECK(c.parallel >= 0 && c.parallel <= 1024);
    FUZZ_CHECK(c.retention_days >= 1 && c.retention_max_mb >= 1);
    FUZZ_CHECK(!c.probe_asn || !strncmp(c.probe_asn, "AS", 2));
    FUZZ_CHECK(!c.probe_cc || prb_config_valid_cc(c.probe_cc));
    FUZZ_CHECK(!c.probe_network_name ||
               strlen(c.probe_network_name) <= PRB_CONFIG_NETWORK_NAME_MAX);
  } else {
    FUZZ_CHECK(lines >= 1);
  }
  free(msgs);
  prb_config_free(&c);
  return 0;
}
