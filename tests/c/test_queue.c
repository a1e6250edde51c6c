/*
 * The completion queue through the C ABI: calls submitted with a tag run on
 * the library's I/O thread and are drained with lcbot_queue_next, when the
 * queue's fd turns readable.
 *
 * - bad input: NULL at every pointer, an unknown operation, invalid JSON,
 *   invalid UTF-8, wrong types, bad options, a bad timeout;
 * - many calls in flight, each completing once with its tag; the fd is
 *   readable exactly while completions wait (poll());
 * - next with a timeout, a cancel token, a deadline (timeout_ms);
 * - the same error document as the blocking call;
 * - freeing the queue, the client or the bot with calls in flight;
 * - fork() with calls in flight: the child's first submit starts its own
 *   I/O thread, the parent's calls end in the parent;
 * - a write never sent twice (a dropped connection), the token provider,
 *   and a token never in a message.
 *
 *   test_queue
 */
#define _XOPEN_SOURCE 700
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "livechat_bots.h"
#include "check.h"
#if defined(__has_include)
#if __has_include(<valgrind/valgrind.h>)
#include <valgrind/valgrind.h>
#define LCBOT_TEST_HAVE_VALGRIND_H 1
#endif
#endif

#define MANY 64
#define ALL_SCOPES "[\"agents-bot--my:rw\",\"agents-bot--all:rw\",\"agents-bot--my:ro\",\"agents-bot--all:ro\"]"

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static lcbot_emulator *start_emulator(const char *config) {
    lcbot_emulator *e = NULL;
    char *err = NULL;
    if (!CHECK_INT(lcbot_emulator_start(config, &e, &err), LCBOT_OK)) fprintf(stderr, "    config %s: %s\n", config, err);
    lcbot_string_free(err);
    return e;
}

static lcbot_client *new_client(const lcbot_emulator *emulator, const char *token, const char *extra) {
    char config[1024];
    lcbot_client *c = NULL;
    char *err = NULL;
    snprintf(config, sizeof config, "{\"token\":\"%s\",\"base_url\":\"%s\"%s%s}", token, lcbot_emulator_url(emulator),
             extra[0] ? "," : "", extra);
    if (!CHECK_INT(lcbot_client_new(config, &c, &err), LCBOT_OK)) fprintf(stderr, "    config %s: %s\n", config, err);
    lcbot_string_free(err);
    return c;
}

static lcbot_queue *new_queue(void) {
    lcbot_queue *q = NULL;
    char *err = NULL;
    CHECK_INT(lcbot_queue_new(&q, &err), LCBOT_OK);
    CHECK(err == NULL);
    return q;
}

static void inject(const lcbot_emulator *emulator, const char *fault) {
    char *out = NULL;
    CHECK_DOC(lcbot_emulator_inject(emulator, fault, &out) == LCBOT_OK, out);
    lcbot_string_free(out);
}

/* Submits on a client and checks it was taken. */
static int submit(const lcbot_client *c, const lcbot_queue *q, uint64_t tag, const char *operation, const char *request,
                  const lcbot_call_options *options) {
    char *err = NULL;
    int32_t st = lcbot_client_submit(c, q, tag, operation, request, options, &err);
    int ok = CHECK_DOC(st == LCBOT_OK && err == NULL, err);
    lcbot_string_free(err);
    return ok;
}

/* The next completion, waiting up to 20 s; NULL (a failed check) if none. */
static lcbot_completion *next(const lcbot_queue *q) {
    lcbot_completion *done = NULL;
    char *err = NULL;
    CHECK_INT(lcbot_queue_next(q, 20000, &done, &err), LCBOT_OK);
    CHECK(err == NULL);
    CHECK(done != NULL);
    return done;
}

/* Whether the fd is readable within `timeout_ms`. */
static int readable(const lcbot_queue *q, int timeout_ms) {
    struct pollfd p = {lcbot_queue_fd(q), POLLIN, 0};
    return poll(&p, 1, timeout_ms) == 1 && (p.revents & POLLIN);
}

static int under_valgrind(void) {
    const char *preload = getenv("LD_PRELOAD");
    return preload && strstr(preload, "vgpreload") != NULL;
}

