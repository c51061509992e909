/* caps.h: every bound the probe puts on what it keeps, in one place.
 *
 * Hostile networks send hostile bytes and lists come from anyone, so every
 * buffer, list and loop that input can grow has a cap, and each cap is here
 * with the reason for its size. Reaching a cap is never a crash: the data
 * is cut (and a flag says so) or refused with a reason. Lowering one is
 * safe; raising one needs a look at the memory it costs per measurement
 * (times --parallel).
 */
#ifndef PRB_CAPS_H
#define PRB_CAPS_H

/* ---- names and addresses (NUL included) -------------------------------- */
#define PRB_HOST_MAX 256        /* a DNS name is at most 253 bytes */
#define PRB_IP_MAX 46           /* INET6_ADDRSTRLEN */
#define PRB_ENDPOINT_MAX 64     /* "[v6]:port" */
#define PRB_URL_MAX 2048        /* the longest URL browsers and OONI's lists
                                   agree on */
#define PRB_CATEGORY_MAX 16     /* a Citizen Lab category code */

/* ---- one measurement --------------------------------------------------- */
#define PRB_MAX_ADDRS 16        /* addresses kept per name and query: CDNs
                                   answer with 8 at most in practice */
#define PRB_MAX_ENDPOINTS 8     /* addresses we connect to per URL */
#define PRB_MAX_REDIRECTS 10    /* as browsers and OONI's Go client */
#define PRB_MAX_HOPS 11         /* the first request and 10 redirects */
#define PRB_MAX_QUERIES 64      /* DNS queries recorded: A and AAAA per hop
                                   and resolver */
#define PRB_MAX_TCP 32          /* TCP connects recorded */
#define PRB_MAX_TLS 32          /* TLS handshakes recorded, decoys included */
#define PRB_BODY_MAX (512 * 1024)  /* raw response body kept: a page, not a
                                      download; OONI keeps as much */
#define PRB_REDIRECT_BODY_MAX (64 * 1024) /* ... of a 3xx response */
#define PRB_BODY_COUNT_MAX (16 * 1024 * 1024) /* body bytes the helper
                                           counts, as OONI's helper reads */
#define PRB_HEADERS_MAX (32 * 1024) /* response header bytes kept */
#define PRB_MAX_HEADERS 100     /* response header lines kept */
#define PRB_HEAD_MAX (300 * 1024) /* bytes of a response's status lines,
                                     headers and trailers read before the
                                     exchange fails: libcurl's limit, a
                                     head that never ends is no page */
#define PRB_LINE_MAX PRB_HEADERS_MAX /* one status, header or chunk-size
                                        line: a longer header could not be
                                        kept anyway */
#define PRB_MAX_INTERIM 8       /* 1xx responses skipped before the final
                                   one */
#define PRB_PROGRESS_MAX 16     /* (time, bytes) samples kept per request:
                                   how a response arrived, for telling a
                                   throttled transfer from a stalled one */
#define PRB_MAX_CERTS 10        /* certificates kept per chain: real chains
                                   have 2 to 4 */
#define PRB_DNS_RAW_MAX 65535   /* a DNS message's largest size */
#define PRB_TITLE_MAX 256       /* bytes of x_title kept in the record */

/* ---- the control's reply (it comes from the network too) --------------- */
#define PRB_CTL_MAX_TCP 32       /* tcp_connect entries kept */
#define PRB_CTL_MAX_TLS 32       /* tls_handshake entries kept */
#define PRB_CTL_MAX_ADDRS 32     /* dns.addrs kept */
#define PRB_CTL_MAX_IPINFO 64    /* ip_info entries kept */
#define PRB_CTL_MAX_HEADERS 64   /* http_request.headers kept */
#define PRB_CTL_FAILURE_MAX 128  /* failure strings, NUL included */
#define PRB_CTL_TITLE_MAX 512    /* title bytes, NUL included (OONI's
                                    helper sends whole titles) */
