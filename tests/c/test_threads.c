/*
 * test_threads.c: one lcbot_client shared by 16 pthreads against one emulator.
 *
 * Each thread makes N calls (1000 by default) in cycles over bots of its
 * own: create, details, update, details, list (typed or through lcbot_call),
 * an invalid update (refused locally, never sent), and for three bots in
 * four: remove, then details -> 404. Every call's status and document are
 * checked. At the end the emulator's state (get_bot_agents all:true) must be
 * exactly the bots the threads left, with the names and statuses they left,
 * and its request log must hold exactly the requests the threads sent.
 *
 *   test_threads [calls-per-thread]     (or LCBOT_TEST_THREAD_CALLS=N)
 *
 * make test-c runs it at full size natively and at 50 calls per thread
 * under valgrind.
 */
#define _POSIX_C_SOURCE 200809L
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "livechat_bots.h"
#include "check.h"

#define THREADS 16
#define DEFAULT_CALLS 1000
#define MAX_FAILURES_SHOWN 5

struct kept_bot {
    char id[64];
    char name[64];
    const char *status;
};

struct worker {
    int tid;
    int calls;
    const lcbot_client *client;
    /* results */
    int passed, failed;
    int sent;         /* HTTP requests this thread caused */
    int made;         /* calls made */
    struct kept_bot *kept;
    int n_kept;
};

/* Records one check in the worker's own tally (check.h's counters are not
 * shared between threads). */
static int wcheck(struct worker *w, int ok, int line, const char *what, const char *doc) {
    if (ok) {
        w->passed++;
    } else {
        if (w->failed < MAX_FAILURES_SHOWN)
            fprintf(stderr, "%s:%d: FAIL (thread %d, call %d): %s\n    document: %s\n", __FILE__, line, w->tid, w->made,
                    what, doc ? doc : "(NULL)");
        w->failed++;
    }
    return ok;
}
#define WCHECK(w, cond, doc) wcheck((w), (cond) ? 1 : 0, __LINE__, #cond, (doc))

/* The state of the bot a cycle works on. */
struct bot {
    int exists;
    char id[64];
    char name[64];
    const char *status;
};

static void keep(struct worker *w, const struct bot *b) {
    struct kept_bot *k = &w->kept[w->n_kept++];
    snprintf(k->id, sizeof k->id, "%s", b->id);
    snprintf(k->name, sizeof k->name, "%s", b->name);
    k->status = b->status;
}

