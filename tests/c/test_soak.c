/*
 * test_soak.c: a bounded soak of a long-running service ("Long-running
 * services", part 6).
 *
 * 16 threads share one client and make thousands of mixed calls (create,
 * details, list, update, remove) on bots of their own, pausing now and then
 * for a random 0 to 120 ms, while a feeder thread injects random faults
 * (5xx answers, rare 429s with Retry-After: 1, dropped connections, stalls
 * longer than the client's attempt timeout) and the emulator closes every
 * keep-alive connection idle for 50 ms, as a load balancer does.
 *
 * Each thread records every create that succeeded (its id), every create
 * whose outcome is unknown (its name), every remove that succeeded and every
 * remove whose outcome is unknown. Afterwards:
 * - every call returned within its timeout_ms plus a margin;
 * - every failure is one the faults explain, with "outcome":"unknown" on a
 *   write exactly when it may have been applied, never on a read, and no
 *   404 (every id a thread uses is one it knows exists);
 * - the emulator's bots are exactly the created ones minus the removed ones,
 *   give or take only the unknown outcomes, and no bot exists that no create
 *   accounts for;
 * - the request log never holds one write twice (each create's name, each
 *   update's job_title and each remove's id is unique), except where the
 *   first was refused with 429, which the API answers before acting;
 * - its 200-answered creates and removes match the recorded ones plus the
 *   unknown ones that were in fact applied.
 *
 *   test_soak [total-calls] [margin-ms] [seed]
 *
 * make test-c runs 4000 calls with a 500 ms margin natively (about 10 s) and
 * 800 calls with a 3000 ms margin under valgrind (which serialises the
 * threads). The seed is printed: pass it back to replay a run's choices
 * (the timing, and so which request each fault hits, still varies).
 *
 * API version 3.6: what a long-running service written today would use, and
 * the version whose every call crosses the wire translation (renamed
 * actions, bare bodies, bots named by "id", bare-array lists, flat bots, a
 * bot_secret in create answers), so the soak covers those paths too; its
 * bare bodies also put each create's name directly in the request log.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <sys/resource.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "livechat_bots.h"
#include "check.h"
#include "over_tls.h"

#define THREADS 16
#define DEFAULT_CALLS 4000
#define DEFAULT_MARGIN_MS 500
#define TIMEOUT_MS 2000         /* the client's timeout_ms: each call's budget */
#define ATTEMPT_TIMEOUT_MS 400  /* the client's attempt_timeout_ms */
#define IDLE_TIMEOUT_MS 50      /* the emulator closes connections idle this long */
#define CALLS_PER_FAULT 12      /* the feeder keeps about one fault per this many calls */
#define MAX_LIVE 8              /* bots a thread keeps at most */
#define MAX_FAILURES_SHOWN 5

enum op { OP_CREATE, OP_DETAILS, OP_LIST, OP_UPDATE, OP_REMOVE, OP_COUNT };
static const char *op_names[OP_COUNT] = {"create", "details", "list", "update", "remove"};

/* ---- time -------------------------------------------------------------- */

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static void nap(void) {
    struct timespec ts = {0, 1000000};
    nanosleep(&ts, NULL);
}

/* A worker's idle time between two calls. */
static void idle_for_ms(long ms) {
    struct timespec ts;
    ts.tv_sec = ms / 1000;
    ts.tv_nsec = (ms % 1000) * 1000000L;
    while (nanosleep(&ts, &ts) != 0) continue;
}

/* ---- per-thread records ------------------------------------------------ */

struct bot {
    char id[40];
    char name[40];
};

struct worker {
    int tid;
    int budget;
    unsigned seed;
    const lcbot_client *client;
    /* bots this thread knows exist */
    struct bot live[MAX_LIVE];
    int n_live;
    /* the records */
    struct bot *created_ok;
    int n_created_ok;
    char (*unknown_create)[40]; /* names */
    int n_unknown_create;
    struct bot *removed_ok;
    int n_removed_ok;
    struct bot *unknown_remove;
    int n_unknown_remove;
    int n_unknown_update;
    /* tallies */
    int calls, per_op[OP_COUNT], failed_op[OP_COUNT];
    int passed, failed;
    double slowest_ms;
    int slowest_op;
    int next_name, next_update;
};

static int calls_made = 0; /* atomic: all threads' calls so far */
static int call_margin_ms = DEFAULT_MARGIN_MS;
static double run_started_ms;
static int workers_done = 0; /* atomic */

