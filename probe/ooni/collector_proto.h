/* collector_proto.h: OONI's collector protocol (ooni/spec bk-003) as pure
 * functions, for both sides: `accessprobe collector` validates and stores
 * with them, `accessprobe upload` builds what it sends with them.
 *
 *   POST /report              {template}  -> {"report_id": ...}
 *   POST /report/{report_id}  {"format":"json","content":{record}}
 *                                         -> {"measurement_uid": ...}
 *   POST /report/{id}/close                -> {}
 *   POST /api/v1/submit_measurement  {"format":"json","content":"<record>"}
 *
 * The checks are OONI's collector's (a report_id in OONI's format, cc, asn
 * and test_name agreeing with it, a two-letter cc, AS<digits>, a lower-case
 * test_name of at most 30 bytes) and stricter where a monitor's collector
 * must be: AS0 and ZZ (unknown network) are refused with a reason rather
 * than silently dropped, probe_ip must be the placeholder 127.0.0.1,
 * measurement_start_time must be a real time between 2012 and tomorrow,
 * and test_name must have 2 to 29 letters and digits besides its '_' (what
 * a report_id carries, so a report opened for it can take its records).
 *
 * A measurement_uid is "<YYYYmmddHHMMSS.ffffff>_<CC>_<testname>_<16 hex>"
 * like OONI's, but every part comes from the record itself (OONI uses the
 * time of arrival): the time is measurement_start_time, and ffffff and the
 * hex are from the SHA-512 of the record without its report_id. So a
 * record sent again, in the same report or a new one, gets the same uid,
 * which is what makes storing it idempotent.
 *
 * Every reason is written to a caller's buffer as a sentence for the
 * uploader's log.
 */
#ifndef PRB_COLLECTOR_PROTO_H
#define PRB_COLLECTOR_PROTO_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PRB_CP_RID_MAX 128         /* a report_id, NUL included */
#define PRB_CP_UID_MAX 80          /* a measurement_uid, NUL included */
#define PRB_CP_TEST_MAX 31         /* test_name: at most 30 bytes */
#define PRB_CP_FIELD_MAX 64        /* software and version strings */
#define PRB_CP_TEMPLATE_BODY_MAX (64 * 1024)  /* POST /report */
#define PRB_CP_BODY_MAX (4u * 1024 * 1024)   /* one measurement, enveloped:
                                    a record keeps 512 KiB of body
                                    (700 KiB in base64) plus its redirects;
                                    larger is refused, never cut */
#define PRB_CP_EARLIEST 1325376000L  /* 2012-01-01: before OONI's data */

/* What a report is opened with; every record in it shares these. */
struct prb_cp_template {
  char probe_cc[3];
  char probe_asn[16];              /* "AS9198" */
  char test_name[PRB_CP_TEST_MAX];
  char test_version[PRB_CP_FIELD_MAX];
  char software_name[PRB_CP_FIELD_MAX];
  char software_version[PRB_CP_FIELD_MAX];
  char data_format_version[16];
  char test_start_time[20];        /* "YYYY-MM-DD hh:mm:ss" */
};

/* What a report_id says. */
struct prb_cp_rid {
  char cc[3];
  char asn[16];                    /* "AS9198" */
  char test[PRB_CP_TEST_MAX];      /* the test name without underscores */
};

/* A POST /report body (or, from_record, one record: the uploader's view of
 * which report it belongs to) into *t. False with why when a key is
 * missing or malformed. */
bool prb_cp_template_read(const json_t *o, bool from_record,
                          struct prb_cp_template *t, char *why,
                          size_t whylen);

bool prb_cp_template_equal(const struct prb_cp_template *a,
                           const struct prb_cp_template *b);

/* The POST /report body for t. New reference, NULL when out of memory. */
json_t *prb_cp_template_json(const struct prb_cp_template *t);

/* A new report_id for t from collector number collector (OONI's format,
 * 16 random characters). */
void prb_cp_report_id(const struct prb_cp_template *t, unsigned collector,
                      char out[PRB_CP_RID_MAX]);

/* Parses a report_id: six '_'-separated parts, a UTC stamp, the test
 * name (letters and digits), a two-letter cc, the AS number, n<digits>
 * and the random part. False with why otherwise. */
bool prb_cp_rid_parse(const char *rid, struct prb_cp_rid *out, char *why,
                      size_t whylen);

/* Checks one record (parsed content) against its report: cc, asn and
 * test_name well-formed and the report's; not AS0/ZZ; a valid
 * measurement_start_time from PRB_CP_EARLIEST to now + 1 day; probe_ip
 * absent or 127.0.0.1; input absent, null or a string. */
bool prb_cp_record_check(const json_t *rec, const struct prb_cp_rid *rid,
                         time_t now, char *why, size_t whylen);

/* A record ready to store: the line kept in the archive and the database,
 *   {"measurement_uid":U,"report_id":RID,<the record's other members>}
 * (its own report_id and any measurement_uid replaced, blanks between
 * tokens dropped, one line), and the uid. */
struct prb_cp_stored {
  char uid[PRB_CP_UID_MAX];
  char *line;                      /* malloc'd, NUL-terminated, no '\n' */
  size_t len;
};

/* From the record's text (valid JSON), its parse (already passed by
 * prb_cp_record_check) and the report it is submitted to (a report_id
 * prb_cp_rid_parse accepts). 0, or -1 with why (out of memory, a NUL
 * byte in the text, which jansson lets pass after a number, or a
 * top-level key with an escape sequence, which could hide a second
 * report_id). */
int prb_cp_store_form(const json_t *parsed, const char *rec, size_t len,
                      const char *rid, struct prb_cp_stored *out, char *why,
                      size_t whylen);

void prb_cp_stored_free(struct prb_cp_stored *s);

/* The record's text with its top-level report_id set to rid (replaced, or
 * added first when absent): what a client submits into report rid. A
 * malloc'd copy (length in *outlen), NULL when out of memory or when the
 * text is not a JSON object. */
char *prb_cp_with_report_id(const char *rec, size_t len, const char *rid,
                            size_t *outlen);

/* True when s looks like a measurement_uid this module makes (or OONI's):
 * 14 digits, '.', 6 digits, '_', CC, '_', test, '_', 16 hex. */
bool prb_cp_uid_valid(const char *s);

/* True for "YYYY-MM-DD hh:mm:ss" that is a real UTC time; *t gets it. */
bool prb_cp_parse_time(const char *s, time_t *t);

#endif