static void *work(void *arg) {
    struct worker *w = (struct worker *)arg;
    char req[512], expect[512];
    char *out;
    int32_t st;
    struct bot b;
    int k = 0;

/* Runs one step if calls remain; `body` makes one call. */
#define STEP(...)                           \
    if (w->made >= w->calls) goto done;     \
    w->made++;                              \
    __VA_ARGS__

    memset(&b, 0, sizeof b);
    while (w->made < w->calls) {
        int removing = k % 4 != 0;
        memset(&b, 0, sizeof b);

        /* create */
        STEP({
            snprintf(req, sizeof req,
                     "{\"name\":\"t%02d-b%04d\",\"status\":\"offline\",\"max_chats_count\":%d,"
                     "\"groups\":[{\"id\":%d,\"priority\":\"normal\"}]}",
                     w->tid, k, k % 501, w->tid);
            out = NULL;
            st = lcbot_create_bot_agent(w->client, req, NULL, &out);
            w->sent++;
            if (WCHECK(w, st == LCBOT_OK && json_str(out, "bot_agent_id", b.id, sizeof b.id) && strlen(b.id) == 32, out)) {
                b.exists = 1;
                snprintf(b.name, sizeof b.name, "t%02d-b%04d", w->tid, k);
                b.status = "offline";
            }
            lcbot_string_free(out);
        });
        if (!b.exists) break;

        /* details */
        STEP({
            snprintf(req, sizeof req, "{\"bot_agent_id\":\"%s\"}", b.id);
            out = NULL;
            st = lcbot_get_bot_agent_details(w->client, req, NULL, &out);
            w->sent++;
            snprintf(expect, sizeof expect,
                     "{\"bot_agent\":{\"id\":\"%s\",\"name\":\"%s\",\"status\":\"offline\","
                     "\"application\":{\"client_id\":\"dev-client\"},\"max_chats_count\":%d,"
                     "\"groups\":[{\"id\":%d,\"priority\":\"normal\"}]}}",
                     b.id, b.name, k % 501, w->tid);
            WCHECK(w, st == LCBOT_OK && out && strcmp(out, expect) == 0, out);
            lcbot_string_free(out);
        });

        /* update */
        STEP({
            snprintf(req, sizeof req, "{\"id\":\"%s\",\"name\":\"t%02d-b%04d-u\",\"status\":\"accepting chats\"}", b.id,
                     w->tid, k);
            out = NULL;
            st = lcbot_update_bot_agent(w->client, req, NULL, &out);
            w->sent++;
            if (WCHECK(w, st == LCBOT_OK && out && strcmp(out, "{}") == 0, out)) {
                snprintf(b.name, sizeof b.name, "t%02d-b%04d-u", w->tid, k);
                b.status = "accepting chats";
            }
            lcbot_string_free(out);
        });

        /* details again: the update is visible */
        STEP({
            snprintf(req, sizeof req, "{\"bot_agent_id\":\"%s\"}", b.id);
            out = NULL;
            st = lcbot_get_bot_agent_details(w->client, req, NULL, &out);
            w->sent++;
            snprintf(expect, sizeof expect, "\"name\":\"%s\",\"status\":\"accepting chats\"", b.name);
            WCHECK(w, st == LCBOT_OK && out && strstr(out, expect) != NULL, out);
            lcbot_string_free(out);
        });

        /* list (every third cycle through lcbot_call): the bot is in it */
        STEP({
            out = NULL;
            if (k % 3 == 0)
                st = lcbot_call(w->client, "get_bot_agents", "{}", NULL, &out);
            else
                st = lcbot_get_bot_agents(w->client, "{\"all\":false}", NULL, &out);
            w->sent++;
            snprintf(expect, sizeof expect, "{\"id\":\"%s\",\"name\":\"%s\",\"status\":\"accepting chats\"}", b.id, b.name);
            WCHECK(w, st == LCBOT_OK && out && strncmp(out, "{\"bot_agents\":[", 15) == 0 && strstr(out, expect) != NULL, out);
            lcbot_string_free(out);
        });

        /* an invalid update: refused here, never sent */
        STEP({
            snprintf(req, sizeof req, "{\"id\":\"%s\",\"groups\":[{\"id\":1,\"priority\":\"supervisor\"}]}", b.id);
            out = NULL;
            st = lcbot_update_bot_agent(w->client, req, NULL, &out);
            WCHECK(w, st == LCBOT_ERR_VALIDATION && out && strstr(out, "\"code\":\"validation\"") &&
                          strstr(out, "groups[0].priority: expected one of first, normal, last") &&
                          strstr(out, "\"attempts\":0"),
                   out);
            lcbot_string_free(out);
        });

        if (removing) {
            STEP({
                snprintf(req, sizeof req, "{\"bot_agent_id\":\"%s\"}", b.id);
                out = NULL;
                st = lcbot_remove_bot_agent(w->client, req, NULL, &out);
                w->sent++;
                if (WCHECK(w, st == LCBOT_OK && out && strcmp(out, "{}") == 0, out)) b.exists = 0;
                lcbot_string_free(out);
            });
            STEP({
                out = NULL;
                st = lcbot_get_bot_agent_details(w->client, req, NULL, &out);
                w->sent++;
                WCHECK(w, st == LCBOT_ERR_API && out && strstr(out, "\"http_status\":404,\"api_error\":{\"type\":\"not_found\"") &&
                              strstr(out, "\"attempts\":1"),
                       out);
                lcbot_string_free(out);
            });
        }
        if (b.exists) keep(w, &b);
        b.exists = 0;
        k++;
    }
done:
    /* the calls ran out mid-cycle: the bot stays as it is */
    if (b.exists) keep(w, &b);
#undef STEP
    return NULL;
}