static int wcheck(struct worker *w, int ok, int line, const char *what, const char *doc) {
    if (ok) {
        w->passed++;
    } else {
        if (w->failed < MAX_FAILURES_SHOWN)
            fprintf(stderr, "%s:%d: FAIL (thread %d, call %d): %s\n    document: %s\n", __FILE__, line, w->tid, w->calls,
                    what, doc ? doc : "(NULL)");
        w->failed++;
    }
    return ok;
}
#define WCHECK(w, cond, doc) wcheck((w), (cond) ? 1 : 0, __LINE__, #cond, (doc))

/*
 * Checks a failed call's status and document against what the faults can
 * explain. Returns 1 when the document says "outcome":"unknown".
 */
static int check_failure(struct worker *w, enum op op, int32_t st, const char *out) {
    int is_write = op == OP_CREATE || op == OP_UPDATE || op == OP_REMOVE;
    int unknown = out && strstr(out, "\"outcome\":\"unknown\"") != NULL;
    long long http = 0, attempts = 0;
    if (out) json_int(out, "http_status", &http);
    WCHECK(w, st == LCBOT_ERR_API || st == LCBOT_ERR_TIMEOUT || st == LCBOT_ERR_TRANSPORT, out);
    WCHECK(w, out && json_int(out, "attempts", &attempts) && attempts >= 1, out);
    WCHECK(w, http != 404, out);
    if (!is_write)
        WCHECK(w, !unknown, out);
    else if (st == LCBOT_ERR_TIMEOUT || st == LCBOT_ERR_TRANSPORT || http >= 500)
        WCHECK(w, unknown, out);
    else if (http == 429)
        WCHECK(w, !unknown, out); /* refused before the server acted */
    return unknown;
}

static void drop_live(struct worker *w, int i) {
    w->live[i] = w->live[--w->n_live];
}

static void *soak_work(void *arg) {
    struct worker *w = (struct worker *)arg;
    char req[256], got[64];
    while (w->calls < w->budget) {
        int r = (int)(rand_r(&w->seed) % 100);
        int i = w->n_live ? (int)(rand_r(&w->seed) % (unsigned)w->n_live) : 0;
        enum op op;
        char *out = NULL;
        int32_t st = LCBOT_OK;
        double t0, took;
        struct bot fresh;
        memset(&fresh, 0, sizeof fresh);

        if (w->n_live == 0)
            op = OP_CREATE;
        else if (r < 22)
            op = w->n_live < MAX_LIVE ? OP_CREATE : OP_REMOVE;
        else if (r < 45)
            op = OP_DETAILS;
        else if (r < 58)
            op = OP_LIST;
        else if (r < 78)
            op = OP_UPDATE;
        else
            op = OP_REMOVE;

        t0 = now_ms();
        switch (op) {
        case OP_CREATE:
            snprintf(fresh.name, sizeof fresh.name, "soak-t%02d-%06d", w->tid, w->next_name++);
            snprintf(req, sizeof req, "{\"name\":\"%s\",\"max_chats_count\":%d}", fresh.name, w->next_name % 50);
            st = lcbot_create_bot_agent(w->client, req, NULL, &out);
            break;
        case OP_DETAILS:
            snprintf(req, sizeof req, "{\"bot_agent_id\":\"%s\"}", w->live[i].id);
            st = lcbot_get_bot_agent_details(w->client, req, NULL, &out);
            break;
        case OP_LIST:
            st = lcbot_get_bot_agents(w->client, "{\"all\":false}", NULL, &out);
            break;
        case OP_UPDATE:
            /* a job_title of its own: no two update bodies are the same */
            w->next_update++;
            snprintf(req, sizeof req, "{\"id\":\"%s\",\"job_title\":\"u-t%02d-%06d\",\"max_chats_count\":%d}", w->live[i].id,
                     w->tid, w->next_update, w->next_update % 50);
            st = lcbot_update_bot_agent(w->client, req, NULL, &out);
            break;
        case OP_REMOVE:
            snprintf(req, sizeof req, "{\"bot_agent_id\":\"%s\"}", w->live[i].id);
            st = lcbot_remove_bot_agent(w->client, req, NULL, &out);
            break;
        default:
            break;
        }
        took = now_ms() - t0;
        w->calls++;
        w->per_op[op]++;
        __atomic_fetch_add(&calls_made, 1, __ATOMIC_RELAXED);
        if (took > w->slowest_ms) {
            w->slowest_ms = took;
            w->slowest_op = op;
        }
        if (took > TIMEOUT_MS + call_margin_ms)
            fprintf(stderr, "    slow call (thread %d, call %d, %s): %.0f ms from %.0f ms into the run, status %d: %.300s\n",
                    w->tid, w->calls, op_names[op], took, t0 - run_started_ms, (int)st, out ? out : "(NULL)");

        if (st == LCBOT_OK) {
            switch (op) {
            case OP_CREATE:
                if (WCHECK(w, json_str(out, "bot_agent_id", fresh.id, sizeof fresh.id) && strlen(fresh.id) == 32, out)) {
                    WCHECK(w, strstr(out, "\"bot_secret\":\"") != NULL, "(a create answer without its bot_secret)");
                    w->created_ok[w->n_created_ok++] = fresh;
                    w->live[w->n_live++] = fresh;
                }
                break;
            case OP_DETAILS:
                WCHECK(w, json_str(out, "name", got, sizeof got) && strcmp(got, w->live[i].name) == 0, out);
                WCHECK(w, json_str(out, "id", got, sizeof got) && strcmp(got, w->live[i].id) == 0, out);
                break;
            case OP_LIST:
                /* every bot this thread knows exists is listed */
                for (int k = 0; k < w->n_live; k++) {
                    char expect[64];
                    snprintf(expect, sizeof expect, "{\"id\":\"%s\"", w->live[k].id);
                    if (!WCHECK(w, strstr(out, expect) != NULL, out)) break;
                }
                break;
            case OP_UPDATE:
                WCHECK(w, strcmp(out, "{}") == 0, out);
                break;
            case OP_REMOVE:
                WCHECK(w, strcmp(out, "{}") == 0, out);
                w->removed_ok[w->n_removed_ok++] = w->live[i];
                drop_live(w, i);
                break;
            default:
                break;
            }
        } else {
            int unknown = check_failure(w, op, st, out);
            w->failed_op[op]++;
            if (unknown && op == OP_CREATE) snprintf(w->unknown_create[w->n_unknown_create++], 40, "%s", fresh.name);
            if (unknown && op == OP_UPDATE) w->n_unknown_update++;
            if (unknown && op == OP_REMOVE) {
                w->unknown_remove[w->n_unknown_remove++] = w->live[i];
                drop_live(w, i);
            }
        }
        lcbot_string_free(out);

        /* now and then a pause, often longer than the idle timeout: an idle
         * service, simulated (not a wait for anything), so one sleep */
        if (rand_r(&w->seed) % 4 == 0) idle_for_ms((long)(rand_r(&w->seed) % 121));
    }
    __atomic_fetch_add(&workers_done, 1, __ATOMIC_RELEASE);
    return NULL;
}

