/*
 * test_lifecycle.c: the surfaces ABI 2 added, through C.
 *
 * - lcbot_call_options: NULL, version 1 with timeout_ms, versions 0 and 2
 *   and a timeout over an hour refused before anything is sent, and a
 *   per-call timeout_ms that ends a stalled read well before the stall;
 * - cancel tokens: NULL handling, a stalled create and a stalled read
 *   cancelled from another thread while in flight (the create's outcome is
 *   unknown, and the emulator carries it out anyway), a token cancelled
 *   before the call (nothing sent), and lcbot_cancel from signal handlers
 *   (SIGALRM from setitimer, and SIGUSR1 sent to the calling thread itself);
 * - fork(): parent and child both make calls at once on the client they
 *   share, each seeing only its own bots; children that only exit (with
 *   exit(), after lcbot_client_free, or with _exit()) leave the parent's
 *   pooled connection working;
 * - lcbot_client_set_credentials: switching between two tokens, and refused
 *   credentials whose error never shows the token;
 * - lcbot_client_set_token_provider: a token that expires while 8 threads
 *   make calls (the provider runs exactly once, every call succeeds), a
 *   provider with no token, and removing the provider;
 * - lcbot_client_set_notice_handler and lcbot_client_notices with a
 *   deprecated and a legacy API version;
 * - lcbot_schema.
 *
 *   test_lifecycle [fork-iterations-per-thread] [token-expiry-ms]
 *
 * make test-c runs it with 40 and 300 natively and with fewer iterations
 * and a later expiry under valgrind (where the run is 20 to 50 times slower).
 */
#define _XOPEN_SOURCE 700
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "livechat_bots.h"
#include "check.h"
#include "over_tls.h"
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define LCBOT_TEST_HAVE_VALGRIND_H 1
#endif
#endif

#define ALL_SCOPES "[\"agents-bot--my:rw\",\"agents-bot--all:rw\",\"agents-bot--my:ro\",\"agents-bot--all:ro\"]"
#define FORK_THREADS 4   /* per process, the main thread included */
#define FORK_ROUNDS 3
#define PROVIDER_THREADS 8
#define MAX_FAILURES_SHOWN 5

static int fork_iterations = 40;
static int token_expiry_ms = 300;

/* ---- time -------------------------------------------------------------- */

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* One poll interval. */
static void nap(void) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
}

/* Waits until `ms` have passed, polling the clock. */
static void wait_ms(double ms) {
    double end = now_ms() + ms;
    while (now_ms() < end) nap();
}

/* ---- emulator and client ----------------------------------------------- */

static lcbot_emulator *start_emulator(const char *config) {
    lcbot_emulator *e = NULL;
    char *err = NULL;
    char tls[2048];
    config = tls_emulator_config(config, tls, sizeof tls);
    if (!CHECK_INT(lcbot_emulator_start(config, &e, &err), LCBOT_OK)) fprintf(stderr, "    config %s: %s\n", config, err);
    lcbot_string_free(err);
    return e;
}

/* A client of `emulator` with `token`; `extra` is more config members (may be ""). */
static lcbot_client *new_client(const lcbot_emulator *emulator, const char *token, const char *extra) {
    char config[1024];
    lcbot_client *c = NULL;
    char *err = NULL;
    char trusting[4096];
    snprintf(config, sizeof config, "{\"token\":\"%s\",\"base_url\":\"%s\"%s%s}", token, lcbot_emulator_url(emulator),
             extra[0] ? "," : "", extra);
    const char *full = tls_client_config(emulator, config, trusting, sizeof trusting);
    if (!CHECK_INT(lcbot_client_new(full, &c, &err), LCBOT_OK)) fprintf(stderr, "    config %s: %s\n", full, err);
    lcbot_string_free(err);
    return c;
}

/* The request log, or NULL (which the checks that use it then fail on).
 * Not a check itself: the polls below read it any number of times. */
static char *request_log(const lcbot_emulator *emulator) {
    char *log = NULL;
    if (lcbot_emulator_requests(emulator, &log) != LCBOT_OK) {
        lcbot_string_free(log);
        return NULL;
    }
    return log;
}

static int count_log(const lcbot_emulator *emulator, const char *a, const char *b, const char *c) {
    char *log = request_log(emulator);
    int n = log_entries_with(log, a, b, c);
    lcbot_string_free(log);
    return n;
}

/* Polls the log until `want` entries contain the needles (or 15 s pass). */
static int wait_log(const lcbot_emulator *emulator, int want, const char *a, const char *b, const char *c) {
    double deadline = now_ms() + 15000;
    int n;
    while ((n = count_log(emulator, a, b, c)) < want && now_ms() < deadline) wait_ms(5);
    return n;
}

/* The "connection" of the newest logged request (-1 when none). */
static long long last_connection(const lcbot_emulator *emulator) {
    char *log = request_log(emulator);
    long long id = -1;
    const char *p = log, *last = NULL;
    while (p && (p = strstr(p, "\"connection\":")) != NULL) last = p++;
    if (last) json_int(last, "connection", &id);
    lcbot_string_free(log);
    return id;
}

/* The "client_id" of the newest logged request, copied into `buf`. */
static void last_client_id(const lcbot_emulator *emulator, char *buf, size_t size) {
    char *log = request_log(emulator);
    const char *p = log, *last = NULL;
    buf[0] = '\0';
    while (p && (p = strstr(p, "\"client_id\":")) != NULL) last = p++;
    if (last) json_str(last, "client_id", buf, size);
    lcbot_string_free(log);
}

static void inject(const lcbot_emulator *emulator, const char *fault) {
    char *out = NULL;
    CHECK_INT(lcbot_emulator_inject(emulator, fault, &out), LCBOT_OK);
    lcbot_string_free(out);
}

static int list_ok(const lcbot_client *client) {
    char *out = NULL;
    int32_t st = lcbot_get_bot_agents(client, "{}", NULL, &out);
    int ok = CHECK_DOC(st == LCBOT_OK, out);
    lcbot_string_free(out);
    return ok;
}

