/* The floor: the least a client can do for the same calls. One blocking
 * TCP connection per thread with HTTP/1.1 keep-alive, requests written from
 * bytes prepared up front (or with an id pasted in by snprintf), answers
 * read up to their Content-Length and checked for status 200. No JSON
 * library, no validation, no retries.
 *
 *   floor --url http://127.0.0.1:PORT [--n N] [--mixed N] [--threads 2,4] [--thread-n N] [--warmup N]
 *
 * Prints one JSON document on stdout, as the other contenders do. */
#include "bench_common.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sys/socket.h>

static char host[64];
static int port;

typedef struct {
    int fd;
    char buf[65536];
} conn;

static void conn_open(conn *c) {
    c->fd = socket(AF_INET, SOCK_STREAM, 0);
    if (c->fd < 0) bench_die("socket");
    int one = 1;
    setsockopt(c->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    struct sockaddr_in sa = {0};
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    inet_pton(AF_INET, host, &sa.sin_addr);
    if (connect(c->fd, (struct sockaddr *)&sa, sizeof sa) != 0) bench_die("connect");
}

/* "POST /v3.6/configuration/action/<action>" with body; returns its length */
static int build(char *out, size_t cap, const char *action, const char *body) {
    return snprintf(out, cap,
                    "POST /v3.6/configuration/action/%s HTTP/1.1\r\nHost: %s:%d\r\nAuthorization: Bearer dev-token\r\n"
                    "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n%s",
                    action, host, port, strlen(body), body);
}

/* Sends a prepared request and reads the whole answer into c->buf.
 * Returns the body (NUL-terminated) on a 200, NULL otherwise. */
static const char *roundtrip(conn *c, const char *req, int len) {
    for (int off = 0; off < len;) {
        ssize_t w = write(c->fd, req + off, (size_t)(len - off));
        if (w <= 0) return NULL;
        off += (int)w;
    }
    size_t have = 0;
    char *body = NULL;
    long clen = -1;
    for (;;) {
        ssize_t r = read(c->fd, c->buf + have, sizeof c->buf - 1 - have);
        if (r <= 0) return NULL;
        have += (size_t)r;
        c->buf[have] = 0;
        if (!body) {
            char *end = strstr(c->buf, "\r\n\r\n");
            if (!end) continue;
            body = end + 4;
            char *cl = strcasestr(c->buf, "\r\ncontent-length:");
            if (!cl || cl > end) return NULL;
            clen = atol(cl + 17);
        }
        if ((long)(c->buf + have - body) >= clen) break;
    }
    if (strncmp(c->buf, "HTTP/1.1 200", 12) != 0) return NULL;
    return body;
}

static char details_req[512];
static int details_len;

__attribute__((noinline)) static void run_details(conn *c, long n, uint64_t *lat, phase *p) {
    for (long i = 0; i < n; i++) {
        uint64_t t = now_ns();
        if (!roundtrip(c, details_req, details_len)) phase_error(p, "get_bot failed");
        lat[i] = now_ns() - t;
    }
}

static phase *phase_details(conn *c, long n) {
    phase *p = phase_new("details", 1, n);
    uint64_t u0, s0, u1, s1;
    cpu_us(&u0, &s0);
    uint64_t t0 = now_ns();
    run_details(c, n, p->lat_ns, p);
    p->wall_ns = now_ns() - t0;
    cpu_us(&u1, &s1);
    p->user_us = u1 - u0;
    p->sys_us = s1 - s0;
    return p;
}

static phase *phase_mixed(conn *c, long n) {
    long cycles = n / 5;
    phase *p = phase_new("mixed", 1, cycles * 5);
    char create_req[512], list_req[512], req[512], body[256], id[64];
    int create_len = build(create_req, sizeof create_req, "create_bot",
                           "{\"name\":\"bench-bot\",\"max_chats_count\":5,"
                           "\"groups\":[{\"id\":0,\"priority\":\"normal\"}]}");
    int list_len = build(list_req, sizeof list_req, "list_bots", "{\"all\":false}");
    long k = 0;
    uint64_t u0, s0, u1, s1, t;
    cpu_us(&u0, &s0);
    uint64_t t0 = now_ns();
    for (long cy = 0; cy < cycles; cy++) {
        t = now_ns();
        const char *ans = roundtrip(c, create_req, create_len);
        int ok = ans && json_field(ans, "id", id, sizeof id);
        p->lat_ns[k++] = now_ns() - t;
        if (!ok) {
            phase_error(p, "create_bot failed");
            for (int j = 0; j < 4; j++) p->lat_ns[k++] = 0;
            continue;
        }
        int len;
        snprintf(body, sizeof body, "{\"id\":\"%s\"}", id);
        len = build(req, sizeof req, "get_bot", body);
        t = now_ns();
        if (!roundtrip(c, req, len)) phase_error(p, "get_bot failed");
        p->lat_ns[k++] = now_ns() - t;
        snprintf(body, sizeof body, "{\"id\":\"%s\",\"name\":\"bench-bot-renamed\",\"max_chats_count\":4}", id);
        len = build(req, sizeof req, "update_bot", body);
        t = now_ns();
        if (!roundtrip(c, req, len)) phase_error(p, "update_bot failed");
        p->lat_ns[k++] = now_ns() - t;
        t = now_ns();
        if (!roundtrip(c, list_req, list_len)) phase_error(p, "list_bots failed");
        p->lat_ns[k++] = now_ns() - t;
        snprintf(body, sizeof body, "{\"id\":\"%s\"}", id);
        len = build(req, sizeof req, "delete_bot", body);
        t = now_ns();
        if (!roundtrip(c, req, len)) phase_error(p, "delete_bot failed");
        p->lat_ns[k++] = now_ns() - t;
    }
    p->wall_ns = now_ns() - t0;
    cpu_us(&u1, &s1);
    p->user_us = u1 - u0;
    p->sys_us = s1 - s0;
    return p;
}

typedef struct {
    pthread_barrier_t *barrier;
    long n;
    uint64_t *lat;
    phase err;
    conn c;
} worker;

static void *work(void *arg) {
    worker *w = arg;
    pthread_barrier_wait(w->barrier);
    run_details(&w->c, w->n, w->lat, &w->err);
    return NULL;
}

/* One connection per thread (opened before the clock starts). */
static phase *phase_threads(int threads, long n) {
    long per = n / threads;
    phase *p = phase_new("threads", threads, per * threads);
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, (unsigned)threads + 1);
    pthread_t tid[64];
    worker *w = calloc((size_t)threads, sizeof *w);
    if (!w) bench_die("out of memory");
    for (int i = 0; i < threads; i++) {
        w[i].barrier = &barrier;
        w[i].n = per;
        w[i].lat = p->lat_ns + per * i;
        conn_open(&w[i].c);
        if (pthread_create(&tid[i], NULL, work, &w[i]) != 0) bench_die("pthread_create");
    }
    phase_time_threads(p, &barrier, tid, threads);
    for (int i = 0; i < threads; i++) {
        phase_merge_errors(p, &w[i].err);
        close(w[i].c.fd);
    }
    free(w);
    pthread_barrier_destroy(&barrier);
    return p;
}