/* ---- the feeder --------------------------------------------------------- */

struct feeder {
    const lcbot_emulator *emulator;
    unsigned seed;
    int injected, statuses, drops, delays, too_many;
    int failed;
};

static void *feed(void *arg) {
    struct feeder *f = (struct feeder *)arg;
    static const int statuses[] = {500, 502, 503, 504};
    while (__atomic_load_n(&workers_done, __ATOMIC_ACQUIRE) < THREADS) {
        int due = __atomic_load_n(&calls_made, __ATOMIC_RELAXED) / CALLS_PER_FAULT + 1;
        while (f->injected < due && f->failed < 5) {
            char fault[128];
            char *out = NULL;
            int r = (int)(rand_r(&f->seed) % 100);
            /* no "action": each hits whichever request comes next, a read
             * or a write, and the drain at the end can take any left over */
            if (r < 45) {
                snprintf(fault, sizeof fault, "{\"status\":%d}", statuses[rand_r(&f->seed) % 4]);
                f->statuses++;
            } else if (r < 65) {
                snprintf(fault, sizeof fault, "{\"drop_connection\":true}");
                f->drops++;
            } else if (r < 95) {
                snprintf(fault, sizeof fault, "{\"delay_ms\":%d}", ATTEMPT_TIMEOUT_MS + 100 + (int)(rand_r(&f->seed) % 500));
                f->delays++;
            } else {
                snprintf(fault, sizeof fault, "{\"status\":429,\"retry_after_s\":1}");
                f->too_many++;
            }
            if (lcbot_emulator_inject(f->emulator, fault, &out) == LCBOT_OK)
                f->injected++;
            else
                f->failed++;
            lcbot_string_free(out);
        }
        idle_for_ms(5); /* the next look at the call count */
    }
    return NULL;
}