/* Ends a forked child; under valgrind by exec (see c.mk). */
static void end_child(int status) {
    if (under_valgrind()) {
        char command[32];
#ifdef LCBOT_TEST_HAVE_VALGRIND_H
        if (VALGRIND_COUNT_ERRORS > 0) status = status ? status : 3;
#endif
        snprintf(command, sizeof command, "exit %d", status);
        fflush(stderr);
        execl("/bin/sh", "sh", "-c", command, (char *)NULL);
        _exit(4);
    }
    exit(status);
}

/* ---- bad input ---------------------------------------------------------- */

static void check_refused(int32_t st, char *err, int32_t want, const char *needle) {
    CHECK_INT(st, want);
    CHECK_DOC(err != NULL, err);
    if (err && needle) CHECK_HAS(err, needle);
    lcbot_string_free(err);
}

static void test_bad_input(const lcbot_emulator *emu) {
    lcbot_client *c = new_client(emu, "dev-token", "");
    lcbot_queue *q = new_queue();
    lcbot_completion *done = (lcbot_completion *)1;
    lcbot_call_options bad_options = {0};
    char *err = NULL;
    if (!c || !q) goto done;

    CHECK_INT(lcbot_queue_new(NULL, &err), LCBOT_ERR_NULL_ARGUMENT);
    check_refused(LCBOT_ERR_NULL_ARGUMENT, err, LCBOT_ERR_NULL_ARGUMENT, "queue_out");
    err = NULL;
    CHECK_INT(lcbot_queue_fd(NULL), -1);
    CHECK(lcbot_queue_fd(q) >= 0);
    CHECK_INT((long long)lcbot_queue_in_flight(NULL), 0);
    lcbot_queue_free(NULL);
    lcbot_completion_free(NULL);

#define REFUSED(call, want, needle)         \
    do {                                    \
        err = NULL;                         \
        int32_t st_ = (call);               \
        check_refused(st_, err, want, needle); \
    } while (0)
    REFUSED(lcbot_client_submit(NULL, q, 1, "get_bot_agents", "{}", NULL, &err), LCBOT_ERR_NULL_ARGUMENT, "client");
    REFUSED(lcbot_client_submit(c, NULL, 1, "get_bot_agents", "{}", NULL, &err), LCBOT_ERR_NULL_ARGUMENT, "queue");
    REFUSED(lcbot_client_submit(c, q, 1, NULL, "{}", NULL, &err), LCBOT_ERR_NULL_ARGUMENT, "operation");
    REFUSED(lcbot_client_submit(c, q, 1, "get_bot_agents", NULL, NULL, &err), LCBOT_ERR_NULL_ARGUMENT, "request_json");
    REFUSED(lcbot_bot_submit(NULL, q, 1, "list_chats", "{}", NULL, &err), LCBOT_ERR_NULL_ARGUMENT, "bot");
    REFUSED(lcbot_client_submit(c, q, 1, "get_bots", "{}", NULL, &err), LCBOT_ERR_VALIDATION,
            "operation: expected one of create_bot_agent");
    REFUSED(lcbot_client_submit(c, q, 1, "send_event", "{}", NULL, &err), LCBOT_ERR_VALIDATION, "operation:");
    REFUSED(lcbot_client_submit(c, q, 1, "call:Bad/Name", "{}", NULL, &err), LCBOT_ERR_VALIDATION, "action:");
    REFUSED(lcbot_client_submit(c, q, 1, "get_bot_agents", "{\"all\":", NULL, &err), LCBOT_ERR_INVALID_JSON,
            "request_json");
    REFUSED(lcbot_client_submit(c, q, 1, "call:list_agents", "{", NULL, &err), LCBOT_ERR_INVALID_JSON, "payload_json");
    REFUSED(lcbot_client_submit(c, q, 1, "get_bot_agents", "{\"a\":\"\xff\"}", NULL, &err), LCBOT_ERR_INVALID_UTF8,
            "request_json");
    REFUSED(lcbot_client_submit(c, q, 1, "get_bot_agents", "{}", &bad_options, &err), LCBOT_ERR_VALIDATION,
            "options.version");
    CHECK_INT(lcbot_client_submit(c, q, 1, "get_bot_agents", "{}", NULL, NULL), LCBOT_ERR_NULL_ARGUMENT);
    REFUSED(lcbot_queue_next(NULL, 0, &done, &err), LCBOT_ERR_NULL_ARGUMENT, "queue");
    CHECK(done == NULL);
    REFUSED(lcbot_queue_next(q, 0, NULL, &err), LCBOT_ERR_NULL_ARGUMENT, "completion_out");
    REFUSED(lcbot_queue_next(q, -2, &done, &err), LCBOT_ERR_VALIDATION, "timeout_ms");
    /* nothing was queued by the refusals: nothing in flight, next gives none at once */
    CHECK_INT((long long)lcbot_queue_in_flight(q), 0);
    err = NULL;
    CHECK_INT(lcbot_queue_next(q, -1, &done, &err), LCBOT_OK);
    CHECK(done == NULL && err == NULL);

    /* wrong types: the same error document as the blocking call, as the completion */
    {
        const char *request = "{\"bot_agent_id\":42}";
        char *blocking = NULL;
        int32_t st = lcbot_get_bot_agent_details(c, request, NULL, &blocking);
        if (submit(c, q, 77, "get_bot_agent_details", request, NULL)) {
            done = next(q);
            if (done) {
                CHECK_INT(done->tag, 77);
                CHECK_INT(done->status, st);
                CHECK_INT(done->status, LCBOT_ERR_VALIDATION);
                CHECK_DOC(blocking && strcmp(done->document, blocking) == 0, done->document);
                lcbot_completion_free(done);
            }
        }
        lcbot_string_free(blocking);
    }
done:
    lcbot_queue_free(q);
    lcbot_client_free(c);
}

