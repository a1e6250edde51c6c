/* Shared by the C benchmark programs: clocks, CPU, RSS, percentiles, the
 * command line and the JSON they print (the schema of benches/README.md). */
#ifndef BENCH_COMMON_H
#define BENCH_COMMON_H

#define _GNU_SOURCE
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    const char *url;
    long n, mixed, thread_n, soak, warmup;
    int threads[8];
    int nthreads;
} bench_args;

static void bench_die(const char *msg) {
    fprintf(stderr, "bench: %s\n", msg);
    exit(2);
}

static void bench_parse_args(int argc, char **argv, bench_args *a) {
    a->url = NULL;
    a->n = 20000;
    a->mixed = 20000;
    a->thread_n = 20000;
    a->soak = 0;
    a->warmup = 500;
    a->threads[0] = 2;
    a->threads[1] = 4;
    a->nthreads = 2;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc) bench_die("an option needs a value");
        const char *f = argv[i], *v = argv[i + 1];
        if (!strcmp(f, "--url")) a->url = v;
        else if (!strcmp(f, "--n")) a->n = atol(v);
        else if (!strcmp(f, "--mixed")) a->mixed = atol(v);
        else if (!strcmp(f, "--thread-n")) a->thread_n = atol(v);
        else if (!strcmp(f, "--soak")) a->soak = atol(v);
        else if (!strcmp(f, "--warmup")) a->warmup = atol(v);
        else if (!strcmp(f, "--threads")) {
            a->nthreads = 0;
            char buf[64];
            snprintf(buf, sizeof buf, "%s", v);
            for (char *tok = strtok(buf, ","); tok && a->nthreads < 8; tok = strtok(NULL, ","))
                if (atoi(tok) > 0) a->threads[a->nthreads++] = atoi(tok);
        } else bench_die("unknown option");
    }
    if (!a->url) bench_die("--url is required");
}

static uint64_t now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* user and system CPU of the whole process (every thread), microseconds */
static void cpu_us(uint64_t *user, uint64_t *sys) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *user = (uint64_t)ru.ru_utime.tv_sec * 1000000u + (uint64_t)ru.ru_utime.tv_usec;
    *sys = (uint64_t)ru.ru_stime.tv_sec * 1000000u + (uint64_t)ru.ru_stime.tv_usec;
}

static long rss_kb(void) {
    long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f) return 0;
    if (fscanf(f, "%ld %ld", &size, &resident) != 2) resident = 0;
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

typedef struct {
    const char *name;
    int threads;
    long calls, errors;
    char first_error[512];
    uint64_t wall_ns, user_us, sys_us;
    uint64_t *lat_ns; /* calls entries */
} phase;

static void phase_error(phase *p, const char *msg) {
    if (p->errors++ == 0) snprintf(p->first_error, sizeof p->first_error, "%s", msg ? msg : "error");
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

/* nearest rank, microseconds */
static double percentile_us(const uint64_t *sorted, long n, double p) {
    if (n <= 0) return 0;
    long rank = (long)(p * (double)n + 0.999999999);
    if (rank < 1) rank = 1;
    if (rank > n) rank = n;
    return (double)sorted[rank - 1] / 1000.0;
}

static void json_string(FILE *out, const char *s) {
    fputc('"', out);
    for (; *s; s++) {
        unsigned char c = (unsigned char)*s;
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c < 0x20) fprintf(out, "\\u%04x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

static void phase_print(FILE *out, phase *p) {
    qsort(p->lat_ns, (size_t)p->calls, sizeof(uint64_t), cmp_u64);
    double wall_s = (double)p->wall_ns / 1e9;
    double cpu = (double)(p->user_us + p->sys_us);
    fprintf(out, "{\"name\":\"%s\",\"threads\":%d,\"calls\":%ld,\"errors\":%ld,\"first_error\":", p->name, p->threads,
            p->calls, p->errors);
    if (p->errors) json_string(out, p->first_error);
    else fputs("null", out);
    fprintf(out,
            ",\"wall_s\":%.6f,\"cpu_user_s\":%.6f,\"cpu_sys_s\":%.6f,\"calls_per_s\":%.1f,\"cpu_us_per_call\":%.3f,"
            "\"p50_us\":%.1f,\"p99_us\":%.1f}",
            wall_s, (double)p->user_us / 1e6, (double)p->sys_us / 1e6, wall_s > 0 ? (double)p->calls / wall_s : 0,
            p->calls ? cpu / (double)p->calls : 0, percentile_us(p->lat_ns, p->calls, 0.50),
            percentile_us(p->lat_ns, p->calls, 0.99));
}

static phase *phase_new(const char *name, int threads, long calls) {
    phase *p = calloc(1, sizeof *p);
    if (!p) bench_die("out of memory");
    p->name = name;
    p->threads = threads;
    p->calls = calls;
    p->lat_ns = calloc((size_t)(calls > 0 ? calls : 1), sizeof(uint64_t));
    if (!p->lat_ns) bench_die("out of memory");
    return p;
}

/* Releases `threads` workers waiting on `barrier` and times them until all
 * have joined: wall time and this process's CPU go into `p`. */
static void phase_time_threads(phase *p, pthread_barrier_t *barrier, const pthread_t *tid, int threads) {
    uint64_t u0, s0, u1, s1;
    cpu_us(&u0, &s0);
    pthread_barrier_wait(barrier);
    uint64_t t0 = now_ns();
    for (int i = 0; i < threads; i++) pthread_join(tid[i], NULL);
    p->wall_ns = now_ns() - t0;
    cpu_us(&u1, &s1);
    p->user_us = u1 - u0;
    p->sys_us = s1 - s0;
}

/* Adds one worker's errors (and the first of them) to `p`. */
static void phase_merge_errors(phase *p, const phase *worker) {
    if (worker->errors && !p->errors) snprintf(p->first_error, sizeof p->first_error, "%s", worker->first_error);
    p->errors += worker->errors;
}

/* `"key":"<value>"` in a JSON text, copied into out (at most cap-1 bytes). */
static int json_field(const char *doc, const char *key, char *out, size_t cap) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    const char *s = doc ? strstr(doc, pat) : NULL;
    if (!s) return 0;
    s += strlen(pat);
    const char *e = strchr(s, '"');
    if (!e || (size_t)(e - s) >= cap) return 0;
    memcpy(out, s, (size_t)(e - s));
    out[e - s] = 0;
    return 1;
}

#endif