/* ---- the request log ---------------------------------------------------- */

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static int cmp_ll(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

static int cmp_bot_id(const void *a, const void *b) {
    return strcmp(((const struct bot *)a)->id, ((const struct bot *)b)->id);
}

static int cmp_name(const void *a, const void *b) {
    return strcmp((const char *)a, (const char *)b);
}

/* What the log says about the writes and the connections. */
struct log_facts {
    int entries, faulted;
    int writes[3];       /* create_bot, update_bot, delete_bot entries */
    int created_200, removed_200;
    int duplicates;      /* a write body logged twice, neither refused with 429 */
    int refused_429_writes;
    int connections;     /* distinct connection ids */
    char **created_names; /* names of the 200-answered creates */
    char **removed_ids;   /* ids of the 200-answered removes */
};

static void free_facts(struct log_facts *f) {
    if (f->created_names)
        for (int i = 0; i < f->created_200; i++) free(f->created_names[i]);
    if (f->removed_ids)
        for (int i = 0; i < f->removed_200; i++) free(f->removed_ids[i]);
    free(f->created_names);
    free(f->removed_ids);
}

/* Reads the whole log (modifying it in place, temporarily). */
static void read_log(char *log, struct log_facts *facts) {
    static const char *marker = "{\"time_ms\":";
    static const char *actions[3] = {"create_bot", "update_bot", "delete_bot"};
    static const char *keys[3] = {"name", "job_title", "id"};
    int cap = count_of(log, marker) + 1;
    char **sent = (char **)calloc((size_t)cap, sizeof *sent); /* "<action>:<key>" of writes not answered 429 */
    long long *conns = (long long *)calloc((size_t)cap, sizeof *conns);
    int n_sent = 0, n_conns = 0;
    char *p = strstr(log, marker);
    memset(facts, 0, sizeof *facts);
    facts->created_names = (char **)calloc((size_t)cap, sizeof(char *));
    facts->removed_ids = (char **)calloc((size_t)cap, sizeof(char *));
    if (!sent || !conns || !facts->created_names || !facts->removed_ids) {
        fprintf(stderr, "out of memory\n");
        exit(1);
    }
    while (p) {
        char *next = strstr(p + 1, marker);
        char saved = next ? *next : '\0';
        char action[64] = "", key[128] = "";
        const char *last_status = NULL, *q = p;
        long long status = -1, conn = -1;
        if (next) *next = '\0';
        facts->entries++;
        if (json_int(p, "connection", &conn)) conns[n_conns++] = conn;
        if (strstr(p, "\"fault\":{")) facts->faulted++;
        /* the entry's own status is its last one (a fault's comes first) */
        while ((q = strstr(q, "\"status\":")) != NULL) last_status = q++;
        if (last_status) json_int(last_status, "status", &status);
        json_str(p, "action", action, sizeof action);
        for (int a = 0; a < 3; a++) {
            if (strcmp(action, actions[a]) != 0) continue;
            facts->writes[a]++;
            if (!json_str(p, keys[a], key, sizeof key)) {
                fprintf(stderr, "    a logged %s without its %s: %.300s\n", actions[a], keys[a], p);
                facts->duplicates++;
                break;
            }
            if (status == 429) {
                facts->refused_429_writes++;
            } else {
                char *s = (char *)malloc(strlen(key) + 16);
                if (!s) exit(1);
                sprintf(s, "%d:%s", a, key);
                sent[n_sent++] = s;
            }
            if (status == 200 && a == 0) facts->created_names[facts->created_200++] = strdup(key);
            if (status == 200 && a == 2) facts->removed_ids[facts->removed_200++] = strdup(key);
        }
        if (next) *next = saved;
        p = next;
    }
    qsort(sent, (size_t)n_sent, sizeof *sent, cmp_str);
    for (int i = 1; i < n_sent; i++)
        if (strcmp(sent[i - 1], sent[i]) == 0) {
            if (facts->duplicates < MAX_FAILURES_SHOWN) fprintf(stderr, "    sent twice: %s\n", sent[i]);
            facts->duplicates++;
        }
    for (int i = 0; i < n_sent; i++) free(sent[i]);
    free(sent);
    qsort(conns, (size_t)n_conns, sizeof *conns, cmp_ll);
    for (int i = 0; i < n_conns; i++)
        if (i == 0 || conns[i] != conns[i - 1]) facts->connections++;
    free(conns);
}

/* ---- before the soak: a stall costs no CPU ------------------------------- */

static double cpu_ms(void) {
    struct rusage r;
    getrusage(RUSAGE_SELF, &r);
    return (double)(r.ru_utime.tv_sec + r.ru_stime.tv_sec) * 1e3 + (double)(r.ru_utime.tv_usec + r.ru_stime.tv_usec) / 1e3;
}

/*
 * The soak's stalls run on an emulator that closes idle connections: while
 * a request is stalled the process must sit idle, not spin. (A busy loop
 * there costs a core per stalled request natively, and under valgrind,
 * whose threads take turns, it starves the other threads for tens of
 * seconds, so the soak's calls overrun their timeouts.) Bound: under a quarter
 * the stall's wall time, natively and under valgrind alike.
 */
static void check_stall_is_idle(void) {
    char config[256], tls[4096];
    lcbot_emulator *emulator = NULL;
    lcbot_client *client = NULL;
    char *out = NULL;
    double cpu0, t0, cpu, wall;
    int32_t st;
    snprintf(config, sizeof config, "{\"idle_timeout_ms\":%d}", IDLE_TIMEOUT_MS);
    CHECK_INT(lcbot_emulator_start(tls_emulator_config(config, tls, sizeof tls), &emulator, &out), LCBOT_OK);
    lcbot_string_free(out);
    out = NULL;
    if (!emulator) return;
    snprintf(config, sizeof config, "{\"token\":\"dev-token\",\"base_url\":\"%s\",\"timeout_ms\":10000}",
             lcbot_emulator_url(emulator));
    CHECK_INT(lcbot_client_new(tls_client_config(emulator, config, tls, sizeof tls), &client, &out), LCBOT_OK);
    lcbot_string_free(out);
    out = NULL;
    if (client) {
        CHECK_INT(lcbot_get_bot_agents(client, "{}", NULL, &out), LCBOT_OK);
        lcbot_string_free(out);
        out = NULL;
        CHECK_INT(lcbot_emulator_inject(emulator, "{\"delay_ms\":1000}", &out), LCBOT_OK);
        lcbot_string_free(out);
        out = NULL;
        cpu0 = cpu_ms();
        t0 = now_ms();
        st = lcbot_get_bot_agents(client, "{}", NULL, &out);
        wall = now_ms() - t0;
        cpu = cpu_ms() - cpu0;
        CHECK_DOC(st == LCBOT_OK, out);
        lcbot_string_free(out);
        printf("a 1000 ms stall with idle_timeout_ms %d: %.0f ms, %.0f ms of CPU\n", IDLE_TIMEOUT_MS, wall, cpu);
        if (!CHECK(cpu < wall / 4))
            fprintf(stderr, "    the process used %.0f ms of CPU while one request stalled for %.0f ms: a busy loop\n",
                    cpu, wall);
    }
    lcbot_client_free(client);
    lcbot_emulator_stop(emulator);
}

static int args_int(int argc, char **argv, int i, int fallback) {
    long n = argc > i ? strtol(argv[i], NULL, 10) : fallback;
    return n > 0 && n < 10000000 ? (int)n : fallback;
}

int main(int argc, char **argv) {
    int total = args_int(argc, argv, 1, DEFAULT_CALLS);
    int margin = args_int(argc, argv, 2, DEFAULT_MARGIN_MS);
    unsigned seed = (unsigned)args_int(argc, argv, 3, (int)(time(NULL) % 1000000));
    int budget = (total + THREADS - 1) / THREADS;
    lcbot_emulator *emulator = NULL;
    lcbot_client *client = NULL, *checker = NULL;
    char *err = NULL, *out = NULL, *log = NULL;
    char config[512], tls[4096];
    struct worker workers[THREADS];
    pthread_t threads[THREADS], feeder_thread;
    struct feeder feeder;
    struct log_facts facts;
    struct bot *all_ok = NULL, *all_removed = NULL, *all_unknown_removed = NULL;
    char (*all_unknown_names)[40] = NULL;
    int n_ok = 0, n_removed = 0, n_unknown_removed = 0, n_unknown_names = 0, n_unknown_updates = 0;
    int calls = 0, per_op[OP_COUNT] = {0}, failed_op[OP_COUNT] = {0};
    int unknown_created_found = 0, unknown_removed_applied = 0, listed = 0, strangers = 0;
    double slowest = 0, started, run_ms;
    int slowest_op = 0;
    int32_t st;

    memset(workers, 0, sizeof workers);
    printf("soak: %d threads x %d calls, timeout_ms %d (+%d ms margin), attempt_timeout_ms %d, idle_timeout_ms %d, seed %u\n",
           THREADS, budget, TIMEOUT_MS, margin, ATTEMPT_TIMEOUT_MS, IDLE_TIMEOUT_MS, seed);
    check_stall_is_idle();

    snprintf(config, sizeof config, "{\"idle_timeout_ms\":%d,\"log_limit\":10000000}", IDLE_TIMEOUT_MS);
    CHECK_INT(lcbot_emulator_start(tls_emulator_config(config, tls, sizeof tls), &emulator, &err), LCBOT_OK);
    lcbot_string_free(err);
    err = NULL;
    if (!emulator) return check_finish();
    snprintf(config, sizeof config,
             "{\"token\":\"dev-token\",\"base_url\":\"%s\",\"api_version\":\"3.6\",\"timeout_ms\":%d,"
             "\"attempt_timeout_ms\":%d,\"retry\":{\"max_attempts\":3,\"base_delay_ms\":20,\"max_delay_ms\":1000}}",
             lcbot_emulator_url(emulator), TIMEOUT_MS, ATTEMPT_TIMEOUT_MS);
    CHECK_INT(lcbot_client_new(tls_client_config(emulator, config, tls, sizeof tls), &client, &err), LCBOT_OK);
    lcbot_string_free(err);
    err = NULL;
    /* the checker drains and reads the end state: patient, and never cut short */
    snprintf(config, sizeof config,
             "{\"token\":\"dev-token\",\"base_url\":\"%s\",\"api_version\":\"3.6\",\"timeout_ms\":60000,"
             "\"retry\":{\"max_attempts\":10,\"base_delay_ms\":10,\"max_delay_ms\":1000}}",
             lcbot_emulator_url(emulator));
    CHECK_INT(lcbot_client_new(tls_client_config(emulator, config, tls, sizeof tls), &checker, &err), LCBOT_OK);
    lcbot_string_free(err);
    if (!client || !checker) goto done;

    for (int i = 0; i < THREADS; i++) {
        struct worker *w = &workers[i];
        memset(w, 0, sizeof *w);
        w->tid = i;
        w->budget = budget;
        w->seed = seed * 31u + (unsigned)i;
        w->client = client;
        w->created_ok = (struct bot *)calloc((size_t)budget + 1, sizeof(struct bot));
        w->unknown_create = (char(*)[40])calloc((size_t)budget + 1, 40);
        w->removed_ok = (struct bot *)calloc((size_t)budget + 1, sizeof(struct bot));
        w->unknown_remove = (struct bot *)calloc((size_t)budget + 1, sizeof(struct bot));
        if (!w->created_ok || !w->unknown_create || !w->removed_ok || !w->unknown_remove) return 1;
    }
    memset(&feeder, 0, sizeof feeder);
    feeder.emulator = emulator;
    feeder.seed = seed;

    started = now_ms();
    run_started_ms = started;
    call_margin_ms = margin;
    for (int i = 0; i < THREADS; i++) CHECK_INT(pthread_create(&threads[i], NULL, soak_work, &workers[i]), 0);
    CHECK_INT(pthread_create(&feeder_thread, NULL, feed, &feeder), 0);
    for (int i = 0; i < THREADS; i++) CHECK_INT(pthread_join(threads[i], NULL), 0);
    CHECK_INT(pthread_join(feeder_thread, NULL), 0);
    run_ms = now_ms() - started;
    CHECK_INT(feeder.failed, 0);

    for (int i = 0; i < THREADS; i++) {
        struct worker *w = &workers[i];
        check_add(w->passed, w->failed);
        CHECK_INT(w->calls, budget);
        calls += w->calls;
        for (int k = 0; k < OP_COUNT; k++) {
            per_op[k] += w->per_op[k];
            failed_op[k] += w->failed_op[k];
        }
        if (w->slowest_ms > slowest) {
            slowest = w->slowest_ms;
            slowest_op = w->slowest_op;
        }
        n_ok += w->n_created_ok;
        n_removed += w->n_removed_ok;
        n_unknown_removed += w->n_unknown_remove;
        n_unknown_names += w->n_unknown_create;
        n_unknown_updates += w->n_unknown_update;
    }

    /* Every call returned within its budget, plus the margin. */
    if (!CHECK(slowest <= TIMEOUT_MS + margin))
        fprintf(stderr, "    the slowest call (%s) took %.0f ms\n", op_names[slowest_op], slowest);

    /* Drain: every fault injected has hit a request and that request has
     * ended (a stalled one is logged when its stall is over). */
    {
        double deadline = now_ms() + 60000;
        int faulted = -1, drains = 0;
        while (now_ms() < deadline) {
            st = lcbot_emulator_requests(emulator, &log);
            faulted = st == LCBOT_OK ? count_of(log, "\"fault\":{") : -1;
            lcbot_string_free(log);
            log = NULL;
            if (faulted >= feeder.injected) break;
            /* a read to take a fault still queued (retried by the checker) */
            st = lcbot_get_bot_agents(checker, "{\"all\":false}", NULL, &out);
            lcbot_string_free(out);
            out = NULL;
            drains++;
            nap();
        }
        if (!CHECK_INT(faulted, feeder.injected)) fprintf(stderr, "    after %d draining reads\n", drains);
    }

    /* The flat lists of every thread's records, sorted by id. */
    all_ok = (struct bot *)calloc((size_t)n_ok + 1, sizeof(struct bot));
    all_removed = (struct bot *)calloc((size_t)n_removed + 1, sizeof(struct bot));
    all_unknown_removed = (struct bot *)calloc((size_t)n_unknown_removed + 1, sizeof(struct bot));
    all_unknown_names = (char(*)[40])calloc((size_t)n_unknown_names + 1, 40);
    if (!all_ok || !all_removed || !all_unknown_removed || !all_unknown_names) return 1;
    {
        int a = 0, b = 0, c = 0, d = 0;
        for (int i = 0; i < THREADS; i++) {
            struct worker *w = &workers[i];
            memcpy(all_ok + a, w->created_ok, (size_t)w->n_created_ok * sizeof(struct bot));
            a += w->n_created_ok;
            memcpy(all_removed + b, w->removed_ok, (size_t)w->n_removed_ok * sizeof(struct bot));
            b += w->n_removed_ok;
            memcpy(all_unknown_removed + c, w->unknown_remove, (size_t)w->n_unknown_remove * sizeof(struct bot));
            c += w->n_unknown_remove;
            memcpy(all_unknown_names + d, w->unknown_create, (size_t)w->n_unknown_create * 40);
            d += w->n_unknown_create;
        }
    }
    qsort(all_ok, (size_t)n_ok, sizeof(struct bot), cmp_bot_id);
    qsort(all_removed, (size_t)n_removed, sizeof(struct bot), cmp_bot_id);
    qsort(all_unknown_removed, (size_t)n_unknown_removed, sizeof(struct bot), cmp_bot_id);
    qsort(all_unknown_names, (size_t)n_unknown_names, 40, cmp_name);

    /* The emulator's bots against the records. */
    st = lcbot_get_bot_agents(checker, "{\"all\":true}", NULL, &out);
    if (CHECK_DOC(st == LCBOT_OK, out)) {
        char *unknown_seen = (char *)calloc((size_t)n_unknown_names + 1, 1);
        char *ok_seen = (char *)calloc((size_t)n_ok + 1, 1);
        const char *p = out;
        if (!unknown_seen || !ok_seen) return 1;
        while ((p = strstr(p, "{\"id\":\"")) != NULL) {
            struct bot b;
            struct bot *known;
            memset(&b, 0, sizeof b);
            json_str(p, "id", b.id, sizeof b.id);
            json_str(p, "name", b.name, sizeof b.name);
            p += 7;
            listed++;
            known = (struct bot *)bsearch(&b, all_ok, (size_t)n_ok, sizeof(struct bot), cmp_bot_id);
            if (known) {
                ok_seen[known - all_ok] = 1;
                if (!CHECK(strcmp(known->name, b.name) == 0)) fprintf(stderr, "    bot %s is named %s, created as %s\n", b.id, b.name, known->name);
                /* removed for sure: must be gone */
                if (bsearch(&b, all_removed, (size_t)n_removed, sizeof(struct bot), cmp_bot_id)) {
                    CHECK(0);
                    fprintf(stderr, "    bot %s (%s) was removed, yet exists\n", b.id, b.name);
                }
            } else {
                /* not created for sure: only an unknown create accounts for it */
                char *name = (char *)bsearch(b.name, all_unknown_names, (size_t)n_unknown_names, 40, cmp_name);
                if (name && !unknown_seen[(name - all_unknown_names[0]) / 40]) {
                    unknown_seen[(name - all_unknown_names[0]) / 40] = 1;
                    unknown_created_found++;
                } else {
                    strangers++;
                    fprintf(stderr, "    bot %s (%s): no create accounts for it%s\n", b.id, b.name, name ? " (twice)" : "");
                }
            }
        }
        /* every bot created and not removed (for sure or maybe) is there */
        for (int i = 0; i < n_ok; i++) {
            if (ok_seen[i]) continue;
            if (bsearch(&all_ok[i], all_removed, (size_t)n_removed, sizeof(struct bot), cmp_bot_id)) continue;
            if (bsearch(&all_ok[i], all_unknown_removed, (size_t)n_unknown_removed, sizeof(struct bot), cmp_bot_id)) {
                unknown_removed_applied++;
                continue;
            }
            CHECK(0);
            fprintf(stderr, "    bot %s (%s) was created and never removed, yet is gone\n", all_ok[i].id, all_ok[i].name);
        }
        CHECK_INT(strangers, 0);
        /* the arithmetic: created - removed - unknown removes applied + unknown creates applied */
        CHECK_INT(listed, n_ok - n_removed - unknown_removed_applied + unknown_created_found);
        free(unknown_seen);
        free(ok_seen);
    }
    lcbot_string_free(out);
    out = NULL;

    /* The request log: no write sent twice; its creates and removes agree. */
    CHECK_INT(lcbot_emulator_requests(emulator, &log), LCBOT_OK);
    if (log) {
        read_log(log, &facts);
        CHECK_INT(facts.duplicates, 0);
        CHECK_INT(facts.faulted, feeder.injected);
        CHECK_INT(facts.created_200, n_ok + unknown_created_found);
        CHECK_INT(facts.removed_200, n_removed + unknown_removed_applied);
        /* each recorded create's name and each recorded remove's id is there */
        qsort(facts.created_names, (size_t)facts.created_200, sizeof(char *), cmp_str);
        qsort(facts.removed_ids, (size_t)facts.removed_200, sizeof(char *), cmp_str);
        for (int i = 0; i < n_ok; i++) {
            const char *name = all_ok[i].name;
            if (!bsearch(&name, facts.created_names, (size_t)facts.created_200, sizeof(char *), cmp_str)) {
                CHECK(0);
                fprintf(stderr, "    no 200-answered create of %s in the log\n", name);
            }
        }
        for (int i = 0; i < n_removed; i++) {
            const char *id = all_removed[i].id;
            if (!bsearch(&id, facts.removed_ids, (size_t)facts.removed_200, sizeof(char *), cmp_str)) {
                CHECK(0);
                fprintf(stderr, "    no 200-answered remove of %s in the log\n", id);
            }
        }
        /* idle closes (and faults) made the threads reconnect */
        CHECK(facts.connections > THREADS + feeder.drops + feeder.delays);
        CHECK_LACKS(log, "dev-token");
        printf("soak: %d calls in %.1f s (create %d, details %d, list %d, update %d, remove %d), slowest %.0f ms (%s)\n",
               calls, run_ms / 1000.0, per_op[OP_CREATE], per_op[OP_DETAILS], per_op[OP_LIST], per_op[OP_UPDATE],
               per_op[OP_REMOVE], slowest, op_names[slowest_op]);
        printf("soak: failed calls: create %d, details %d, list %d, update %d, remove %d\n", failed_op[OP_CREATE],
               failed_op[OP_DETAILS], failed_op[OP_LIST], failed_op[OP_UPDATE], failed_op[OP_REMOVE]);
        printf("soak: %d faults injected (%d 5xx, %d dropped connections, %d stalls, %d 429s); %d requests logged, "
               "%d writes refused with 429 and sent again\n",
               feeder.injected, feeder.statuses, feeder.drops, feeder.delays, feeder.too_many, facts.entries,
               facts.refused_429_writes);
        printf("soak: %d distinct connections (%d threads, %d drops and stalls): %d or more closed for being idle\n",
               facts.connections, THREADS, feeder.drops + feeder.delays,
               facts.connections - THREADS - feeder.drops - feeder.delays);
        printf("soak: unknown outcomes: %d creates (%d applied), %d removes (%d applied), %d updates\n", n_unknown_names,
               unknown_created_found, n_unknown_removed, unknown_removed_applied, n_unknown_updates);
        printf("soak: %d created, %d removed, %d bots at the end\n", n_ok, n_removed, listed);
        free_facts(&facts);
    }
    lcbot_string_free(log);

done:
    for (int i = 0; i < THREADS; i++) {
        free(workers[i].created_ok);
        free(workers[i].unknown_create);
        free(workers[i].removed_ok);
        free(workers[i].unknown_remove);
    }
    free(all_ok);
    free(all_removed);
    free(all_unknown_removed);
    free(all_unknown_names);
    lcbot_client_free(checker);
    lcbot_client_free(client);
    lcbot_emulator_stop(emulator);
    return check_finish();
}