/* ---- the template actions through the queue ------------------------------ */

/* A template action or a batch queued answers as its blocking function
 * does: created and listed on v3.6, a half-failed batch item by item,
 * refused before sending on v3.4 with the same document. */
static void test_templates(const lcbot_emulator *emu) {
    lcbot_client *c36 = new_client(emu, "dev-token", "\"api_version\":\"3.6\"");
    lcbot_client *c34 = new_client(emu, "dev-token", "\"api_version\":\"3.4\"");
    lcbot_queue *q = new_queue();
    if (!c36 || !c34 || !q) goto done;
    if (submit(c36, q, 1, "create_bot_template", "{\"name\":\"Queued\"}", NULL)) {
        lcbot_completion *done = next(q);
        if (done) {
            CHECK_INT(done->tag, 1);
            CHECK_INT(done->status, LCBOT_OK);
            CHECK_DOC(strstr(done->document, "\"id\"") != NULL, done->document);
            lcbot_completion_free(done);
        }
    }
    if (submit(c36, q, 2, "list_bot_templates", "{}", NULL)) {
        char *blocking = NULL;
        CHECK_INT(lcbot_list_bot_templates(c36, "{}", NULL, &blocking), LCBOT_OK);
        lcbot_completion *done = next(q);
        if (done) {
            CHECK_INT(done->status, LCBOT_OK);
            CHECK_DOC(strstr(done->document, "Queued") != NULL && blocking && strcmp(done->document, blocking) == 0,
                      done->document);
            lcbot_completion_free(done);
        }
        lcbot_string_free(blocking);
    }
    {
        const char *request = "{\"requests\":[{\"bot_agent_id\":\"ghost-1\"},{\"bot_agent_id\":\"ghost-2\"}]}";
        if (submit(c36, q, 4, "batch_remove_bot_agents", request, NULL)) {
            lcbot_completion *done = next(q);
            char *blocking = NULL;
            CHECK_INT(lcbot_batch_remove_bot_agents(c36, request, NULL, &blocking), LCBOT_OK);
            if (done) {
                CHECK_INT(done->tag, 4);
                CHECK_INT(done->status, LCBOT_OK);
                CHECK_DOC(strstr(done->document, "\"failed\":2") && strstr(done->document, "not_found") && blocking &&
                              strcmp(done->document, blocking) == 0,
                          done->document);
                lcbot_completion_free(done);
            }
            lcbot_string_free(blocking);
        }
    }
    if (submit(c34, q, 3, "list_bot_templates", "{}", NULL)) {
        char *blocking = NULL;
        int32_t st = lcbot_list_bot_templates(c34, "{}", NULL, &blocking);
        lcbot_completion *done = next(q);
        if (done) {
            CHECK_INT(done->status, st);
            CHECK_INT(done->status, LCBOT_ERR_VALIDATION);
            CHECK_DOC(blocking && strcmp(done->document, blocking) == 0 && strstr(done->document, "v3.5"), done->document);
            lcbot_completion_free(done);
        }
        lcbot_string_free(blocking);
    }
done:
    lcbot_queue_free(q);
    lcbot_client_free(c34);
    lcbot_client_free(c36);
}