/* ---- 1. call options ---------------------------------------------------- */

static void test_call_options(void) {
    lcbot_emulator *emu = start_emulator("{}");
    lcbot_client *client = emu ? new_client(emu, "dev-token", "\"timeout_ms\":10000") : NULL;
    lcbot_call_options o;
    char *out = NULL;
    int32_t st;
    int before;
    double t0, elapsed;
    if (!client) goto done;

    /* NULL: the client's settings */
    st = lcbot_get_bot_agents(client, "{}", NULL, &out);
    CHECK_DOC(st == LCBOT_OK && strcmp(out, "{\"bot_agents\":[]}") == 0, out);
    lcbot_string_free(out);

    /* version 1 with a timeout, up to the hour */
    memset(&o, 0, sizeof o);
    o.version = LCBOT_CALL_OPTIONS_VERSION;
    o.timeout_ms = 5000;
    st = lcbot_create_bot_agent(client, "{\"name\":\"opts\",\"status\":\"offline\"}", &o, &out);
    CHECK_DOC(st == LCBOT_OK && strstr(out, "\"bot_agent_id\":\""), out);
    lcbot_string_free(out);
    o.timeout_ms = 3600000;
    o.attempt_timeout_ms = 3600000;
    st = lcbot_get_bot_agents(client, "{}", &o, &out);
    CHECK_DOC(st == LCBOT_OK && strstr(out, "\"name\":\"opts\""), out);
    lcbot_string_free(out);
    CHECK_INT(LCBOT_CALL_OPTIONS_VERSION, 1);

    /* refused before anything is sent */
    before = logged_requests(emu);
    CHECK_INT(before, 3);
    memset(&o, 0, sizeof o);
    o.version = 0;
    st = lcbot_get_bot_agents(client, "{}", &o, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "options.version", 0);
    lcbot_string_free(out);
    st = lcbot_create_bot_agent(client, "{\"name\":\"v0\",\"status\":\"offline\"}", &o, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "options.version", 0);
    lcbot_string_free(out);
    o.version = 2;
    st = lcbot_get_bot_agents(client, "{}", &o, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "options.version: expected 1", 0);
    CHECK_HAS(out, "got 2");
    lcbot_string_free(out);
    st = lcbot_call(client, "get_bot_agents", "{}", &o, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "options.version", 0);
    lcbot_string_free(out);
    o.version = LCBOT_CALL_OPTIONS_VERSION;
    o.timeout_ms = 3600001;
    st = lcbot_remove_bot_agent(client, "{\"bot_agent_id\":\"x\"}", &o, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "options.timeout_ms", 0);
    CHECK_HAS(out, "3600001");
    lcbot_string_free(out);
    o.timeout_ms = 0;
    o.attempt_timeout_ms = 3600001;
    st = lcbot_get_bot_agents(client, "{}", &o, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "options.attempt_timeout_ms", 0);
    lcbot_string_free(out);
    CHECK_INT(logged_requests(emu), before);

    /* a per-call timeout of 200 ms ends a read stalled for 3 s */
    inject(emu, "{\"action\":\"get_bot_agents\",\"delay_ms\":3000}");
    memset(&o, 0, sizeof o);
    o.version = LCBOT_CALL_OPTIONS_VERSION;
    o.timeout_ms = 200;
    t0 = now_ms();
    st = lcbot_get_bot_agents(client, "{}", &o, &out);
    elapsed = now_ms() - t0;
    CHECK_ERROR(st, out, LCBOT_ERR_TIMEOUT, "timeout", NULL, -1);
    CHECK_LACKS(out, "\"outcome\"");
    lcbot_string_free(out);
    if (!CHECK(elapsed < 1500)) fprintf(stderr, "    the 200 ms call took %.0f ms\n", elapsed);
    /* the client goes on with its own settings */
    list_ok(client);
    /* the stalled request is logged once it ends */
    CHECK_INT(wait_log(emu, before + 2, NULL, NULL, NULL), before + 2);

done:
    lcbot_client_free(client);
    lcbot_emulator_stop(emu);
}

/* ---- 2. cancel tokens --------------------------------------------------- */

struct canceller {
    const lcbot_cancel_token *token;
    const lcbot_emulator *emulator; /* its fault queue shows the request in flight */
    int started;          /* set by the calling thread just before it calls */
    double cancelled_at;  /* when lcbot_cancel was called */
    pthread_t target;     /* for signal_target: the thread to signal */
    int signal_target;    /* send SIGUSR1 to `target` instead of calling lcbot_cancel */
};

/* Waits until the call's request is in flight (the emulator took its delay
 * fault from the queue: "pending_faults":0), then cancels it. */
static void *cancel_later(void *arg) {
    struct canceller *c = (struct canceller *)arg;
    double deadline = now_ms() + 10000;
    while (!__atomic_load_n(&c->started, __ATOMIC_ACQUIRE) && now_ms() < deadline) nap();
    for (;;) {
        char *log = NULL;
        int taken = lcbot_emulator_requests(c->emulator, &log) == LCBOT_OK && strstr(log, "\"pending_faults\":0}") != NULL;
        lcbot_string_free(log);
        if (taken || now_ms() > deadline) break;
        wait_ms(2);
    }
    c->cancelled_at = now_ms();
    if (c->signal_target)
        pthread_kill(c->target, SIGUSR1);
    else
        lcbot_cancel(c->token);
    return NULL;
}

typedef lcbot_status (*action_fn)(const lcbot_client *, const char *, const lcbot_call_options *, char **);

/*
 * Runs `call` with a fresh token while another thread cancels it once its
 * request is in flight (with lcbot_cancel, or with SIGUSR1 to this thread
 * when `by_signal`).
 * Returns the status; `*out` gets the document, `*took_ms` the time from
 * the cancel to the return.
 */
static int32_t call_and_cancel(const lcbot_emulator *emulator, const lcbot_client *client, action_fn call, const char *request, int by_signal, char **out,
                               double *took_ms, double *total_ms);