int main(int argc, char **argv) {
    bench_args a;
    bench_parse_args(argc, argv, &a);
    if (sscanf(a.url, "http://%63[^:]:%d", host, &port) != 2) bench_die("--url: expected http://HOST:PORT");
    static conn c;
    conn_open(&c);

    char req[512], id[64], body[256];
    int len = build(req, sizeof req, "create_bot", "{\"name\":\"bench-bot\"}");
    const char *ans = roundtrip(&c, req, len);
    if (!ans || !json_field(ans, "id", id, sizeof id)) bench_die("setup: create_bot failed");
    snprintf(body, sizeof body, "{\"id\":\"%s\"}", id);
    details_len = build(details_req, sizeof details_req, "get_bot", body);
    if (!roundtrip(&c, details_req, details_len)) bench_die("setup: get_bot failed");
    long rss_setup = rss_kb();
    if (a.warmup > 0) {
        phase *w = phase_new("warmup", 1, a.warmup);
        run_details(&c, a.warmup, w->lat_ns, w);
    }

    phase *phases[16];
    int np = 0;
    if (a.n > 0) phases[np++] = phase_details(&c, a.n);
    if (a.mixed > 0) phases[np++] = phase_mixed(&c, a.mixed);
    long rss_after = rss_kb();
    for (int i = 0; i < a.nthreads; i++) phases[np++] = phase_threads(a.threads[i], a.thread_n);

    len = build(req, sizeof req, "delete_bot", body);
    roundtrip(&c, req, len);
    close(c.fd);

    printf("{\"contender\":\"floor\",\"api_version\":\"3.6\",\"library_version\":null,\"rss_setup_kb\":%ld,"
           "\"rss_after_kb\":%ld,\"phases\":[",
           rss_setup, rss_after);
    for (int i = 0; i < np; i++) {
        if (i) putchar(',');
        phase_print(stdout, phases[i]);
    }
    printf("],\"soak\":null}\n");
    return 0;
}