/* ---- many calls, tags, readiness, timeouts ------------------------------ */

static void test_many_calls(const lcbot_emulator *emu) {
    lcbot_client *c = new_client(emu, "dev-token", "");
    lcbot_queue *q = new_queue();
    int seen[MANY] = {0};
    int taken = 0, ok = 0;
    char fault[128];
    if (!c || !q) goto done;

    /* the first MANY get_bot_agents are held 300 ms each */
    snprintf(fault, sizeof fault, "{\"action\":\"get_bot_agents\",\"delay_ms\":300,\"times\":%d}", MANY);
    inject(emu, fault);
    for (int i = 0; i < MANY; i++) submit(c, q, 1000 + (uint64_t)i, "get_bot_agents", "{\"all\":true}", NULL);
    CHECK_INT((long long)lcbot_queue_in_flight(q), MANY);
    /* nothing has ended yet: not readable, and next with timeout 0 gives none */
    {
        lcbot_completion *none = (lcbot_completion *)1;
        char *err = NULL;
        CHECK(!readable(q, 0));
        CHECK_INT(lcbot_queue_next(q, 0, &none, &err), LCBOT_OK);
        CHECK(none == NULL && err == NULL);
    }
    /* drained as an event loop does: poll, then next(0) until none */
    {
        double deadline = now_ms() + 60000;
        while (taken < MANY && now_ms() < deadline) {
            if (!readable(q, 1000)) continue;
            for (;;) {
                lcbot_completion *d = NULL;
                char *err = NULL;
                CHECK_INT(lcbot_queue_next(q, 0, &d, &err), LCBOT_OK);
                if (!d) break;
                taken++;
                if (CHECK(d->tag >= 1000 && d->tag < 1000 + MANY)) seen[d->tag - 1000]++;
                if (CHECK_DOC(d->status == LCBOT_OK, d->document)) ok++;
                CHECK_HAS(d->document, "\"bot_agents\"");
                lcbot_completion_free(d);
            }
            /* drained: the fd is no longer readable */
            if (taken < MANY) CHECK(!readable(q, 0) || lcbot_queue_in_flight(q) > 0);
        }
    }
    CHECK_INT(taken, MANY);
    CHECK_INT(ok, MANY);
    for (int i = 0; i < MANY; i++) CHECK_INT(seen[i], 1);
    CHECK(!readable(q, 0));
    CHECK_INT((long long)lcbot_queue_in_flight(q), 0);
    printf("many calls: %d completions, each tag once\n", taken);
done:
    lcbot_queue_free(q);
    lcbot_client_free(c);
}

/* Polls until the emulator has taken every injected fault: the held
 * requests reached it. */
static int faults_taken(const lcbot_emulator *emu) {
    double deadline = now_ms() + 20000;
    int taken = 0;
    while (!taken && now_ms() < deadline) {
        char *faults = NULL;
        if (lcbot_emulator_faults(emu, &faults) == LCBOT_OK && faults) taken = strstr(faults, "\"pending_faults\":0") != NULL;
        lcbot_string_free(faults);
        if (!taken) {
            struct timespec ts = {0, 2000000};
            nanosleep(&ts, NULL);
        }
    }
    return CHECK(taken);
}