static lcbot_cancel_token *volatile signal_token = NULL;

static void cancel_on_signal(int sig) {
    (void)sig;
    lcbot_cancel(signal_token);
}

static int32_t call_and_cancel(const lcbot_emulator *emulator, const lcbot_client *client, action_fn call, const char *request, int by_signal, char **out,
                               double *took_ms, double *total_ms) {
    lcbot_cancel_token *token = NULL;
    lcbot_call_options o;
    struct canceller c;
    pthread_t thread;
    int32_t st;
    double t0;
    CHECK_INT(lcbot_cancel_token_new(&token), LCBOT_OK);
    memset(&c, 0, sizeof c);
    c.token = token;
    c.emulator = emulator;
    c.target = pthread_self();
    c.signal_target = by_signal;
    if (by_signal) signal_token = token;
    memset(&o, 0, sizeof o);
    o.version = LCBOT_CALL_OPTIONS_VERSION;
    o.cancel = token;
    CHECK_INT(pthread_create(&thread, NULL, cancel_later, &c), 0);
    t0 = now_ms();
    __atomic_store_n(&c.started, 1, __ATOMIC_RELEASE);
    st = call(client, request, &o, out);
    *took_ms = now_ms() - c.cancelled_at;
    *total_ms = now_ms() - t0;
    CHECK_INT(pthread_join(thread, NULL), 0);
    signal_token = NULL;
    lcbot_cancel_token_free(token);
    return st;
}

static void install(int sig, void (*handler)(int), int flags, struct sigaction *old) {
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = handler;
    sa.sa_flags = flags;
    sigemptyset(&sa.sa_mask);
    CHECK_INT(sigaction(sig, &sa, old), 0);
}

/* Kept until the end of main: the stalled creates finish there. */
static lcbot_emulator *cancel_emulator = NULL;

static void test_cancel(void) {
    lcbot_emulator *emu = start_emulator("{}");
    lcbot_client *client = emu ? new_client(emu, "dev-token", "\"timeout_ms\":20000") : NULL;
    lcbot_cancel_token *token = NULL;
    lcbot_call_options o;
    struct sigaction old;
    struct itimerval timer;
    char *out = NULL;
    int32_t st;
    int before;
    double took, total, t0;
    cancel_emulator = emu;

    CHECK_INT(lcbot_cancel_token_new(NULL), LCBOT_ERR_NULL_ARGUMENT);
    lcbot_cancel(NULL);
    lcbot_cancel_token_free(NULL);
    CHECK(1); /* still here */
    if (!client) return;
    list_ok(client);

    /* cancelled before the call: nothing is sent, and it stays cancelled */
    CHECK_INT(lcbot_cancel_token_new(&token), LCBOT_OK);
    CHECK(token != NULL);
    lcbot_cancel(token);
    lcbot_cancel(token); /* twice is fine */
    memset(&o, 0, sizeof o);
    o.version = LCBOT_CALL_OPTIONS_VERSION;
    o.cancel = token;
    before = logged_requests(emu);
    st = lcbot_create_bot_agent(client, "{\"name\":\"never\",\"status\":\"offline\"}", &o, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_CANCELLED, "cancelled", NULL, 0);
    CHECK_LACKS(out, "\"outcome\"");
    lcbot_string_free(out);
    st = lcbot_get_bot_agents(client, "{}", &o, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_CANCELLED, "cancelled", NULL, 0);
    lcbot_string_free(out);
    st = lcbot_call(client, "get_bot_agents", "{}", &o, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_CANCELLED, "cancelled", NULL, 0);
    lcbot_string_free(out);
    CHECK_INT(logged_requests(emu), before);
    lcbot_cancel_token_free(token);
    token = NULL;

    /* a stalled create cancelled from another thread while in flight */
    inject(emu, "{\"action\":\"create_bot_agent\",\"delay_ms\":5000}");
    st = call_and_cancel(emu, client, lcbot_create_bot_agent, "{\"name\":\"stalled-1\",\"status\":\"offline\"}", 0, &out, &took,
                         &total);
    CHECK_ERROR(st, out, LCBOT_ERR_CANCELLED, "cancelled", NULL, 1);
    CHECK_HAS(out, "\"outcome\":\"unknown\"");
    lcbot_string_free(out);
    if (!CHECK(took < 1000 && total < 4000)) fprintf(stderr, "    returned %.0f ms after the cancel\n", took);

    /* a stalled read: no outcome to speak of */
    inject(emu, "{\"action\":\"get_bot_agent_details\",\"delay_ms\":5000}");
    st = call_and_cancel(emu, client, lcbot_get_bot_agent_details, "{\"bot_agent_id\":\"nobody\"}", 0, &out, &took, &total);
    CHECK_ERROR(st, out, LCBOT_ERR_CANCELLED, "cancelled", NULL, 1);
    CHECK_LACKS(out, "\"outcome\"");
    lcbot_string_free(out);
    if (!CHECK(took < 1000 && total < 4000)) fprintf(stderr, "    returned %.0f ms after the cancel\n", took);

    /* from a signal handler: SIGALRM (process-directed) from setitimer */
    install(SIGALRM, cancel_on_signal, SA_RESTART, &old);
    CHECK_INT(lcbot_cancel_token_new(&token), LCBOT_OK);
    signal_token = token;
    memset(&o, 0, sizeof o);
    o.version = LCBOT_CALL_OPTIONS_VERSION;
    o.cancel = token;
    inject(emu, "{\"action\":\"get_bot_agents\",\"delay_ms\":5000}");
    memset(&timer, 0, sizeof timer);
    timer.it_value.tv_usec = 150000;
    t0 = now_ms();
    CHECK_INT(setitimer(ITIMER_REAL, &timer, NULL), 0);
    st = lcbot_get_bot_agents(client, "{}", &o, &out);
    total = now_ms() - t0;
    CHECK_ERROR(st, out, LCBOT_ERR_CANCELLED, "cancelled", NULL, 1);
    lcbot_string_free(out);
    if (!CHECK(total < 1500)) fprintf(stderr, "    the SIGALRM-cancelled call took %.0f ms\n", total);
    memset(&timer, 0, sizeof timer);
    setitimer(ITIMER_REAL, &timer, NULL);
    CHECK_INT(sigaction(SIGALRM, &old, NULL), 0);
    signal_token = NULL;
    lcbot_cancel_token_free(token);
    token = NULL;

    /* ... and SIGUSR1 to the calling thread itself, whose handler interrupts
     * the call's own wait (no SA_RESTART: its system calls see EINTR) */
    install(SIGUSR1, cancel_on_signal, 0, &old);
    inject(emu, "{\"action\":\"create_bot_agent\",\"delay_ms\":5000}");
    st = call_and_cancel(emu, client, lcbot_create_bot_agent, "{\"name\":\"stalled-2\",\"status\":\"offline\"}", 1, &out, &took,
                         &total);
    CHECK_ERROR(st, out, LCBOT_ERR_CANCELLED, "cancelled", NULL, 1);
    CHECK_HAS(out, "\"outcome\":\"unknown\"");
    lcbot_string_free(out);
    if (!CHECK(took < 1000 && total < 4000)) fprintf(stderr, "    returned %.0f ms after SIGUSR1\n", took);
    CHECK_INT(sigaction(SIGUSR1, &old, NULL), 0);

    /* the client is fine afterwards, with and without a (live) token */
    list_ok(client);
    CHECK_INT(lcbot_cancel_token_new(&token), LCBOT_OK);
    memset(&o, 0, sizeof o);
    o.version = LCBOT_CALL_OPTIONS_VERSION;
    o.cancel = token;
    st = lcbot_get_bot_agents(client, "{}", &o, &out);
    CHECK_DOC(st == LCBOT_OK, out);
    lcbot_string_free(out);
    lcbot_cancel_token_free(token);
    lcbot_client_free(client);
    /* the emulator is checked and stopped at the end of main */
}

