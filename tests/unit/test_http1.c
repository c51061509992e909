/* test_http1.c: the GET over a connected stream (engine/http1.c), with a
 * socketpair as the connection and our loop driving both ends: the bytes
 * of the request, a response read to its end, the body cap stopping the
 * read, and what the step's deadline records (no bytes, stalled, still
 * flowing) with the bytes that came kept. The TLS side is the lab's
 * (https_* cases); this is the plain one. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "check.h"
#include "common/caps.h"
#include "engine/http1.h"
#include "engine/loop.h"
#include "ooni/failure.h"

static struct prb_loop *loop;
static bool done;
static struct prb_http_request got;

static void on_done(void *arg, struct prb_http_request *req)
{
  done = true;
  got = *req;
}

/* The server's end: what it read, and a timer that writes to it. */
static int server;
static char asked[4096];
static size_t asked_len;
static struct prb_timer tick;
static int ticks_left;

/* What the server still has to send, as the client makes room. */
static const char *pending;
static size_t pending_len;

static void on_server(void *arg, int fd, unsigned events)
{
  if(events & PRB_IO_READ) {
    ssize_t n = read(fd, asked + asked_len, sizeof(asked) - 1 - asked_len);
    if(n > 0)
      asked_len += (size_t)n;
    asked[asked_len] = 0;
  }
  while(pending_len) {
    ssize_t w = write(fd, pending, pending_len);
    if(w <= 0)
      break;
    pending += w;
    pending_len -= (size_t)w;
  }
  prb_loop_watch(loop, fd, PRB_IO_READ | (pending_len ? PRB_IO_WRITE : 0),
                 on_server, NULL);
}

static void drip(void *arg)
{
  if(write(server, ".", 1) != 1)
    return;
  if(--ticks_left > 0)
    prb_timer_start(loop, &tick, (double)(size_t)arg / 1000.0, drip, arg);
}

/* Starts a GET over a fresh socketpair; the server end sends reply (may
 * be NULL) as the client reads it. */
static void start(const char *host, int port, bool https, double deadline,
                  const char *reply, size_t reply_len)
{
  int sv[2];
  if(socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, sv))
    abort();
  server = sv[1];
  asked_len = 0;
  asked[0] = 0;
  pending = reply;
  pending_len = reply ? reply_len : 0;
  prb_loop_watch(loop, server, PRB_IO_READ | PRB_IO_WRITE, on_server, NULL);
  struct prb_stream s = {sv[0], NULL};
  struct prb_h1_params p;
  memset(&p, 0, sizeof(p));
  p.url = "http://example.test/x";
  p.host = host;
  p.port = port;
  p.https = https;
  p.target = "/path?q=1";
  p.ip = "192.0.2.1";
  p.t_base = prb_now();
  p.t0 = 0.25;
  p.deadline = deadline;
  p.depth = 2;
  p.transaction_id = 7;
  done = false;
  memset(&got, 0, sizeof(got));
  CHECK(prb_h1_get(loop, &s, &p, on_done, NULL) != NULL);
  CHECK(s.fd == -1);            /* taken */
}

/* Runs the loop until the exchange is over (its deadline bounds it). */
static void wait_done(void)
{
  for(int i = 0; !done && i < 10000; i++)
    prb_loop_run_once(loop, 0.1);
  CHECK(done);
}

static void get(const char *host, int port, bool https, double deadline,
                const char *reply, size_t reply_len)
{
  start(host, port, https, deadline, reply, reply_len);
  wait_done();
}

static void end_server(void)
{
  prb_timer_stop(loop, &tick);
  prb_loop_watch(loop, server, 0, NULL, NULL);
  close(server);
  prb_obs_request_free(&got);
}

static void test_request_and_page(void)
{
  static const char page[] = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n"
                             "Server: t\r\n\r\nhello";
  get("example.test", 80, false, 5.0, page, sizeof(page) - 1);
  CHECK(got.failure == NULL);
  CHECK_INT(got.code, 200);
  CHECK_INT(got.body_len, 5);
  CHECK(!memcmp(got.body, "hello", 5));
  CHECK_STR(got.alpn, "http/1.1");
  CHECK_STR(got.address, "192.0.2.1:80");
  CHECK_STR(got.url, "http://example.test/x");
  CHECK_INT(got.depth, 2);
  CHECK_INT(got.transaction_id, 7);
  CHECK(got.t0 == 0.25 && got.t >= 0 && got.t < 5);
  CHECK_INT(got.bytes_received, sizeof(page) - 1);
  CHECK(got.n_progress >= 1 && got.n_progress <= PRB_PROGRESS_MAX);
  CHECK_INT(got.progress[got.n_progress - 1].bytes, sizeof(page) - 1);
  CHECK(got.timeout_progress == NULL);
  /* The request: what a browser sends, and the record lists it. */
  for(int i = 0; i < 100 && !strstr(asked, "\r\n\r\n"); i++)
    prb_loop_run_once(loop, 0.01);
  CHECK_STR(asked, "GET /path?q=1 HTTP/1.1\r\n"
            "Host: example.test\r\n"
            "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,"
            "*/*;q=0.8\r\n"
            "Accept-Language: en-US,en;q=0.9\r\n"
            "User-Agent: Mozilla/5.0 (Windows NT 10.0; Win64; x64) "
            "AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0.0.0 "
            "Safari/537.36\r\n\r\n");
  CHECK_INT(got.n_req_headers, 3);
  CHECK_STR(got.req_headers[2].name, "User-Agent");
  end_server();

  /* Host names the port when it is not the scheme's; IPv6 in brackets. */
  get("2001:db8::1", 8443, true, 5.0, page, sizeof(page) - 1);
  for(int i = 0; i < 100 && !strstr(asked, "\r\n\r\n"); i++)
    prb_loop_run_once(loop, 0.01);
  CHECK(strstr(asked, "\r\nHost: [2001:db8::1]:8443\r\n") != NULL);
  end_server();
  get("example.test", 443, true, 5.0, page, sizeof(page) - 1);
  for(int i = 0; i < 100 && !strstr(asked, "\r\n\r\n"); i++)
    prb_loop_run_once(loop, 0.01);
  CHECK(strstr(asked, "\r\nHost: example.test\r\n") != NULL);
  end_server();
}