static void test_cancel_and_deadline(const lcbot_emulator *emu) {
    lcbot_client *c = new_client(emu, "dev-token", "\"retry\":{\"max_attempts\":1}");
    lcbot_queue *q = new_queue();
    lcbot_cancel_token *token = NULL;
    lcbot_call_options options = {0};
    lcbot_completion *done;
    if (!c || !q) goto done;
    options.version = LCBOT_CALL_OPTIONS_VERSION;

    /* a client freed with a read and a write held 10 s: both complete as
     * cancelled, and the write, which was sent, as of unknown outcome */
    inject(emu, "{\"action\":\"get_bot_agents\",\"delay_ms\":10000}");
    inject(emu, "{\"action\":\"create_bot_agent\",\"delay_ms\":10000}");
    submit(c, q, 1, "get_bot_agents", "{}", NULL);
    submit(c, q, 2, "create_bot_agent", "{\"name\":\"Held\",\"status\":\"offline\"}", NULL);
    faults_taken(emu);
    lcbot_client_free(c);
    c = NULL;
    for (int i = 0; i < 2; i++) {
        done = next(q);
        if (!done) break;
        CHECK_INT(done->status, LCBOT_ERR_CANCELLED);
        if (done->tag == 2)
            CHECK_HAS(done->document, "\"outcome\":\"unknown\"");
        else
            CHECK_LACKS(done->document, "\"outcome\"");
        lcbot_completion_free(done);
    }

    /* a cancel token fired while the call is held; the token may be freed
     * once submitted */
    c = new_client(emu, "dev-token", "\"retry\":{\"max_attempts\":1}");
    if (!c) goto done;
    CHECK_INT(lcbot_cancel_token_new(&token), LCBOT_OK);
    options.cancel = token;
    inject(emu, "{\"action\":\"get_bot_agents\",\"delay_ms\":10000,\"times\":2}");
    submit(c, q, 3, "get_bot_agents", "{}", &options);
    submit(c, q, 4, "get_bot_agents", "{}", &options);
    faults_taken(emu);
    lcbot_cancel(token);
    lcbot_cancel_token_free(token);
    token = NULL;
    for (int i = 0; i < 2; i++) {
        done = next(q);
        if (!done) break;
        CHECK(done->tag == 3 || done->tag == 4);
        CHECK_ERROR(done->status, done->document, LCBOT_ERR_CANCELLED, "cancelled", NULL, -1);
        lcbot_completion_free(done);
    }

    /* a deadline: timeout_ms 200 on a call held 10 s */
    options.cancel = NULL;
    options.timeout_ms = 200;
    inject(emu, "{\"action\":\"get_bot_agents\",\"delay_ms\":10000}");
    submit(c, q, 5, "get_bot_agents", "{}", &options);
    done = next(q);
    if (done) {
        CHECK_INT(done->tag, 5);
        CHECK_INT(done->status, LCBOT_ERR_TIMEOUT);
        lcbot_completion_free(done);
    }
done:
    lcbot_cancel_token_free(token);
    lcbot_queue_free(q);
    lcbot_client_free(c);
}

/* ---- freeing with calls in flight --------------------------------------- */

static void test_free_in_flight(const lcbot_emulator *emu) {
    lcbot_client *c = new_client(emu, "dev-token", "\"api_version\":\"3.5\"");
    lcbot_queue *q = new_queue(), *other = new_queue();
    lcbot_bot *bot = NULL;
    char *out = NULL, *err = NULL, id[128] = "";
    int cancelled = 0;
    if (!c || !q || !other) goto done;

    /* a queue freed with 8 calls held in flight: cancelled, waited for, freed */
    inject(emu, "{\"action\":\"get_bot_agents\",\"delay_ms\":10000,\"times\":8}");
    for (int i = 0; i < 8; i++) submit(c, q, (uint64_t)i, "get_bot_agents", "{}", NULL);
    lcbot_queue_free(q);
    q = NULL;
    /* the client goes on working afterwards, through another queue */
    if (submit(c, other, 9, "get_bot_agents", "{}", NULL)) {
        lcbot_completion *done = next(other);
        if (done) CHECK_DOC(done->status == LCBOT_OK, done->document);
        lcbot_completion_free(done);
    }

    /* a bot freed with calls in flight: they complete as cancelled */
    CHECK_DOC(lcbot_create_bot_agent(c, "{\"name\":\"Queued\"}", NULL, &out) == LCBOT_OK, out);
    if (out) json_str(out, "bot_agent_id", id, sizeof id);
    lcbot_string_free(out);
    {
        char identity[256];
        snprintf(identity, sizeof identity, "{\"bot_agent_id\":\"%s\"}", id);
        CHECK_INT(lcbot_bot_new(c, identity, &bot, &err), LCBOT_OK);
        lcbot_string_free(err);
        err = NULL;
    }
    if (!bot) goto done;
    /* a bot call through the queue */
    CHECK_INT(lcbot_bot_submit(bot, other, 20, "list_chats", "{}", NULL, &err), LCBOT_OK);
    lcbot_string_free(err);
    err = NULL;
    {
        lcbot_completion *done = next(other);
        if (done) {
            CHECK_INT(done->tag, 20);
            CHECK_DOC(done->status == LCBOT_OK, done->document);
            CHECK_HAS(done->document, "chats_summary");
        }
        lcbot_completion_free(done);
    }
    CHECK_INT(lcbot_bot_submit(bot, other, 21, "get_bot_agents", "{}", NULL, &err), LCBOT_ERR_VALIDATION);
    lcbot_string_free(err);
    err = NULL;
    inject(emu, "{\"action\":\"list_chats\",\"delay_ms\":10000,\"times\":3}");
    for (int i = 0; i < 3; i++) {
        CHECK_INT(lcbot_bot_submit(bot, other, 30 + (uint64_t)i, "list_chats", "{}", NULL, &err), LCBOT_OK);
        lcbot_string_free(err);
        err = NULL;
    }
    lcbot_bot_free(bot);
    bot = NULL;
    for (int i = 0; i < 3; i++) {
        lcbot_completion *done = next(other);
        if (!done) break;
        if (done->status == LCBOT_ERR_CANCELLED && done->tag >= 30 && done->tag < 33) cancelled++;
        lcbot_completion_free(done);
    }
    CHECK_INT(cancelled, 3);
    CHECK_INT((long long)lcbot_queue_in_flight(other), 0);
done:
    lcbot_bot_free(bot);
    lcbot_queue_free(q);
    lcbot_queue_free(other);
    lcbot_client_free(c);
}