/* The cancelled creates were in flight: the emulator carries them out. */
static void check_cancelled_writes_applied(void) {
    lcbot_emulator *emu = cancel_emulator;
    lcbot_client *client;
    char *out = NULL;
    if (!emu) return;
    CHECK_INT(wait_log(emu, 2, "\"action\":\"create_bot_agent\"", "\"delay_ms\":5000", "\"status\":200,"), 2);
    CHECK_INT(wait_log(emu, 2, "\"delay_ms\":5000", "\"action\":\"get_bot_agent", NULL), 2);
    client = new_client(emu, "dev-token", "");
    if (client) {
        CHECK_INT(lcbot_get_bot_agents(client, "{\"all\":true}", NULL, &out), LCBOT_OK);
        CHECK_HAS(out, "\"name\":\"stalled-1\"");
        CHECK_HAS(out, "\"name\":\"stalled-2\"");
        CHECK_LACKS(out, "\"name\":\"never\"");
        CHECK_INT(count_of(out, "\"id\":"), 2);
        lcbot_string_free(out);
    }
    lcbot_client_free(client);
    lcbot_emulator_stop(emu);
    cancel_emulator = NULL;
}

/* ---- 3. fork ------------------------------------------------------------ */

struct fork_worker {
    const lcbot_client *client;
    int pid, tid, iterations;
    int passed, failed, calls;
};

static int fcheck(struct fork_worker *w, int ok, int line, const char *what, const char *doc) {
    if (ok) {
        w->passed++;
    } else {
        if (w->failed < MAX_FAILURES_SHOWN)
            fprintf(stderr, "%s:%d: FAIL (pid %d, thread %d, call %d): %s\n    document: %s\n", __FILE__, line, w->pid,
                    w->tid, w->calls, what, doc ? doc : "(NULL)");
        w->failed++;
    }
    return ok;
}
#define FCHECK(w, cond, doc) fcheck((w), (cond) ? 1 : 0, __LINE__, #cond, (doc))

/* Creates bots named after this process, reads each back, removes it. */
static void *fork_work(void *arg) {
    struct fork_worker *w = (struct fork_worker *)arg;
    char name[64], req[256], id[64], got[64];
    char *out;
    int32_t st;
    for (int i = 0; i < w->iterations; i++) {
        snprintf(name, sizeof name, "pid%d-t%d-%d", w->pid, w->tid, i);
        snprintf(req, sizeof req, "{\"name\":\"%s\",\"status\":\"offline\"}", name);
        out = NULL;
        w->calls++;
        st = lcbot_create_bot_agent(w->client, req, NULL, &out);
        if (!FCHECK(w, st == LCBOT_OK && json_str(out, "bot_agent_id", id, sizeof id) && strlen(id) == 32, out)) {
            lcbot_string_free(out);
            continue;
        }
        lcbot_string_free(out);

        snprintf(req, sizeof req, "{\"bot_agent_id\":\"%s\"}", id);
        out = NULL;
        w->calls++;
        st = lcbot_get_bot_agent_details(w->client, req, NULL, &out);
        FCHECK(w, st == LCBOT_OK && json_str(out, "name", got, sizeof got) && strcmp(got, name) == 0, out);
        lcbot_string_free(out);

        out = NULL;
        w->calls++;
        st = lcbot_remove_bot_agent(w->client, req, NULL, &out);
        FCHECK(w, st == LCBOT_OK && strcmp(out, "{}") == 0, out);
        lcbot_string_free(out);
    }
    return NULL;
}

/* FORK_THREADS workers of this process (the calling thread is one of
 * them); returns the failures, *passed gets the passes. */