static int calls_per_thread(int argc, char **argv) {
    const char *s = argc > 1 ? argv[1] : getenv("LCBOT_TEST_THREAD_CALLS");
    long n = s ? strtol(s, NULL, 10) : DEFAULT_CALLS;
    return n > 0 && n < 1000000 ? (int)n : DEFAULT_CALLS;
}

int main(int argc, char **argv) {
    int calls = calls_per_thread(argc, argv);
    lcbot_emulator *emulator = NULL;
    lcbot_client *client = NULL;
    char *err = NULL, *out = NULL;
    char config[512];
    struct worker workers[THREADS];
    pthread_t threads[THREADS];
    int total_sent = 0, total_kept = 0, total_made = 0;
    int32_t st;

    printf("%d threads x %d calls on one client\n", THREADS, calls);
    CHECK_INT(lcbot_emulator_start("{\"log_limit\":10000000}", &emulator, &err), LCBOT_OK);
    lcbot_string_free(err);
    err = NULL;
    if (!emulator) return check_finish();
    snprintf(config, sizeof config, "{\"token\":\"dev-token\",\"base_url\":\"%s\"}", lcbot_emulator_url(emulator));
    CHECK_INT(lcbot_client_new(config, &client, &err), LCBOT_OK);
    lcbot_string_free(err);
    if (!client) {
        lcbot_emulator_stop(emulator);
        return check_finish();
    }

    for (int i = 0; i < THREADS; i++) {
        memset(&workers[i], 0, sizeof workers[i]);
        workers[i].tid = i;
        workers[i].calls = calls;
        workers[i].client = client;
        workers[i].kept = (struct kept_bot *)calloc((size_t)calls / 4 + 2, sizeof(struct kept_bot));
        if (!workers[i].kept) return 1;
    }
    for (int i = 0; i < THREADS; i++) CHECK_INT(pthread_create(&threads[i], NULL, work, &workers[i]), 0);
    for (int i = 0; i < THREADS; i++) CHECK_INT(pthread_join(threads[i], NULL), 0);

    for (int i = 0; i < THREADS; i++) {
        check_add(workers[i].passed, workers[i].failed);
        CHECK_INT(workers[i].made, calls);
        total_sent += workers[i].sent;
        total_kept += workers[i].n_kept;
        total_made += workers[i].made;
    }
    printf("%d calls made, %d requests sent, %d bots left\n", total_made, total_sent, total_kept);

    /* The emulator holds exactly the bots the threads left, as they left them. */
    st = lcbot_get_bot_agents(client, "{\"all\":true}", NULL, &out);
    CHECK_INT(st, LCBOT_OK);
    CHECK_INT(count_of(out, "\"id\":"), total_kept);
    for (int i = 0; i < THREADS; i++) {
        for (int j = 0; j < workers[i].n_kept; j++) {
            const struct kept_bot *kb = &workers[i].kept[j];
            char expect[256];
            snprintf(expect, sizeof expect, "{\"id\":\"%s\",\"name\":\"%s\",\"status\":\"%s\"}", kb->id, kb->name, kb->status);
            if (!out || !strstr(out, expect)) {
                CHECK_HAS(out, expect);
            } else {
                CHECK(1);
            }
        }
    }
    lcbot_string_free(out);
    out = NULL;

    /* ... and its log exactly the requests they sent (plus the list above). */
    st = lcbot_emulator_requests(emulator, &out);
    CHECK_INT(st, LCBOT_OK);
    CHECK_INT(count_of(out, "\"seq\":"), total_sent + 1);
    CHECK_INT(count_of(out, "\"status\":200,\"seq\"") + count_of(out, "\"status\":404,\"seq\""), total_sent + 1);
    CHECK_LACKS(out, "dev-token");
    lcbot_string_free(out);

    for (int i = 0; i < THREADS; i++) free(workers[i].kept);
    lcbot_client_free(client);
    lcbot_emulator_stop(emulator);
    return check_finish();
}