/* ---- fork with calls in flight ------------------------------------------ */

static void test_fork(const lcbot_emulator *emu) {
    lcbot_client *c = new_client(emu, "dev-token", "");
    lcbot_queue *q = new_queue();
    pid_t pid;
    int status = -1, ok = 0;
    if (!c || !q) goto done;

    /* the parent's calls are held in flight across the fork */
    inject(emu, "{\"action\":\"get_bot_agents\",\"delay_ms\":500,\"times\":8}");
    for (int i = 0; i < 8; i++) submit(c, q, (uint64_t)i, "get_bot_agents", "{}", NULL);
    fflush(stdout);
    fflush(stderr);
    pid = fork();
    if (pid == 0) {
        /* the inherited queue takes no calls; a new one does, on the child's own I/O thread */
        lcbot_queue *mine = NULL;
        char *err = NULL;
        int failed = 0, got = 0;
        if (lcbot_client_submit(c, q, 99, "get_bot_agents", "{}", NULL, &err) != LCBOT_ERR_VALIDATION) failed++;
        if (!err || !strstr(err, "fork()")) failed++;
        lcbot_string_free(err);
        err = NULL;
        if (lcbot_queue_new(&mine, &err) != LCBOT_OK) failed++;
        for (int i = 0; mine && i < 4; i++)
            if (lcbot_client_submit(c, mine, 100 + (uint64_t)i, "call:get_bot_agents", "{}", NULL, &err) != LCBOT_OK) failed++;
        while (mine && got < 4) {
            lcbot_completion *d = NULL;
            if (lcbot_queue_next(mine, 20000, &d, &err) != LCBOT_OK || !d) {
                failed++;
                break;
            }
            if (d->status != LCBOT_OK || d->tag < 100 || d->tag > 103) failed++;
            got++;
            lcbot_completion_free(d);
        }
        /* the inherited queue's free does not wait for the parent's calls */
        lcbot_queue_free(q);
        lcbot_queue_free(mine);
        lcbot_client_free(c);
        if (failed) fprintf(stderr, "    child: %d failures\n", failed);
        end_child(failed ? 1 : 0);
    }
    if (!CHECK(pid > 0)) goto done;
    for (int i = 0; i < 8; i++) {
        lcbot_completion *d = next(q);
        if (!d) break;
        if (CHECK_DOC(d->status == LCBOT_OK, d->document)) ok++;
        lcbot_completion_free(d);
    }
    CHECK_INT(ok, 8);
    {
        double deadline = now_ms() + 60000;
        pid_t r;
        while ((r = waitpid(pid, &status, WNOHANG)) == 0 && now_ms() < deadline) {
            struct timespec ts = {0, 2000000};
            nanosleep(&ts, NULL);
        }
        if (r == 0) {
            kill(pid, 9);
            waitpid(pid, &status, 0);
        }
        CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    }
done:
    lcbot_queue_free(q);
    lcbot_client_free(c);
}