static int run_fork_workers(const lcbot_client *client, int *passed, int *calls) {
    struct fork_worker w[FORK_THREADS];
    pthread_t threads[FORK_THREADS];
    int failed = 0;
    *passed = 0;
    *calls = 0;
    for (int i = 0; i < FORK_THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].client = client;
        w[i].pid = (int)getpid();
        w[i].tid = i;
        w[i].iterations = fork_iterations;
    }
    for (int i = 1; i < FORK_THREADS; i++)
        if (pthread_create(&threads[i], NULL, fork_work, &w[i]) != 0) {
            w[i].failed++;
            w[i].iterations = -1;
        }
    fork_work(&w[0]);
    for (int i = 1; i < FORK_THREADS; i++)
        if (w[i].iterations >= 0) pthread_join(threads[i], NULL);
    for (int i = 0; i < FORK_THREADS; i++) {
        *passed += w[i].passed;
        *calls += w[i].calls;
        failed += w[i].failed;
    }
    return failed;
}

/* Under valgrind (which preloads its vgpreload_*.so): see end_child. */
static int under_valgrind(void) {
    const char *preload = getenv("LD_PRELOAD");
    return preload && strstr(preload, "vgpreload") != NULL;
}

/*
 * Ends a forked child with `status`, as `how` says: 0 exit(), 1 _exit().
 *
 * Under valgrind the child ends by exec'ing `sh -c 'exit N'` instead: with
 * --trace-children=no valgrind leaves the exec'd shell alone and runs no
 * leak check on the child. A leak check is meaningless in a child forked
 * from a multi-threaded process: the memory of the threads that were not
 * copied (the emulator's, and the connections the library deliberately
 * leaves to the parent) is unreachable there by construction. The child's
 * memory errors (invalid reads and writes) are still counted, and fail it.
 */
static void end_child(int status, int how) {
    if (under_valgrind()) {
        char command[32];
#ifdef LCBOT_TEST_HAVE_VALGRIND_H
        if (VALGRIND_COUNT_ERRORS > 0) status = status ? status : 3;
#endif
        snprintf(command, sizeof command, "exit %d", status);
        fflush(stderr);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(4); /* exec failed */
    }
    if (how == 0) exit(status);
    _exit(status);
}

/* Waits for `pid` until `timeout_ms`; kills it if it overruns. Returns the
 * exit status, or -1 (killed, or ended by a signal). */
