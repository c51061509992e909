/* delayd.c: the lab's latency emulator (tc netem does not exist on these
 * kernels). A TUN device in the isp namespace that policy routing sends the
 * forwarded packets of chosen destinations through (tests/lab/latency.sh
 * sets that up); each packet is held for half the configured round-trip
 * time of the lab address it goes to or comes from, then written back into
 * the stack, which routes it on. Whole IP packets are delayed, so TCP and
 * TLS behave as over a long path: handshakes, windows, retransmissions and
 * the censor's rules all see real packets.
 *
 *   lab_delayd --dev NAME --rtt CIDR=MS [--rtt ...] --lifetime SECONDS
 *              [--max-packets N] [--max-bytes N] [--pidfile FILE] [--daemon]
 *
 * Bounded: at most --max-packets packets and --max-bytes bytes are held
 * (tail drop beyond, as a router's full queue would), and the process ends
 * by itself after --lifetime seconds; its device and routes go with it, so
 * the lab falls back to no delay. SIGTERM or SIGINT end it at once. On exit
 * it prints what it forwarded and dropped.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/if.h>
#include <linux/if_tun.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#define MAX_RULES 256
#define MAX_PACKET 65536
#define READ_BATCH 64           /* reads between two release passes */

struct rule {
  uint32_t net, mask;           /* host order */
  int64_t half_ns[2];           /* [0] towards the address, [1] from it */
  char text[112];
};

struct packet {
  int64_t due_ns;
  uint64_t seq;                 /* equal due times leave in arrival order */
  size_t len;
  unsigned char data[];
};

static struct rule rules[MAX_RULES];
static size_t n_rules;
static struct packet **heap;    /* min-heap on (due_ns, seq) */
static size_t heap_len, heap_cap, held_bytes, max_bytes;
static uint64_t next_seq;
static struct {
  uint64_t forwarded, dropped_full, dropped_write, too_big;
  size_t peak_packets, peak_bytes;
} stats;
static volatile sig_atomic_t stop_signal;