#define PRB_CTL_HNAME_MAX 128    /* header name bytes, NUL included */
#define PRB_CTL_HVALUE_MAX 256   /* header value bytes, NUL included */
#define PRB_CTL_ORG_MAX 128      /* AS organisation bytes, NUL included */
#define PRB_CTL_MAX_REQ_ENDPOINTS 64 /* endpoints one request may carry */
#define PRB_CTL_MAX_DEPTH 8      /* nesting of a reply (a real one has 4) */
#define PRB_HELPER_BODY_MAX (64 * 1024) /* a request is a URL and a list */

/* ---- our public servers (servers/httpd.c) ------------------------------ */
#define PRB_HTTPD_LINGER_MAX 64   /* refused connections read from until the
                                     client has our 503; more: closed */
#define PRB_HTTPD_ACCEPT_BATCH 64 /* accepts per loop turn: a flood of
                                     connections cannot starve the rest */
#define PRB_HTTPD_LOG_PER_MINUTE 10 /* libmicrohttpd messages: a hostile
                                       client cannot fill the journal */

/* ---- a run -------------------------------------------------------------- */
#define PRB_DEFAULT_PARALLEL 64
#define PRB_MAX_PARALLEL 1024   /* measurements in flight; the fd budget
                                   may lower it further */
#define PRB_MAX_RESOLVERS 8     /* --resolver: each one is measured */
#define PRB_MAX_CONTROLS 4      /* --control: tried in order */
#define PRB_MAX_COLLECTORS 4    /* "collectors": each gets every record; a
                                   monitoring organisation runs one or two */
#define PRB_INPUTS_MAX 100000   /* URLs per run: the whole list is in memory */
#define PRB_INPUT_LINE_MAX (PRB_URL_MAX + 256) /* a list line: a URL plus
                                                  blanks */

/* ---- evidence and verdicts ---------------------------------------------- */
#define PRB_EVIDENCE_MAX 8        /* sentences kept per verdict */
#define PRB_EVIDENCE_LEN 256      /* bytes per sentence, NUL included */
#define PRB_DETAIL_MAX 40         /* "tls.timeout_after_clienthello" */
#define PRB_FP_MATCH_LIMIT 200000 /* PCRE2 match_limit: a hostile body
                                     cannot make a regexp run for long */
#define PRB_FP_DEPTH_LIMIT 5000   /* PCRE2 depth_limit */
#define PRB_DN_MAX_ATTRS 8        /* C, ST, L, O, OU, CN and a margin */

/* ---- files we read ------------------------------------------------------ */
#define PRB_CSV_RECORD_MAX (64 * 1024) /* one CSV record: a list row */
#define PRB_CONFIG_BYTES_MAX (1024 * 1024) /* the configuration file */
#define PRB_CONFIG_MAX_LISTS 64
#define PRB_CONFIG_NETWORK_NAME_MAX 127   /* bytes of network.name */
#define PRB_CONFIG_MAX_ERRORS 20      /* problems reported, then a count */
#define PRB_LINES_MAX (16u * 1024 * 1024) /* a record line `report` reads:
                                             a 512 KiB body base64-encoded
                                             and scrubbed fits many times */
#define PRB_SCAN_INPUT_MAX 2048   /* bytes of `input`, NUL included */
#define PRB_SCAN_SITE_MAX 256
#define PRB_SCAN_SHORT_MAX 128    /* report_id, network name, category */
#define PRB_SCAN_SOFTWARE_MAX 48  /* software_name: "ooniprobe-android" */
#define PRB_REP_FILTER_MAX 32     /* values per --cc/--asn/--category */
#define PRB_ASNDB_MAX 4           /* --mmdb files */

/* ---- this host ---------------------------------------------------------- */
#define PRB_LOCALNETS_MAX 64      /* this host's addresses and LAN subnets */

#endif
