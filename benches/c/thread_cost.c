/* Where a calling thread's memory goes: one client shared by N threads,
 * CALLS get_bot_agents calls each through the C ABI, then RSS while all N
 * are alive, split into the pages of the threads' stacks and the rest
 * (heap: runtime, connection, TLS state, allocator). CALLS 0 is the
 * baseline: what a thread costs that never calls.
 *
 *   thread_cost URL THREADS CALLS [CA_PEM_FILE]
 *
 * Each thread runs on a stack this program maps itself, so that mincore()
 * can count the stack pages the calls touched (glibc also keeps the
 * thread's descriptor and static TLS at the top of it). Prints one JSON
 * line: threads, calls, rss_kb_per_thread, stack_kb_per_thread. */
#define _GNU_SOURCE
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "livechat_bots.h"

#define STACK_BYTES (1 << 20)

static struct lcbot_client *client;
static int calls_per_thread;
static pthread_barrier_t called, leave;

static void die(const char *what, const char *detail) {
    fprintf(stderr, "thread_cost: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
    exit(2);
}

static long rss_kb(void) {
    long size = 0, resident = 0;
    FILE *f = fopen("/proc/self/statm", "r");
    if (!f || fscanf(f, "%ld %ld", &size, &resident) != 2) die("cannot read /proc/self/statm", NULL);
    fclose(f);
    return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static void call_once(void) {
    char *out = NULL;
    if (lcbot_get_bot_agents(client, "{}", NULL, &out) != LCBOT_OK) die("get_bot_agents failed", out);
    lcbot_string_free(out);
}

static void *work(void *unused) {
    (void)unused;
    for (int i = 0; i < calls_per_thread; i++) call_once();
    pthread_barrier_wait(&called);
    pthread_barrier_wait(&leave); /* alive while RSS is read */
    return NULL;
}

/* The config document, with the CA's PEM escaped as a JSON string. */
static char *config(const char *url, const char *ca_file) {
    size_t cap = 1024 + strlen(url);
    char *pem = NULL;
    if (ca_file) {
        FILE *f = fopen(ca_file, "rb");
        if (!f) die("cannot open", ca_file);
        fseek(f, 0, SEEK_END);
        long n = ftell(f);
        rewind(f);
        pem = calloc(1, (size_t)n + 1);
        if (!pem || fread(pem, 1, (size_t)n, f) != (size_t)n) die("cannot read", ca_file);
        fclose(f);
        cap += 2 * (size_t)n;
    }
    char *doc = malloc(cap), *p = doc;
    if (!doc) die("out of memory", NULL);
    p += sprintf(p, "{\"token\": \"dev-token\", \"api_version\": \"3.6\", \"base_url\": \"%s\"", url);
    if (pem) {
        p += sprintf(p, ", \"ca_pem\": \"");
        for (const char *c = pem; *c; c++) {
            if (*c == '\n') {
                *p++ = '\\';
                *p++ = 'n';
            } else if (*c != '\r') {
                *p++ = *c;
            }
        }
        *p++ = '"';
        free(pem);
    }
    strcpy(p, "}");
    return doc;
}

int main(int argc, char **argv) {
    if (argc < 4) die("usage: thread_cost URL THREADS CALLS [CA_PEM_FILE]", NULL);
    int n = atoi(argv[2]);
    calls_per_thread = atoi(argv[3]);
    if (n < 1 || calls_per_thread < 0) die("THREADS must be at least 1, CALLS at least 0", NULL);
    char *doc = config(argv[1], argc > 4 ? argv[4] : NULL), *error = NULL;
    if (lcbot_client_new(doc, &client, &error) != LCBOT_OK) die("lcbot_client_new", error);
    free(doc);
    call_once(); /* the client's own setup is not a thread's cost */

    pthread_barrier_init(&called, NULL, (unsigned)n + 1);
    pthread_barrier_init(&leave, NULL, (unsigned)n + 1);
    pthread_t *threads = calloc((size_t)n, sizeof *threads);
    char **stacks = calloc((size_t)n, sizeof *stacks);
    if (!threads || !stacks) die("out of memory", NULL);
    for (int i = 0; i < n; i++) {
        stacks[i] = mmap(NULL, STACK_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (stacks[i] == MAP_FAILED) die("mmap", NULL);
    }
    long before = rss_kb();
    for (int i = 0; i < n; i++) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstack(&attr, stacks[i], STACK_BYTES);
        if (pthread_create(&threads[i], &attr, work, NULL) != 0) die("pthread_create", NULL);
        pthread_attr_destroy(&attr);
    }
    pthread_barrier_wait(&called);
    long after = rss_kb();

    long page = sysconf(_SC_PAGESIZE), pages = STACK_BYTES / page, touched = 0;
    unsigned char *resident = malloc((size_t)pages);
    if (!resident) die("out of memory", NULL);
    for (int i = 0; i < n; i++) {
        if (mincore(stacks[i], STACK_BYTES, resident) != 0) die("mincore", NULL);
        for (long k = 0; k < pages; k++) touched += resident[k] & 1;
    }
    pthread_barrier_wait(&leave);
    for (int i = 0; i < n; i++) pthread_join(threads[i], NULL);
    printf("{\"threads\": %d, \"calls\": %d, \"rss_kb_per_thread\": %.1f, \"stack_kb_per_thread\": %.1f}\n", n,
           calls_per_thread, (double)(after - before) / n, (double)touched * (page / 1024) / n);
    lcbot_client_free(client);
    free(resident);
    free(threads);
    for (int i = 0; i < n; i++) munmap(stacks[i], STACK_BYTES);
    free(stacks);
    return 0;
}