static int64_t now_ns(void)
{
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void usage(void)
{
  fprintf(stderr,
          "usage: lab_delayd --dev NAME --rtt CIDR=MS [--rtt ...] "
          "--lifetime SECONDS\n"
          "                  [--max-packets N] [--max-bytes N] "
          "[--pidfile FILE] [--daemon]\n");
  exit(2);
}

static long parse_long(const char *s, long lo, long hi, const char *what)
{
  char *end;
  errno = 0;
  long v = strtol(s, &end, 10);
  if(errno || end == s || *end || v < lo || v > hi) {
    fprintf(stderr, "lab_delayd: %s must be %ld..%ld: '%s'\n", what, lo, hi,
            s);
    exit(2);
  }
  return v;
}

/* "198.19.1.0/24=150": packets to and from 198.19.1.0/24 take 150 ms
 * there and back, 75 ms each way. */
static void add_rule(const char *arg)
{
  char buf[64];
  if(n_rules == MAX_RULES || strlen(arg) >= sizeof(buf)) {
    fprintf(stderr, "lab_delayd: too many or too long --rtt: '%s'\n", arg);
    exit(2);
  }
  snprintf(buf, sizeof(buf), "%s", arg);
  char *eq = strchr(buf, '=');
  if(!eq)
    usage();
  *eq = 0;
  long rtt_ms = parse_long(eq + 1, 0, 60000, "--rtt milliseconds");
  long bits = 32;
  char *slash = strchr(buf, '/');
  if(slash) {
    *slash = 0;
    bits = parse_long(slash + 1, 0, 32, "--rtt prefix length");
  }
  struct in_addr a;
  if(inet_pton(AF_INET, buf, &a) != 1) {
    fprintf(stderr, "lab_delayd: not an IPv4 address: '%s'\n", buf);
    exit(2);
  }
  struct rule *r = &rules[n_rules++];
  r->mask = bits ? 0xffffffffu << (32 - bits) : 0;
  r->net = ntohl(a.s_addr) & r->mask;
  int64_t rtt_ns = (int64_t)rtt_ms * 1000000;
  r->half_ns[0] = rtt_ns / 2;
  r->half_ns[1] = rtt_ns - rtt_ns / 2;
  snprintf(r->text, sizeof(r->text), "%s/%ld=%ld", buf, bits, rtt_ms);
}

/* The first rule naming the destination (then the source) decides; other
 * packets (IPv6, unlisted addresses) pass without delay. */
static int64_t delay_of(const unsigned char *p, size_t len)
{
  if(len < 20 || (p[0] >> 4) != 4)
    return 0;
  uint32_t src = (uint32_t)p[12] << 24 | (uint32_t)p[13] << 16 |
                 (uint32_t)p[14] << 8 | p[15];
  uint32_t dst = (uint32_t)p[16] << 24 | (uint32_t)p[17] << 16 |
                 (uint32_t)p[18] << 8 | p[19];
  for(size_t i = 0; i < n_rules; i++)
    if((dst & rules[i].mask) == rules[i].net)
      return rules[i].half_ns[0];
  for(size_t i = 0; i < n_rules; i++)
    if((src & rules[i].mask) == rules[i].net)
      return rules[i].half_ns[1];
  return 0;
}

static int before(const struct packet *a, const struct packet *b)
{
  return a->due_ns < b->due_ns || (a->due_ns == b->due_ns && a->seq < b->seq);
}

static void heap_push(struct packet *p)
{
  size_t i = heap_len++;
  while(i > 0) {
    size_t up = (i - 1) / 2;
    if(!before(p, heap[up]))
      break;
    heap[i] = heap[up];
    i = up;
  }
  heap[i] = p;
}

static struct packet *heap_pop(void)
{
  struct packet *top = heap[0], *last = heap[--heap_len];
  size_t i = 0;
  for(;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    const struct packet *best = last;
    if(l < heap_len && before(heap[l], best)) {
      m = l;
      best = heap[l];
    }
    if(r < heap_len && before(heap[r], best))
      m = r;
    if(m == i)
      break;
    heap[i] = heap[m];
    i = m;
  }
  if(heap_len)
    heap[i] = last;
  return top;
}

static void enqueue(const unsigned char *data, size_t len, int64_t now)
{
  if(heap_len == heap_cap || held_bytes + len > max_bytes) {
    stats.dropped_full++;
    return;
  }
  struct packet *p = malloc(sizeof(*p) + len);
  if(!p) {
    stats.dropped_full++;
    return;
  }
  p->due_ns = now + delay_of(data, len);
  p->seq = next_seq++;
  p->len = len;
  memcpy(p->data, data, len);
  heap_push(p);
  held_bytes += len;
  if(heap_len > stats.peak_packets)
    stats.peak_packets = heap_len;
  if(held_bytes > stats.peak_bytes)
    stats.peak_bytes = held_bytes;
}

/* Writes back every packet that is due; returns when the next is due. */
static int64_t release_due(int fd, int64_t now)
{
  while(heap_len && heap[0]->due_ns <= now) {
    struct packet *p = heap_pop();
    held_bytes -= p->len;
    if(write(fd, p->data, p->len) == (ssize_t)p->len)
      stats.forwarded++;
    else
      stats.dropped_write++;
    free(p);
  }
  return heap_len ? heap[0]->due_ns : INT64_MAX;
}

static void read_batch(int fd, unsigned char *buf)
{
  for(int i = 0; i < READ_BATCH; i++) {
    ssize_t n = read(fd, buf, MAX_PACKET);
    if(n < 0)
      return;                   /* EAGAIN, or a transient error */
    if(n == MAX_PACKET) {
      stats.too_big++;
      continue;
    }
    enqueue(buf, (size_t)n, now_ns());
  }
}

static int open_tun(const char *name)
{
  int fd = open("/dev/net/tun", O_RDWR | O_NONBLOCK | O_CLOEXEC);
  if(fd < 0) {
    perror("lab_delayd: /dev/net/tun");
    exit(1);
  }
  struct ifreq ifr;
  memset(&ifr, 0, sizeof(ifr));
  ifr.ifr_flags = IFF_TUN | IFF_NO_PI;
  snprintf(ifr.ifr_name, IFNAMSIZ, "%s", name);
  if(ioctl(fd, TUNSETIFF, &ifr) < 0) {
    fprintf(stderr, "lab_delayd: TUNSETIFF %s: %s\n", name, strerror(errno));
    exit(1);
  }
  return fd;
}

static void on_signal(int sig)
{
  stop_signal = sig;
}

/* The parent returns once the device exists and the pid file names the
 * child, so the caller can configure the device right away. */
static void daemonize(const char *pidfile)
{
  pid_t pid = fork();
  if(pid < 0) {
    perror("lab_delayd: fork");
    exit(1);
  }
  if(pid > 0) {
    FILE *f = fopen(pidfile, "w");
    if(!f || fprintf(f, "%d\n", (int)pid) < 0 || fclose(f) != 0) {
      perror("lab_delayd: pid file");
      kill(pid, SIGTERM);
      exit(1);
    }
    _exit(0);
  }
  setsid();
  int null = open("/dev/null", O_RDWR);
  if(null >= 0) {
    dup2(null, 0);
    close(null);
  }
}

int main(int argc, char **argv)
{
  const char *dev = NULL, *pidfile = NULL;
  long lifetime = 0, max_packets = 20000;
  int detach = 0;
  max_bytes = 32u << 20;
  for(int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    if(!strcmp(a, "--daemon")) {
      detach = 1;
      continue;
    }
    if(!v)
      usage();
    i++;
    if(!strcmp(a, "--dev"))
      dev = v;
    else if(!strcmp(a, "--rtt"))
      add_rule(v);
    else if(!strcmp(a, "--lifetime"))
      lifetime = parse_long(v, 1, 7200, "--lifetime");
    else if(!strcmp(a, "--max-packets"))
      max_packets = parse_long(v, 1, 1000000, "--max-packets");
    else if(!strcmp(a, "--max-bytes"))
      max_bytes = (size_t)parse_long(v, 1500, 1L << 30, "--max-bytes");
    else if(!strcmp(a, "--pidfile"))
      pidfile = v;
    else
      usage();
  }
  if(!dev || !n_rules || !lifetime || strlen(dev) >= IFNAMSIZ ||
     (detach && !pidfile))
    usage();
  heap_cap = (size_t)max_packets;
  heap = calloc(heap_cap, sizeof(*heap));
  unsigned char *buf = malloc(MAX_PACKET);
  if(!heap || !buf) {
    fprintf(stderr, "lab_delayd: out of memory\n");
    return 1;
  }
  int fd = open_tun(dev);
  if(detach)
    daemonize(pidfile);
  else if(pidfile) {
    FILE *f = fopen(pidfile, "w");
    if(f) {
      fprintf(f, "%d\n", (int)getpid());
      fclose(f);
    }
  }

  /* Signals are blocked except inside ppoll, so none is missed. */
  sigset_t block, wait_mask;
  sigemptyset(&block);
  sigaddset(&block, SIGTERM);
  sigaddset(&block, SIGINT);
  sigprocmask(SIG_BLOCK, &block, &wait_mask);
  sigdelset(&wait_mask, SIGTERM);
  sigdelset(&wait_mask, SIGINT);
  struct sigaction sa;
  memset(&sa, 0, sizeof(sa));
  sa.sa_handler = on_signal;
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);

  fprintf(stderr, "lab_delayd: %s up for %ld s, %zu rules (first %s), "
          "at most %ld packets / %zu bytes held\n", dev, lifetime, n_rules,
          rules[0].text, max_packets, max_bytes);
  int64_t end = now_ns() + (int64_t)lifetime * 1000000000;
  while(!stop_signal) {
    int64_t now = now_ns();
    if(now >= end)
      break;
    int64_t next = release_due(fd, now);
    int64_t wait = (next < end ? next : end) - now;
    struct timespec ts = {(time_t)(wait / 1000000000), (long)(wait % 1000000000)};
    struct pollfd pfd = {fd, POLLIN, 0};
    int rc = ppoll(&pfd, 1, &ts, &wait_mask);
    if(rc > 0 && (pfd.revents & POLLIN))
      read_batch(fd, buf);
    else if(rc < 0 && errno != EINTR) {
      perror("lab_delayd: ppoll");
      break;
    }
  }
  fprintf(stderr, "lab_delayd: %s: forwarded %llu packets, dropped %llu "
          "(queue full) + %llu (write failed) + %llu (oversize); peak %zu "
          "packets, %zu bytes held; stopped by %s\n", dev,
          (unsigned long long)stats.forwarded,
          (unsigned long long)stats.dropped_full,
          (unsigned long long)stats.dropped_write,
          (unsigned long long)stats.too_big, stats.peak_packets,
          stats.peak_bytes, stop_signal ? "a signal" : "its lifetime");
  while(heap_len)
    free(heap_pop());
  free(heap);
  free(buf);
  close(fd);
  return 0;
}