static void test_cap_and_eof(void)
{
  /* A body longer than the cap: the read stops there, no failure. */
  size_t n = 700000;
  const char *head = "HTTP/1.1 200 OK\r\nContent-Length: 700000\r\n\r\n";
  char *big = malloc(strlen(head) + n);
  if(!big)
    abort();
  memcpy(big, head, strlen(head));
  memset(big + strlen(head), 'z', n);
  get("example.test", 80, false, 5.0, big, strlen(head) + n);
  CHECK(got.failure == NULL);
  CHECK(got.body_is_truncated);
  CHECK_INT(got.body_len, PRB_BODY_MAX);
  CHECK(got.bytes_received > PRB_BODY_MAX);
  end_server();
  free(big);

  /* The peer closes in the middle of a Content-Length body. */
  static const char cut[] = "HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\nab";
  start("example.test", 80, false, 5.0, cut, sizeof(cut) - 1);
  for(int i = 0; i < 20; i++)
    prb_loop_run_once(loop, 0.01);
  CHECK(!done);
  shutdown(server, SHUT_WR);
  wait_done();
  CHECK_STR(got.failure, PRB_FAIL_EOF);
  CHECK_INT(got.code, 200);
  CHECK_INT(got.body_len, 2);
  end_server();
}

static void test_deadlines(void)
{
  /* Nothing ever comes. */
  get("example.test", 80, false, 0.3, NULL, 0);
  CHECK_STR(got.failure, PRB_FAIL_TIMEOUT);
  CHECK_STR(got.timeout_progress, "no_bytes");
  CHECK_INT(got.bytes_received, 0);
  CHECK_INT(got.n_progress, 0);
  CHECK(got.t >= 0.29);
  end_server();

  /* The head and a little body, then nothing for the rest of the step. */
  static const char some[] = "HTTP/1.1 200 OK\r\nContent-Length: 99\r\n\r\nxy";
  get("example.test", 80, false, 1.8, some, sizeof(some) - 1);
  CHECK_STR(got.failure, PRB_FAIL_TIMEOUT);
  CHECK_STR(got.timeout_progress, "stalled");
  CHECK_INT(got.code, 200);
  CHECK_INT(got.body_len, 2);           /* what came is kept */
  CHECK_INT(got.bytes_received, sizeof(some) - 1);
  end_server();

  /* A byte every 20 ms until the deadline: slow, but flowing; samples
   * thinned to the cap, in order, the last at everything received. */
  static const char head[] = "HTTP/1.1 200 OK\r\n\r\n";
  ticks_left = 1000;
  start("example.test", 80, false, 1.0, head, sizeof(head) - 1);
  prb_timer_start(loop, &tick, 0.02, drip, (void *)(size_t)20);
  wait_done();
  CHECK_STR(got.failure, PRB_FAIL_TIMEOUT);
  CHECK_STR(got.timeout_progress, "flowing");
  CHECK(got.body_len > 10);
  CHECK(got.n_progress > 1 && got.n_progress <= PRB_PROGRESS_MAX);
  bool ordered = true;
  for(size_t i = 1; i < got.n_progress; i++)
    ordered &= got.progress[i].t >= got.progress[i - 1].t &&
               got.progress[i].bytes >= got.progress[i - 1].bytes;
  CHECK(ordered);
  CHECK_INT(got.progress[got.n_progress - 1].bytes, got.bytes_received);
  CHECK(got.t_first_byte <= got.t_last_byte && got.t_last_byte <= got.t);
  end_server();
}

int main(void)
{
  loop = prb_loop_new();
  if(!loop)
    return 1;
  prb_timer_init(&tick);
  test_request_and_page();
  test_cap_and_eof();
  test_deadlines();
  prb_loop_free(loop);
  return test_summary();
}