static int wait_child(pid_t pid, double timeout_ms) {
    double deadline = now_ms() + timeout_ms;
    int status = 0;
    pid_t r;
    while ((r = waitpid(pid, &status, WNOHANG)) == 0 && now_ms() < deadline) wait_ms(2);
    if (r == 0) {
        fprintf(stderr, "    child %d overran %.0f ms: killed\n", (int)pid, timeout_ms);
        kill(pid, SIGKILL);
        waitpid(pid, &status, 0);
        return -1;
    }
    if (r != pid) return -1;
    if (WIFSIGNALED(status)) fprintf(stderr, "    child %d ended by signal %d\n", (int)pid, WTERMSIG(status));
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_fork(void) {
    lcbot_emulator *emu = start_emulator("{\"log_limit\":1000000}");
    lcbot_client *client = emu ? new_client(emu, "dev-token", "\"timeout_ms\":20000") : NULL;
    int parent_calls_total = 0, child_ok = 0;
    if (!client) goto done;

    for (int round = 0; round < FORK_ROUNDS; round++) {
        long long conn_before, conn_after;
        int passed = 0, failed, calls = 0, status;
        pid_t pid;

        /* a call, so that the main thread has a pooled connection */
        list_ok(client);
        conn_before = last_connection(emu);

        /* a child that only exits: three ways of exiting */
        fflush(stdout);
        fflush(stderr);
        pid = fork();
        if (pid == 0) {
            if (round % 3 == 1) lcbot_client_free(client);
            end_child(0, round % 3 == 2);
        }
        if (!CHECK(pid > 0)) break;
        CHECK_INT(wait_child(pid, 20000), 0);
        /* the parent's pooled connection still works, and is still used */
        list_ok(client);
        conn_after = last_connection(emu);
        if (!CHECK(conn_after == conn_before))
            fprintf(stderr, "    round %d: connection %lld before the child, %lld after\n", round, conn_before, conn_after);

        /* parent and child both make calls at once */
        fflush(stdout);
        fflush(stderr);
        pid = fork();
        if (pid == 0) {
            int child_passed = 0, child_calls = 0;
            int child_failed = run_fork_workers(client, &child_passed, &child_calls);
            if (child_calls != FORK_THREADS * fork_iterations * 3) child_failed++;
            if (child_failed) fprintf(stderr, "    child %d: %d passed, %d failed\n", (int)getpid(), child_passed, child_failed);
            lcbot_client_free(client);
            /* The emulator is the parent's (its threads are not here): left alone. */
            end_child(child_failed ? 1 : child_passed > 0 ? 0 : 2, 0);
        }
        if (!CHECK(pid > 0)) break;
        failed = run_fork_workers(client, &passed, &calls);
        check_add(passed, failed);
        CHECK_INT(calls, FORK_THREADS * fork_iterations * 3);
        parent_calls_total += calls;
        status = wait_child(pid, 120000);
        if (CHECK_INT(status, 0)) child_ok++;
        /* the parent's main thread goes on */
        list_ok(client);
    }
    printf("fork: %d rounds, parent %d calls, %d children passed (%d calls each)\n", FORK_ROUNDS, parent_calls_total,
           child_ok, FORK_THREADS * fork_iterations * 3);

    {
        /* every bot of both processes was removed; the log saw both */
        char *out = NULL;
        int creates;
        CHECK_INT(lcbot_get_bot_agents(client, "{\"all\":true}", NULL, &out), LCBOT_OK);
        CHECK_DOC(out && strcmp(out, "{\"bot_agents\":[]}") == 0, out);
        lcbot_string_free(out);
        creates = count_log(emu, "\"action\":\"create_bot_agent\"", "\"status\":200,", NULL);
        CHECK_INT(creates, 2 * FORK_ROUNDS * FORK_THREADS * fork_iterations);
    }
done:
    lcbot_client_free(client);
    lcbot_emulator_stop(emu);
}

/* ---- 4. credentials ----------------------------------------------------- */

static void test_set_credentials(void) {
    static const char *config =
        "{\"tokens\":[{\"token\":\"tok-one\",\"client_id\":\"client-one\",\"scopes\":" ALL_SCOPES "},"
        "{\"token\":\"tok-two\",\"client_id\":\"client-two\",\"scopes\":" ALL_SCOPES "}]}";
    lcbot_emulator *emu = start_emulator(config);
    lcbot_client *client = emu ? new_client(emu, "tok-one", "") : NULL;
    char *out = NULL, *err = NULL;
    char who[64];
    int32_t st;
    static const struct {
        const char *json;
        int status;
        const char *secret;
    } refused[] = {
        {"{\"token\":\"sekrit-json-7141\"", LCBOT_ERR_INVALID_JSON, "sekrit-json-7141"},
        {"{\"token\":\"sekrit-dup-7142\",\"token\":\"sekrit-dup-7143\"}", LCBOT_ERR_INVALID_JSON, "sekrit-dup-714"},
        {"{\"token\":\"\"}", LCBOT_ERR_VALIDATION, NULL},
        {"{\"token\":\"sekrit-nl-7144\\nTAIL-7145\"}", LCBOT_ERR_VALIDATION, "sekrit-nl-7144"},
        {"{\"token\":\"sekrit-cr-7146\\r\\nX-Evil: 1\"}", LCBOT_ERR_VALIDATION, "sekrit-cr-7146"},
        {"{\"token\":\"sekrit-type-7147\",\"token_type\":\"Digest\"}", LCBOT_ERR_VALIDATION, "sekrit-type-7147"},
        {"{\"token\":\"sekrit-key-7148\",\"scope\":\"x\"}", LCBOT_ERR_VALIDATION, "sekrit-key-7148"},
        {"[\"sekrit-array-7149\"]", LCBOT_ERR_VALIDATION, "sekrit-array-7149"},
    };
    if (!client) goto done;

    st = lcbot_create_bot_agent(client, "{\"name\":\"of-one\",\"status\":\"offline\"}", NULL, &out);
    CHECK_DOC(st == LCBOT_OK, out);
    lcbot_string_free(out);
    last_client_id(emu, who, sizeof who);
    CHECK(strcmp(who, "client-one") == 0);

    /* to the second token: its application does not own the bot */
    CHECK_INT(lcbot_client_set_credentials(client, "{\"token\":\"tok-two\"}", &err), LCBOT_OK);
    CHECK(err == NULL);
    st = lcbot_get_bot_agents(client, "{\"all\":false}", NULL, &out);
    CHECK_DOC(st == LCBOT_OK && strcmp(out, "{\"bot_agents\":[]}") == 0, out);
    lcbot_string_free(out);
    last_client_id(emu, who, sizeof who);
    CHECK(strcmp(who, "client-two") == 0);

    /* and back, with the token type spelled out */
    CHECK_INT(lcbot_client_set_credentials(client, "{\"token\":\"tok-one\",\"token_type\":\"Bearer\"}", &err), LCBOT_OK);
    st = lcbot_get_bot_agents(client, "{\"all\":false}", NULL, &out);
    CHECK_DOC(st == LCBOT_OK && strstr(out, "\"name\":\"of-one\""), out);
    lcbot_string_free(out);

    /* refused: an error that never shows the token; the old one stays */
    for (size_t i = 0; i < sizeof refused / sizeof refused[0]; i++) {
        err = NULL;
        st = lcbot_client_set_credentials(client, refused[i].json, &err);
        if (!CHECK_INT(st, refused[i].status)) fprintf(stderr, "    credentials %s\n", refused[i].json);
        CHECK_HAS(err, "\"message\":\"");
        CHECK_HAS(err, "\"attempts\":0");
        if (refused[i].secret) CHECK_LACKS(err, refused[i].secret);
        CHECK_LACKS(err, "TAIL-7145");
        CHECK_LACKS(err, "X-Evil");
        lcbot_string_free(err);
    }
    err = NULL;
    st = lcbot_client_set_credentials(client, NULL, &err);
    CHECK_ERROR(st, err, LCBOT_ERR_NULL_ARGUMENT, "null_argument", "credentials_json", 0);
    lcbot_string_free(err);
    err = NULL;
    CHECK_INT(lcbot_client_set_credentials(NULL, "{\"token\":\"tok-two\"}", &err), LCBOT_ERR_NULL_ARGUMENT);
    lcbot_string_free(err);
    st = lcbot_get_bot_agents(client, "{\"all\":false}", NULL, &out);
    CHECK_DOC(st == LCBOT_OK && strstr(out, "\"name\":\"of-one\""), out);
    lcbot_string_free(out);
    last_client_id(emu, who, sizeof who);
    CHECK(strcmp(who, "client-one") == 0);
    /* nothing refused was ever sent */
    {
        char *log = request_log(emu);
        CHECK_LACKS(log, "sekrit");
        CHECK_LACKS(log, "tok-one");
        lcbot_string_free(log);
    }
done:
    lcbot_client_free(client);
    lcbot_emulator_stop(emu);
}

/* ---- 5. token provider -------------------------------------------------- */

struct provider_data {
    int calls; /* atomic */
    const char *token;
    int answer; /* what the provider returns */
};

static int32_t provide(void *user_data, char *buf, size_t len) {
    struct provider_data *d = (struct provider_data *)user_data;
    __atomic_fetch_add(&d->calls, 1, __ATOMIC_SEQ_CST);
    if (d->answer != 0) return d->answer;
    snprintf(buf, len, "%s", d->token);
    return 0;
}

struct provider_worker {
    const lcbot_client *client;
    struct provider_data *provider;
    int tid;
    int calls, ok, before_renewal, after_renewal;
    int passed, failed;
    double started_ms;
};

/* Calls until the token has been renewed and 5 more calls succeeded. */
static void *provider_work(void *arg) {
    struct provider_worker *w = (struct provider_worker *)arg;
    double deadline = now_ms() + 20000 + token_expiry_ms;
    char req[128], id[64];
    while (w->after_renewal < 5 && now_ms() < deadline) {
        int renewed = __atomic_load_n(&w->provider->calls, __ATOMIC_SEQ_CST) > 0;
        char *out = NULL;
        int32_t st;
        w->calls++;
        if (w->calls % 4 == 0) {
            snprintf(req, sizeof req, "{\"name\":\"p%d-%d\",\"status\":\"offline\"}", w->tid, w->calls);
            st = lcbot_create_bot_agent(w->client, req, NULL, &out);
            if (st == LCBOT_OK && json_str(out, "bot_agent_id", id, sizeof id)) {
                lcbot_string_free(out);
                out = NULL;
                snprintf(req, sizeof req, "{\"bot_agent_id\":\"%s\"}", id);
                st = lcbot_remove_bot_agent(w->client, req, NULL, &out);
            }
        } else {
            st = lcbot_get_bot_agents(w->client, "{}", NULL, &out);
        }
        if (st == LCBOT_OK) {
            w->ok++;
            w->passed++;
            if (renewed)
                w->after_renewal++;
            else if (__atomic_load_n(&w->provider->calls, __ATOMIC_SEQ_CST) == 0)
                w->before_renewal++;
        } else {
            if (w->failed < MAX_FAILURES_SHOWN)
                fprintf(stderr, "%s:%d: FAIL (provider thread %d, call %d): status %d\n    document: %s\n", __FILE__,
                        __LINE__, w->tid, w->calls, (int)st, out ? out : "(NULL)");
            w->failed++;
        }
        lcbot_string_free(out);
    }
    return NULL;
}

static void test_token_provider(void) {
    char config[1024];
    lcbot_emulator *emu;
    lcbot_client *client = NULL, *other = NULL;
    struct provider_data renew = {0, "tok-fresh", 0}, none = {0, NULL, 1}, good = {0, "tok-fresh", 0};
    struct provider_worker w[PROVIDER_THREADS];
    pthread_t threads[PROVIDER_THREADS];
    int total_calls = 0, before = 0, after = 0;
    char *out = NULL, *err = NULL;
    int32_t st;

    snprintf(config, sizeof config,
             "{\"tokens\":[{\"token\":\"tok-expiring\",\"client_id\":\"dev-client\",\"scopes\":" ALL_SCOPES
             ",\"expires_in_ms\":%d},{\"token\":\"tok-fresh\",\"client_id\":\"dev-client\",\"scopes\":" ALL_SCOPES "}]}",
             token_expiry_ms);
    emu = start_emulator(config);
    if (emu) client = new_client(emu, "tok-expiring", "\"timeout_ms\":20000");
    if (!client) goto done;
    CHECK_INT(lcbot_client_set_token_provider(client, provide, &renew, &err), LCBOT_OK);
    CHECK(err == NULL);

    /* 8 threads across the expiry */
    for (int i = 0; i < PROVIDER_THREADS; i++) {
        memset(&w[i], 0, sizeof w[i]);
        w[i].client = client;
        w[i].provider = &renew;
        w[i].tid = i;
    }
    for (int i = 0; i < PROVIDER_THREADS; i++) CHECK_INT(pthread_create(&threads[i], NULL, provider_work, &w[i]), 0);
    for (int i = 0; i < PROVIDER_THREADS; i++) CHECK_INT(pthread_join(threads[i], NULL), 0);
    for (int i = 0; i < PROVIDER_THREADS; i++) {
        /* failures were printed as they came; one check per thread */
        check_add(0, w[i].failed);
        CHECK_INT(w[i].ok, w[i].calls);
        CHECK(w[i].after_renewal >= 5);
        total_calls += w[i].calls;
        before += w[i].before_renewal;
        after += w[i].after_renewal;
    }
    CHECK_INT(__atomic_load_n(&renew.calls, __ATOMIC_SEQ_CST), 1);
    /* the calls did span the expiry: some succeeded with the first token */
    CHECK(before > 0);
    /* the refused requests were 401s, each repeated with the new token */
    CHECK(count_log(emu, "\"status\":401,", NULL, NULL) >= 1);
    printf("token provider: %d calls on %d threads, %d before the renewal, %d after; provider ran %d time(s)\n",
           total_calls, PROVIDER_THREADS, before, after, renew.calls);

    /* a provider with no token: the authentication error reaches the caller */
    other = new_client(emu, "tok-wrong-7150", "");
    if (!other) goto done;
    CHECK_INT(lcbot_client_set_token_provider(other, provide, &none, &err), LCBOT_OK);
    st = lcbot_get_bot_agents(other, "{}", NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_API, "api", NULL, 1);
    CHECK_HAS(out, "\"http_status\":401,\"api_error\":{\"type\":\"authentication\"");
    CHECK_LACKS(out, "tok-wrong-7150");
    lcbot_string_free(out);
    CHECK_INT(none.calls, 1);
    /* a write too: refused before anything was done, so no outcome */
    st = lcbot_create_bot_agent(other, "{\"name\":\"refused\",\"status\":\"offline\"}", NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_API, "api", NULL, 1);
    CHECK_LACKS(out, "\"outcome\"");
    lcbot_string_free(out);
    CHECK_INT(none.calls, 2);

    /* removed: not asked again */
    CHECK_INT(lcbot_client_set_token_provider(other, NULL, NULL, &err), LCBOT_OK);
    st = lcbot_get_bot_agents(other, "{}", NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_API, "api", NULL, 1);
    lcbot_string_free(out);
    CHECK_INT(none.calls, 2);

    /* one with a token: the refused call is repeated with it */
    CHECK_INT(lcbot_client_set_token_provider(other, provide, &good, &err), LCBOT_OK);
    st = lcbot_get_bot_agents(other, "{}", NULL, &out);
    CHECK_DOC(st == LCBOT_OK, out);
    lcbot_string_free(out);
    CHECK_INT(good.calls, 1);
    st = lcbot_get_bot_agents(other, "{}", NULL, &out);
    CHECK_DOC(st == LCBOT_OK, out);
    lcbot_string_free(out);
    CHECK_INT(good.calls, 1);

    CHECK_INT(lcbot_client_set_token_provider(NULL, provide, &good, &err), LCBOT_ERR_NULL_ARGUMENT);
    lcbot_string_free(err);
    err = NULL;
    {
        char *log = request_log(emu);
        CHECK_LACKS(log, "tok-");
        lcbot_string_free(log);
    }
done:
    lcbot_client_free(other);
    lcbot_client_free(client);
    lcbot_emulator_stop(emu);
}

/* ---- 6. notices --------------------------------------------------------- */

struct notice_data {
    int calls;
    char first[1024];
};

static void on_notice(void *user_data, const char *notice) {
    struct notice_data *d = (struct notice_data *)user_data;
    if (d->calls++ == 0) snprintf(d->first, sizeof d->first, "%s", notice);
}

static void test_notices(void) {
    lcbot_emulator *emu = start_emulator(
        "{\"versions\":{\"3.3\":{\"stage\":\"deprecated\",\"until\":\"2027-01-31\"},"
        "\"3.4\":{\"stage\":\"legacy\",\"until\":\"2026-06-30\"}}}");
    lcbot_client *deprecated = emu ? new_client(emu, "dev-token", "\"api_version\":\"3.3\"") : NULL;
    lcbot_client *legacy = emu ? new_client(emu, "dev-token", "\"api_version\":\"3.4\"") : NULL;
    lcbot_client *stable = emu ? new_client(emu, "dev-token", "\"api_version\":\"3.5\"") : NULL;
    struct notice_data seen, unseen;
    char *out = NULL, *err = NULL;
    if (!deprecated || !legacy || !stable) goto done;
    memset(&seen, 0, sizeof seen);
    memset(&unseen, 0, sizeof unseen);

    CHECK_INT(lcbot_client_notices(deprecated, &out), LCBOT_OK);
    CHECK_DOC(out && strcmp(out, "[]") == 0, out);
    lcbot_string_free(out);

    CHECK_INT(lcbot_client_set_notice_handler(deprecated, on_notice, &seen, &err), LCBOT_OK);
    CHECK(err == NULL);
    for (int i = 0; i < 5; i++) list_ok(deprecated);
    CHECK_INT(seen.calls, 1);
    CHECK_HAS(seen.first, "\"kind\":\"deprecated\"");
    CHECK_HAS(seen.first, "\"api_version\":\"3.3\"");
    CHECK_HAS(seen.first, "\"until\":\"2027-01-31\"");
    CHECK_HAS(seen.first, "\"message\":\"");
    CHECK_INT(lcbot_client_notices(deprecated, &out), LCBOT_OK);
    CHECK_DOC(out && out[0] == '[' && out[1] == '{' && out[strlen(out) - 1] == ']' && count_of(out, "\"kind\":") == 1, out);
    CHECK_HAS(out, "\"kind\":\"deprecated\",\"api_version\":\"3.3\",\"until\":\"2027-01-31\"");
    lcbot_string_free(out);

    /* legacy, with the handler removed before any call: recorded, not told */
    CHECK_INT(lcbot_client_set_notice_handler(legacy, on_notice, &unseen, &err), LCBOT_OK);
    CHECK_INT(lcbot_client_set_notice_handler(legacy, NULL, NULL, &err), LCBOT_OK);
    list_ok(legacy);
    list_ok(legacy);
    CHECK_INT(unseen.calls, 0);
    CHECK_INT(lcbot_client_notices(legacy, &out), LCBOT_OK);
    CHECK_DOC(out && count_of(out, "\"kind\":") == 1, out);
    CHECK_HAS(out, "\"kind\":\"legacy\",\"api_version\":\"3.4\",\"until\":\"2026-06-30\"");
    lcbot_string_free(out);

    /* a stable version: nothing */
    CHECK_INT(lcbot_client_set_notice_handler(stable, on_notice, &unseen, &err), LCBOT_OK);
    list_ok(stable);
    CHECK_INT(unseen.calls, 0);
    CHECK_INT(lcbot_client_notices(stable, &out), LCBOT_OK);
    CHECK_DOC(out && strcmp(out, "[]") == 0, out);
    lcbot_string_free(out);

    CHECK_INT(lcbot_client_notices(NULL, &out), LCBOT_ERR_NULL_ARGUMENT);
    lcbot_string_free(out);
    CHECK_INT(lcbot_client_notices(stable, NULL), LCBOT_ERR_NULL_ARGUMENT);
done:
    lcbot_client_free(deprecated);
    lcbot_client_free(legacy);
    lcbot_client_free(stable);
    lcbot_emulator_stop(emu);
}

/* ---- 7. schema ---------------------------------------------------------- */

static void test_schema(void) {
    char *out = NULL;
    CHECK_INT(lcbot_schema(&out), LCBOT_OK);
    CHECK_HAS(out, "\"requests\":{");
    CHECK_HAS(out, "\"results\":{");
    CHECK_HAS(out, "\"versions\":{");
    CHECK_HAS(out, "\"create_bot_agent\":[");
    CHECK_HAS(out, "\"3.0\":{");
    CHECK_HAS(out, "\"3.6\":{");
    lcbot_string_free(out);
    CHECK_INT(lcbot_schema(NULL), LCBOT_ERR_NULL_ARGUMENT);
    CHECK_INT(lcbot_abi_version(), LCBOT_ABI_VERSION);
    CHECK_INT(LCBOT_ABI_VERSION, 2);
}

int main(int argc, char **argv) {
    if (argc > 1) fork_iterations = atoi(argv[1]);
    if (argc > 2) token_expiry_ms = atoi(argv[2]);
    if (fork_iterations < 1 || fork_iterations > 100000) fork_iterations = 40;
    if (token_expiry_ms < 1 || token_expiry_ms > 600000) token_expiry_ms = 300;
    printf("fork iterations per thread %d, token expiry %d ms\n", fork_iterations, token_expiry_ms);

    test_schema();
    test_call_options();
    test_cancel();
    test_set_credentials();
    test_notices();
    test_token_provider();
    test_fork();
    check_cancelled_writes_applied();
    return check_finish();
}
