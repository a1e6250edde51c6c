/* Benchmark of the C ABI (liblivechat_bots.so) against an emulator running
 * in another process, so that only the client's CPU is counted.
 *
 *   bench_c --url URL [--n N] [--mixed N] [--threads 2,4] [--thread-n N] [--soak N] [--warmup N]
 *
 * The same calls as the Rust core's benchmark in its `json` mode: request
 * JSON text in, result JSON text out (freed with lcbot_string_free). Prints
 * one JSON document on stdout. */
#include "bench_common.h"

#include <livechat_bots.h>
#include <pthread.h>

static const lcbot_client *client;
static char seed_req[128];

static const char *CREATE_REQ =
    "{\"name\":\"bench-bot\",\"max_chats_count\":5,\"groups\":[{\"id\":0,\"priority\":\"normal\"}]}";

/* one call: returns 1 on success; on failure records the error document */
static int call(lcbot_status (*fn)(const lcbot_client *, const char *, const lcbot_call_options *, char **), const char *req, phase *p, char *id_out) {
    char *out = NULL;
    int32_t rc = fn(client, req, NULL, &out);
    int ok = rc == LCBOT_OK;
    if (ok && id_out && !json_field(out, "bot_agent_id", id_out, 64)) ok = 0;
    if (!ok && p) phase_error(p, out);
    lcbot_string_free(out);
    return ok;
}

/* n details calls; latencies into lat */
__attribute__((noinline)) static void run_details(long n, uint64_t *lat, phase *p) {
    for (long i = 0; i < n; i++) {
        uint64_t t = now_ns();
        call(lcbot_get_bot_agent_details, seed_req, p, NULL);
        lat[i] = now_ns() - t;
    }
}

static phase *phase_details(long n) {
    phase *p = phase_new("details", 1, n);
    uint64_t u0, s0, u1, s1;
    cpu_us(&u0, &s0);
    uint64_t t0 = now_ns();
    run_details(n, p->lat_ns, p);
    p->wall_ns = now_ns() - t0;
    cpu_us(&u1, &s1);
    p->user_us = u1 - u0;
    p->sys_us = s1 - s0;
    return p;
}

