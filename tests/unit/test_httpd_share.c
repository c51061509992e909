/* test_httpd_share.c: each client's share of a public server's
 * connections and slots, and who gets a freed slot. */
#include "check.h"
#include "servers/httpd_share.h"

static struct prb_addr key(const char *ip)
{
  struct prb_addr a;
  prb_addr_parse(ip, &a);
  return a;
}

static void waiter(struct prb_share_waiter *w, const char *ip)
{
  memset(w, 0, sizeof(*w));
  w->key = key(ip);
}

static void test_conns(void)
{
  struct prb_share s;
  struct prb_addr a = key("192.0.2.1"), b = key("192.0.2.2");
  prb_share_init(&s, 4, 0, 2);
  CHECK(prb_share_conn_open(&s, &a));
  CHECK(prb_share_conn_open(&s, &a));
  CHECK(!prb_share_conn_open(&s, &a));      /* per address */
  CHECK(prb_share_conn_open(&s, &b));
  prb_share_conn_close(&s, &a);
  CHECK(prb_share_conn_open(&s, &a));
  prb_share_conn_close(&s, &a);
  prb_share_conn_close(&s, &a);
  prb_share_conn_close(&s, &b);
  CHECK_INT(s.n_clients, 0);                /* nothing kept once closed */
  prb_share_conn_close(&s, &b);             /* an extra close is harmless */
  prb_share_free(&s);

  prb_share_init(&s, 4, 0, 0);              /* no cap: behind a proxy */
  for(int i = 0; i < 100; i++)
    CHECK(prb_share_conn_open(&s, &a));
  prb_share_free(&s);
}

/* One client alone may hold three quarters of the slots; its next
 * requests wait and get slots as its own free up. */
static void test_lone_client(void)
{
  struct prb_share s;
  struct prb_share_waiter w[8];
  prb_share_init(&s, 4, 0, 0);
  CHECK_INT(s.per_client, 3);
  for(int i = 0; i < 3; i++) {
    waiter(&w[i], "192.0.2.1");
    CHECK_INT(prb_share_ask(&s, &w[i]), PRB_SHARE_GRANTED);
  }
  waiter(&w[3], "192.0.2.1");
  CHECK_INT(prb_share_ask(&s, &w[3]), PRB_SHARE_QUEUED);  /* at its share */
  CHECK(prb_share_next(&s) == NULL);        /* a slot is free, not for it */
  struct prb_addr a = key("192.0.2.1");
  prb_share_release(&s, &a);
  CHECK(prb_share_next(&s) == &w[3]);
  CHECK(!w[3].queued);
  CHECK_INT(prb_share_held(&s, &a), 3);
  for(int i = 0; i < 3; i++)
    prb_share_release(&s, &a);
  CHECK_INT(s.used, 0);
  CHECK_INT(s.n_clients, 0);
  prb_share_free(&s);
}

/* The last quarter stays for the others; a freed slot goes to the waiter
 * holding the fewest, the oldest first among equals. */
static void test_fairness(void)
{
  struct prb_share s;
  struct prb_share_waiter h[4], n1, n2, x, y;
  struct prb_addr heavy = key("192.0.2.1"), b = key("192.0.2.2");
  prb_share_init(&s, 4, 0, 0);
  for(int i = 0; i < 3; i++) {
    waiter(&h[i], "192.0.2.1");
    CHECK_INT(prb_share_ask(&s, &h[i]), PRB_SHARE_GRANTED);
  }
  waiter(&h[3], "192.0.2.1");
  CHECK_INT(prb_share_ask(&s, &h[3]), PRB_SHARE_QUEUED);
  waiter(&n1, "192.0.2.2");
  CHECK_INT(prb_share_ask(&s, &n1), PRB_SHARE_GRANTED);   /* the reserve */
  waiter(&n2, "192.0.2.2");
  CHECK_INT(prb_share_ask(&s, &n2), PRB_SHARE_QUEUED);    /* none free */
  /* the heavy client frees one: the newcomer (holding 1) is before the
   * heavy one's own waiter (it would hold 3) */
  prb_share_release(&s, &heavy);
  CHECK(prb_share_next(&s) == &n2);
  CHECK(prb_share_next(&s) == NULL);
  prb_share_release(&s, &b);
  CHECK(prb_share_next(&s) == &h[3]);

  /* the queue's bounds: per client, then in all */
  waiter(&x, "192.0.2.3");
  CHECK_INT(prb_share_ask(&s, &x), PRB_SHARE_QUEUED);
  waiter(&y, "192.0.2.3");
  CHECK_INT(prb_share_ask(&s, &y), PRB_SHARE_QUEUED);
  struct prb_share_waiter more[4];
  waiter(&more[0], "192.0.2.3");
  CHECK_INT(prb_share_ask(&s, &more[0]), PRB_SHARE_QUEUED);
  waiter(&more[1], "192.0.2.3");
  CHECK_INT(prb_share_ask(&s, &more[1]), PRB_SHARE_FULL);  /* 3 waiting */
  waiter(&more[2], "192.0.2.4");
  CHECK_INT(prb_share_ask(&s, &more[2]), PRB_SHARE_QUEUED); /* 4 in all */
  waiter(&more[3], "192.0.2.5");
  CHECK_INT(prb_share_ask(&s, &more[3]), PRB_SHARE_FULL);
  /* leaving the queue frees its place; the oldest of equals goes first */
  prb_share_leave(&s, &y);
  CHECK(!y.queued);
  prb_share_leave(&s, &y);                  /* twice is harmless */
  prb_share_release(&s, &heavy);
  CHECK(prb_share_next(&s) == &x);          /* x before more[2]: older */
  prb_share_release(&s, &heavy);
  CHECK(prb_share_next(&s) == &more[2]);    /* holds 0 < the other's 1 */
  prb_share_free(&s);
}

static void test_no_slots(void)
{
  struct prb_share s;
  struct prb_share_waiter w;
  prb_share_init(&s, 0, 0, 0);
  waiter(&w, "192.0.2.1");
  CHECK_INT(prb_share_ask(&s, &w), PRB_SHARE_FULL);
  CHECK_INT(s.n_clients, 0);
  prb_share_free(&s);
}

int main(void)
{
  test_conns();
  test_lone_client();
  test_fairness();
  test_no_slots();
  return test_summary();
}