/* ---- never twice, provider, secrets ------------------------------------- */

static int provider_calls = 0;
static int32_t provide(void *user_data, char *buf, size_t len) {
    (void)user_data;
    __atomic_add_fetch(&provider_calls, 1, __ATOMIC_SEQ_CST);
    snprintf(buf, len, "%s", "tok-fresh");
    return 0;
}

static void test_rules(void) {
    lcbot_emulator *emu = start_emulator(
        "{\"tokens\":[{\"token\":\"tok-expired\",\"client_id\":\"dev-client\",\"scopes\":" ALL_SCOPES
        ",\"expires_in_ms\":0},{\"token\":\"tok-fresh\",\"client_id\":\"dev-client\",\"scopes\":" ALL_SCOPES "}]}");
    lcbot_client *c = emu ? new_client(emu, "tok-fresh", "\"retry\":{\"max_attempts\":5,\"base_delay_ms\":1}") : NULL;
    lcbot_client *expired = emu ? new_client(emu, "tok-expired", "") : NULL;
    lcbot_client *wrong = emu ? new_client(emu, "tok-secret-8861", "\"api_version\":\"3.6\"") : NULL;
    lcbot_queue *q = new_queue();
    lcbot_completion *done;
    char *err = NULL, *log = NULL;
    if (!c || !expired || !wrong || !q) goto done;

    /* a write whose connection drops after it was sent: never sent again */
    inject(emu, "{\"action\":\"create_bot_agent\",\"drop_connection\":true}");
    submit(c, q, 1, "create_bot_agent", "{\"name\":\"Once\",\"status\":\"offline\"}", NULL);
    done = next(q);
    if (done) {
        CHECK_ERROR(done->status, done->document, LCBOT_ERR_TRANSPORT, "transport", NULL, 1);
        CHECK_HAS(done->document, "\"outcome\":\"unknown\"");
        lcbot_completion_free(done);
    }
    lcbot_emulator_requests(emu, &log);
    CHECK_INT(log_entries_with(log, "create_bot_agent", NULL, NULL), 1);
    lcbot_string_free(log);
    /* a read is retried after the same fault */
    inject(emu, "{\"action\":\"get_bot_agents\",\"drop_connection\":true}");
    submit(c, q, 2, "get_bot_agents", "{}", NULL);
    done = next(q);
    if (done) {
        CHECK_DOC(done->status == LCBOT_OK, done->document);
        lcbot_completion_free(done);
    }

    /* the token provider, run for a queued call refused for its token */
    CHECK_INT(lcbot_client_set_token_provider(expired, provide, NULL, &err), LCBOT_OK);
    submit(expired, q, 3, "get_bot_agents", "{}", NULL);
    done = next(q);
    if (done) {
        CHECK_DOC(done->status == LCBOT_OK, done->document);
        lcbot_completion_free(done);
    }
    CHECK_INT(provider_calls, 1);

    /* a refused token never appears in the completion */
    submit(wrong, q, 4, "issue_bot_token",
           "{\"bot_id\":\"b\",\"client_id\":\"c\",\"bot_secret\":\"secret-5512\",\"organization_id\":\"o\"}", NULL);
    done = next(q);
    if (done) {
        CHECK_INT(done->status, LCBOT_ERR_API);
        CHECK_LACKS(done->document, "tok-secret-8861");
        CHECK_LACKS(done->document, "secret-5512");
        lcbot_completion_free(done);
    }
done:
    lcbot_queue_free(q);
    lcbot_client_free(c);
    lcbot_client_free(expired);
    lcbot_client_free(wrong);
    lcbot_emulator_stop(emu);
}

int main(void) {
    lcbot_emulator *emu = start_emulator("{\"log_limit\":1000000}");
    if (emu) {
        test_bad_input(emu);
        test_templates(emu);
        test_many_calls(emu);
        test_cancel_and_deadline(emu);
        test_free_in_flight(emu);
        test_fork(emu);
        lcbot_emulator_stop(emu);
    }
    test_rules();
    return check_finish();
}