static phase *phase_mixed(long n) {
    long cycles = n / 5;
    phase *p = phase_new("mixed", 1, cycles * 5);
    char id[64], req[256];
    long k = 0;
    uint64_t u0, s0, u1, s1, t;
    cpu_us(&u0, &s0);
    uint64_t t0 = now_ns();
    for (long c = 0; c < cycles; c++) {
        t = now_ns();
        int ok = call(lcbot_create_bot_agent, CREATE_REQ, p, id);
        p->lat_ns[k++] = now_ns() - t;
        if (!ok) {
            /* keep the count of calls: the four others are not made */
            for (int j = 0; j < 4; j++) p->lat_ns[k++] = 0;
            continue;
        }
        snprintf(req, sizeof req, "{\"bot_agent_id\":\"%s\"}", id);
        t = now_ns();
        call(lcbot_get_bot_agent_details, req, p, NULL);
        p->lat_ns[k++] = now_ns() - t;
        snprintf(req, sizeof req, "{\"id\":\"%s\",\"name\":\"bench-bot-renamed\",\"max_chats_count\":4}", id);
        t = now_ns();
        call(lcbot_update_bot_agent, req, p, NULL);
        p->lat_ns[k++] = now_ns() - t;
        t = now_ns();
        call(lcbot_get_bot_agents, "{\"all\":false}", p, NULL);
        p->lat_ns[k++] = now_ns() - t;
        snprintf(req, sizeof req, "{\"bot_agent_id\":\"%s\"}", id);
        t = now_ns();
        call(lcbot_remove_bot_agent, req, p, NULL);
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
    phase err; /* per-thread error count */
} worker;

static void *work(void *arg) {
    worker *w = arg;
    pthread_barrier_wait(w->barrier);
    run_details(w->n, w->lat, &w->err);
    return NULL;
}

static phase *phase_threads(int threads, long n) {
    long per = n / threads;
    phase *p = phase_new("threads", threads, per * threads);
    pthread_barrier_t barrier;
    pthread_barrier_init(&barrier, NULL, (unsigned)threads + 1);
    pthread_t tid[64];
    worker w[64];
    memset(w, 0, sizeof w);
    for (int i = 0; i < threads; i++) {
        w[i].barrier = &barrier;
        w[i].n = per;
        w[i].lat = p->lat_ns + per * i;
        if (pthread_create(&tid[i], NULL, work, &w[i]) != 0) bench_die("pthread_create");
    }
    phase_time_threads(p, &barrier, tid, threads);
    for (int i = 0; i < threads; i++) phase_merge_errors(p, &w[i].err);
    pthread_barrier_destroy(&barrier);
    return p;
}

int main(int argc, char **argv) {
    bench_args a;
    bench_parse_args(argc, argv, &a);
    char config[512], *err = NULL;
    snprintf(config, sizeof config, "{\"token\":\"dev-token\",\"api_version\":\"3.6\",\"base_url\":\"%s\"}", a.url);
    lcbot_client *c = NULL;
    if (lcbot_client_new(config, &c, &err) != LCBOT_OK) {
        fprintf(stderr, "bench_c: client: %s\n", err ? err : "?");
        return 2;
    }
    client = c;
    char seed[64];
    phase setup = {0};
    if (!call(lcbot_create_bot_agent, CREATE_REQ, &setup, seed) ||
        (snprintf(seed_req, sizeof seed_req, "{\"bot_agent_id\":\"%s\"}", seed),
         !call(lcbot_get_bot_agent_details, seed_req, &setup, NULL))) {
        fprintf(stderr, "bench_c: setup: %s\n", setup.first_error);
        return 2;
    }
    long rss_setup = rss_kb();
    if (a.warmup > 0) {
        phase *w = phase_new("warmup", 1, a.warmup);
        run_details(a.warmup, w->lat_ns, w);
    }

    phase *phases[16];
    int np = 0;
    if (a.n > 0) phases[np++] = phase_details(a.n);
    if (a.mixed > 0) phases[np++] = phase_mixed(a.mixed);
    long rss_after = rss_kb();
    for (int i = 0; i < a.nthreads; i++) phases[np++] = phase_threads(a.threads[i], a.thread_n);

    long soak_before = 0, soak_after = 0, soak_errors = 0;
    if (a.soak > 0) {
        /* no latency record here: its buffer would count as growth */
        soak_before = rss_kb();
        for (long i = 0; i < a.soak; i++) {
            char *out = NULL;
            if (lcbot_get_bot_agent_details(client, seed_req, NULL, &out) != LCBOT_OK) soak_errors++;
            lcbot_string_free(out);
        }
        soak_after = rss_kb();
    }
    char req[128];
    snprintf(req, sizeof req, "{\"bot_agent_id\":\"%s\"}", seed);
    call(lcbot_remove_bot_agent, req, NULL, NULL);
    lcbot_client_free(c);

    printf("{\"contender\":\"c-abi\",\"api_version\":\"3.6\",\"library_version\":");
    json_string(stdout, lcbot_version());
    printf(",\"rss_setup_kb\":%ld,\"rss_after_kb\":%ld,\"phases\":[", rss_setup, rss_after);
    for (int i = 0; i < np; i++) {
        if (i) putchar(',');
        phase_print(stdout, phases[i]);
    }
    printf("],\"soak\":");
    if (a.soak > 0)
        printf("{\"calls\":%ld,\"errors\":%ld,\"rss_before_kb\":%ld,\"rss_after_kb\":%ld,\"growth_kb\":%ld}", a.soak,
               soak_errors, soak_before, soak_after, soak_after - soak_before);
    else
        printf("null");
    printf("}\n");
    return 0;
}
