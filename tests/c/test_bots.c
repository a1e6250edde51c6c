/*
 * test_bots.c: bots in chats from C, against the emulator.
 *
 * Per version (3.0, 3.2, 3.4, 3.6): a bot made with lcbot_bot_new goes
 * online, the customer starts a chat that is routed to it (not to an
 * offline or a full bot), the bot reads and answers it, transfers and
 * closes chats; the request log shows the version's way of naming the bot
 * (author_id in the body, the X-Author-Id header, a Bearer bot token).
 * Then: a bot outlives its client, 16 threads share one bot while its token
 * is renewed (exactly one issue_bot_token), and bad input of every kind.
 * argv[1]: the emulator's bot token lifetime in ms (longer under valgrind).
 * Runs natively and under valgrind (no leak, no error).
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

#include <pthread.h>
#include <time.h>

static long token_lifetime_ms = 1000;

/* An emulator; bot tokens live `lifetime_ms` (0: LiveChat's 24 hours). */
static lcbot_emulator *start_emulator(long lifetime_ms) {
    char config[128] = "{}";
    lcbot_emulator *emu = NULL;
    char *error = NULL;
    if (lifetime_ms > 0) snprintf(config, sizeof config, "{\"bot_token_lifetime_ms\":%ld}", lifetime_ms);
    CHECK_INT(lcbot_emulator_start(config, &emu, &error), LCBOT_OK);
    lcbot_string_free(error);
    return emu;
}

static lcbot_client *new_client(const lcbot_emulator *emu, const char *version) {
    char config[256];
    lcbot_client *client = NULL;
    char *error = NULL;
    snprintf(config, sizeof config, "{\"token\":\"dev-token\",\"base_url\":\"%s\",\"api_version\":\"%s\"}",
             lcbot_emulator_url(emu), version);
    CHECK_INT(lcbot_client_new(config, &client, &error), LCBOT_OK);
    lcbot_string_free(error);
    return client;
}

/* The emulator's organization id, read from its chat state document. */
static void organization_id(const lcbot_emulator *emu, char *buf, size_t size) {
    char *doc = NULL;
    CHECK_INT(lcbot_emulator_chats(emu, &doc), LCBOT_OK);
    CHECK_DOC(json_str(doc, "organization_id", buf, size), doc);
    lcbot_string_free(doc);
}

/* Creates a bot of group 0 and a handle acting as it, with its status set. */
static lcbot_bot *make_bot(const lcbot_emulator *emu, const lcbot_client *client, const char *version, const char *name,
                           const char *priority, int max_chats, const char *status, char *id, size_t id_size) {
    char request[512], identity[512], secret[128] = "", org[128] = "";
    char *out = NULL;
    lcbot_bot *bot = NULL;
    int old = strcmp(version, "3.2") < 0;
    snprintf(request, sizeof request,
             "{\"name\":\"%s\",\"max_chats_count\":%d,\"groups\":[{\"id\":0,\"priority\":\"%s\"}]%s}", name, max_chats,
             priority, old ? ",\"status\":\"offline\"" : "");
    CHECK_INT(lcbot_create_bot_agent(client, request, NULL, &out), LCBOT_OK);
    CHECK_DOC(json_str(out, "bot_agent_id", id, id_size), out);
    if (strcmp(version, "3.5") >= 0) {
        CHECK_DOC(json_str(out, "bot_secret", secret, sizeof secret), out);
        organization_id(emu, org, sizeof org);
        snprintf(identity, sizeof identity,
                 "{\"bot_agent_id\":\"%s\",\"bot_secret\":\"%s\",\"client_id\":\"dev-client\",\"organization_id\":\"%s\"}", id,
                 secret, org);
    } else {
        snprintf(identity, sizeof identity, "{\"bot_agent_id\":\"%s\"}", id);
    }
    lcbot_string_free(out);
    out = NULL;
    CHECK_INT(lcbot_bot_new(client, identity, &bot, &out), LCBOT_OK);
    lcbot_string_free(out);
    snprintf(request, sizeof request, "{\"status\":\"%s\"}", status);
    out = NULL;
    CHECK_INT(lcbot_bot_set_routing_status(bot, request, NULL, &out), LCBOT_OK);
    lcbot_string_free(out);
    return bot;
}

/* Starts a chat in group 0 with a first message; copies its id and bot. */
static void start_chat(const lcbot_emulator *emu, const char *text, char *chat_id, char *bot_id, size_t size) {
    char request[256];
    char *out = NULL;
    snprintf(request, sizeof request, "{\"group_id\":0,\"text\":\"%s\"}", text);
    CHECK_INT(lcbot_emulator_start_chat(emu, request, &out), LCBOT_OK);
    CHECK_DOC(json_str(out, "chat_id", chat_id, size), out);
    bot_id[0] = '\0';
    json_str(out, "bot_id", bot_id, size);
    lcbot_string_free(out);
}

/* The emulator's document of one chat (a copy to free), or NULL. */
static char *chat_state(const lcbot_emulator *emu, const char *chat_id) {
    char *doc = NULL, *copy = NULL;
    char marker[64];
    const char *p, *end;
    if (lcbot_emulator_chats(emu, &doc) != LCBOT_OK) return NULL;
    snprintf(marker, sizeof marker, "{\"chat_id\":\"%s\"", chat_id);
    p = doc ? strstr(doc, marker) : NULL;
    if (p) {
        end = strstr(p + 1, "{\"chat_id\":");
        size_t len = end ? (size_t)(end - p) : strlen(p);
        copy = (char *)malloc(len + 1);
        memcpy(copy, p, len);
        copy[len] = '\0';
    }
    lcbot_string_free(doc);
    return copy;
}

static int logged(const lcbot_emulator *emu, const char *a, const char *b, const char *c) {
    char *log = NULL;
    int n = -1;
    if (lcbot_emulator_requests(emu, &log) == LCBOT_OK) n = log_entries_with(log, a, b, c);
    lcbot_string_free(log);
    return n;
}

static void scenario(const char *version) {
    char full_id[64], asleep_id[64], online_id[64], first[64], second[64], routed[64], request[512], want[128];
    char *out = NULL, *state;
    lcbot_status st;
    int v30 = strcmp(version, "3.0") == 0, v36 = strcmp(version, "3.6") == 0;
    lcbot_emulator *emu = start_emulator(0);
    lcbot_client *client = new_client(emu, version);
    lcbot_bot *full = make_bot(emu, client, version, "Full", "first", 1, "accepting_chats", full_id, sizeof full_id);
    lcbot_bot *asleep = make_bot(emu, client, version, "Asleep", "first", 5, "offline", asleep_id, sizeof asleep_id);
    lcbot_bot *online = make_bot(emu, client, version, "Online", "normal", 5, "accepting_chats", online_id, sizeof online_id);

    printf("-- v%s\n", version);
    start_chat(emu, "hi there", first, routed, sizeof first);
    CHECK(strcmp(routed, full_id) == 0);
    start_chat(emu, "hello", second, routed, sizeof second);
    CHECK(strcmp(routed, online_id) == 0);
    CHECK(strcmp(routed, asleep_id) != 0);

    CHECK_INT(lcbot_bot_list_chats(online, "{}", NULL, &out), LCBOT_OK);
    CHECK_HAS(out, second);
    lcbot_string_free(out);
    snprintf(request, sizeof request, "{\"chat_id\":\"%s\"}", second);
    CHECK_INT(lcbot_bot_get_chat(online, request, NULL, &out), LCBOT_OK);
    CHECK_HAS(out, "\"text\":\"hello\"");
    CHECK_HAS(out, "\"visibility\":\"all\"");
    CHECK_LACKS(out, "recipients");
    lcbot_string_free(out);

    snprintf(request, sizeof request, "{\"chat_id\":\"%s\",\"event\":{\"type\":\"message\",\"text\":\"echo: hello\",\"visibility\":\"all\"}}", second);
    CHECK_INT(lcbot_bot_send_event(online, request, NULL, &out), LCBOT_OK);
    CHECK_HAS(out, "\"event_id\":\"");
    lcbot_string_free(out);
    state = chat_state(emu, second);
    CHECK_HAS(state, "\"author_type\":\"customer\"");
    CHECK_HAS(state, "\"text\":\"echo: hello\"");
    snprintf(want, sizeof want, "\"author_id\":\"%s\",\"author_type\":\"bot\"", online_id);
    CHECK_HAS(state, want);
    free(state);

    /* Not its chat: refused from v3.4 (before, a bot of the group may write). */
    snprintf(request, sizeof request, "{\"chat_id\":\"%s\",\"event\":{\"type\":\"message\",\"text\":\"x\"}}", first);
    st = lcbot_bot_send_event(online, request, NULL, &out);
    if (strcmp(version, "3.4") >= 0) {
        CHECK_ERROR(st, out, LCBOT_ERR_API, "api", NULL, 1);
        CHECK_HAS(out, "\"type\":\"authorization\"");
    } else {
        CHECK_INT(st, LCBOT_OK);
    }
    lcbot_string_free(out);

    /* Transfer to the online bot, which closes the chat. */
    snprintf(request, sizeof request, "{\"id\":\"%s\",\"target\":{\"type\":\"agent\",\"ids\":[\"%s\"]}}", first, online_id);
    CHECK_INT(lcbot_bot_transfer_chat(full, request, NULL, &out), LCBOT_OK);
    lcbot_string_free(out);
    state = chat_state(emu, first);
    snprintf(want, sizeof want, "\"bot_id\":\"%s\"", online_id);
    CHECK_HAS(state, want);
    free(state);
    snprintf(request, sizeof request, "{\"id\":\"%s\"}", first);
    CHECK_INT(lcbot_bot_deactivate_chat(online, request, NULL, &out), LCBOT_OK);
    lcbot_string_free(out);
    state = chat_state(emu, first);
    CHECK_HAS(state, "\"state\":\"closed\"");
    free(state);
    snprintf(request, sizeof request, "{\"chat_id\":\"%s\",\"event\":{\"type\":\"message\",\"text\":\"late\"}}", first);
    st = lcbot_bot_send_event(online, request, NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_API, "api", NULL, 1);
    CHECK_HAS(out, "\"type\":\"chat_inactive\"");
    lcbot_string_free(out);

    /* The version's own way of naming the bot, in the request log. */
    snprintf(want, sizeof want, "\"x-author-id\":\"%s\"", online_id);
    if (v30) {
        char body[128];
        snprintf(body, sizeof body, "\"author_id\":\"%s\"", online_id);
        CHECK(logged(emu, "\"action\":\"send_event\"", body, "\"recipients\":\"all\"") >= 1);
        CHECK(logged(emu, "\"action\":\"get_chats_summary\"", NULL, NULL) >= 1);
        CHECK(logged(emu, "\"action\":\"close_thread\"", NULL, NULL) == 1);
    } else if (v36) {
        CHECK(logged(emu, "\"action\":\"send_event\"", "\"authorization\":\"Bearer [redacted]\"", NULL) >= 1);
        CHECK_INT(logged(emu, "x-author-id", NULL, NULL), 0);
        CHECK_INT(logged(emu, "\"action\":\"issue_bot_token\"", NULL, NULL), 3);
    } else {
        CHECK(logged(emu, "\"action\":\"send_event\"", want, NULL) >= 1);
        CHECK(logged(emu, "\"action\":\"deactivate_chat\"", NULL, NULL) == 1);
    }

    lcbot_bot_free(full);
    lcbot_bot_free(asleep);
    lcbot_bot_free(online);
    lcbot_client_free(client);
    lcbot_emulator_stop(emu);
}

/* ---- 16 threads, one bot, one token renewal ---------------------------- */

struct shared_bot {
    const lcbot_bot *bot;
    pthread_barrier_t barrier;
    int failures;
    pthread_mutex_t lock;
};

static void *list_once(void *arg) {
    struct shared_bot *s = (struct shared_bot *)arg;
    char *out = NULL;
    pthread_barrier_wait(&s->barrier);
    lcbot_status st = lcbot_bot_list_chats(s->bot, "{}", NULL, &out);
    if (st != LCBOT_OK) {
        pthread_mutex_lock(&s->lock);
        s->failures++;
        fprintf(stderr, "list_chats in a thread: %s\n", out ? out : "(NULL)");
        pthread_mutex_unlock(&s->lock);
    }
    lcbot_string_free(out);
    return NULL;
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static void shared_renewal(void) {
    char id[64];
    pthread_t threads[16];
    struct shared_bot s;
    lcbot_emulator *emu = start_emulator(token_lifetime_ms);
    lcbot_client *client = new_client(emu, "3.6");
    lcbot_bot *bot = make_bot(emu, client, "3.6", "Shared", "normal", 5, "accepting_chats", id, sizeof id);
    double due = now_ms() + (double)token_lifetime_ms;

    printf("-- 16 threads, one renewal\n");
    /* The bot keeps its client: free the client first. */
    lcbot_client_free(client);
    CHECK_INT(logged(emu, "\"action\":\"issue_bot_token\"", NULL, NULL), 1);
    /* Let the token's life pass (the condition is the clock itself). */
    while (now_ms() < due) {
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    s.bot = bot;
    s.failures = 0;
    pthread_mutex_init(&s.lock, NULL);
    pthread_barrier_init(&s.barrier, NULL, 16);
    for (int i = 0; i < 16; i++) pthread_create(&threads[i], NULL, list_once, &s);
    for (int i = 0; i < 16; i++) pthread_join(threads[i], NULL);
    CHECK_INT(s.failures, 0);
    CHECK_INT(logged(emu, "\"action\":\"issue_bot_token\"", NULL, NULL), 2);
    pthread_barrier_destroy(&s.barrier);
    pthread_mutex_destroy(&s.lock);
    lcbot_bot_free(bot);
    lcbot_emulator_stop(emu);
}

/* ---- bad input --------------------------------------------------------- */

static void bad_input(void) {
    char *out = NULL;
    lcbot_status st;
    lcbot_bot *bot = (lcbot_bot *)&out;
    lcbot_emulator *emu = start_emulator(0);
    lcbot_client *client = new_client(emu, "3.6");
    lcbot_client *old = new_client(emu, "3.2");

    printf("-- bad input\n");
    st = lcbot_bot_new(NULL, "{\"bot_agent_id\":\"b\"}", &bot, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_NULL_ARGUMENT, "null_argument", "client", 0);
    CHECK(bot == NULL);
    lcbot_string_free(out);
    st = lcbot_bot_new(client, NULL, &bot, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_NULL_ARGUMENT, "null_argument", "identity_json", 0);
    lcbot_string_free(out);
    CHECK_INT(lcbot_bot_new(client, "{}", NULL, NULL), LCBOT_ERR_NULL_ARGUMENT);
    st = lcbot_bot_new(client, "{\"bot_agent_id\":", &bot, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_INVALID_JSON, "invalid_json", NULL, 0);
    lcbot_string_free(out);
    st = lcbot_bot_new(client, "{\"bot_agent_id\":\"b\"}", &bot, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "bot_secret", 0);
    lcbot_string_free(out);
    st = lcbot_bot_new(client, "{\"bot_agent_id\":\"b\",\"bot_secret\":\"hush-hush\"}", &bot, &out);
    CHECK_ERROR(st, out,
                LCBOT_ERR_VALIDATION, "validation", "client_id", 0);
    CHECK_LACKS(out, "hush-hush");
    lcbot_string_free(out);
    st = lcbot_bot_new(client, "{\"bot_agent_id\":\"b\",\"bot_secret\":\"\\xff\"}", &bot, &out);
    CHECK_ERROR(st, out,
                LCBOT_ERR_INVALID_JSON, "invalid_json", NULL, 0);
    lcbot_string_free(out);
    {
        const char invalid_utf8[] = {'{', '"', 'b', 'o', 't', '_', 'a', 'g', 'e', 'n', 't', '_', 'i', 'd', '"', ':', '"', (char)0xC3, '"', '}', 0};
        st = lcbot_bot_new(old, invalid_utf8, &bot, &out);
        CHECK_ERROR(st, out, LCBOT_ERR_INVALID_UTF8, "invalid_utf8", NULL, 0);
        lcbot_string_free(out);
    }

    CHECK_INT(lcbot_bot_new(old, "{\"bot_agent_id\":\"b1\"}", &bot, &out), LCBOT_OK);
    st = lcbot_bot_set_routing_status(bot, "{\"status\":\"accepting chats\"}", NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION,
                "validation", "accepting_chats", 0);
    lcbot_string_free(out);
    st = lcbot_bot_send_event(bot, "{\"chat_id\":\"C\",\"event\":{\"type\":\"message\",\"text\":7}}", NULL, &out);
    CHECK_ERROR(st, out,
                LCBOT_ERR_VALIDATION, "validation", "event.text", 0);
    lcbot_string_free(out);
    st = lcbot_bot_list_chats(bot, "{\"limit\":1000}", NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "limit", 0);
    lcbot_string_free(out);
    st = lcbot_bot_get_chat(bot, "[]", NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "object", 0);
    lcbot_string_free(out);
    st = lcbot_bot_transfer_chat(bot, "{\"id\":\"C\",\"target\":{\"type\":\"team\",\"ids\":[1]}}", NULL, &out);
    CHECK_ERROR(st, out,
                LCBOT_ERR_VALIDATION, "validation", "target.type", 0);
    lcbot_string_free(out);
    st = lcbot_bot_deactivate_chat(NULL, "{\"id\":\"C\"}", NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_NULL_ARGUMENT, "null_argument", "bot", 0);
    lcbot_string_free(out);
    st = lcbot_bot_call(bot, "list chats", "{}", NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "action", 0);
    lcbot_string_free(out);
    st = lcbot_bot_call(bot, "list_chats", "[]", NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "payload_json", 0);
    lcbot_string_free(out);
    CHECK_INT(lcbot_bot_list_routing_statuses(bot, "{}", NULL, NULL), LCBOT_ERR_NULL_ARGUMENT);
    lcbot_bot_free(bot);
    lcbot_bot_free(NULL);

    /* The Configuration actions a bot needs: checked before sending. */
    st = lcbot_issue_bot_token(old, "{\"bot_id\":\"b\",\"client_id\":\"c\",\"bot_secret\":\"s\",\"organization_id\":\"o\"}",
                                      NULL, &out);
    CHECK_ERROR(st,
                out, LCBOT_ERR_VALIDATION, "validation", "from v3.5", 0);
    lcbot_string_free(out);
    st = lcbot_register_webhook(client, "{\"action\":\"incoming_mail\",\"secret_key\":\"k\",\"url\":\"http://127.0.0.1:1/\",\"type\":\"bot\",\"owner_client_id\":\"dev-client\"}",
                                       NULL, &out);
    CHECK_ERROR(st,
                out, LCBOT_ERR_VALIDATION, "validation", "action", 0);
    CHECK_LACKS(out, "\"k\"");
    lcbot_string_free(out);
    CHECK_INT(lcbot_register_webhook(client, "{\"action\":\"incoming_event\",\"secret_key\":\"k\",\"url\":\"http://127.0.0.1:1/\",\"type\":\"bot\",\"owner_client_id\":\"dev-client\"}",
                                     NULL, &out),
              LCBOT_OK);
    CHECK_HAS(out, "\"id\":\"");
    lcbot_string_free(out);
    CHECK_INT(lcbot_list_webhooks(client, "{\"owner_client_id\":\"dev-client\"}", NULL, &out), LCBOT_OK);
    CHECK_HAS(out, "\"action\":\"incoming_event\"");
    lcbot_string_free(out);
    st = lcbot_unregister_webhook(client, "{\"id\":\"nope\",\"owner_client_id\":\"dev-client\"}", NULL, &out);
    CHECK_ERROR(st, out,
                LCBOT_ERR_API, "api", NULL, 1);
    lcbot_string_free(out);

    lcbot_client_free(old);
    lcbot_client_free(client);
    lcbot_emulator_stop(emu);
}

/* ---- lcbot_json_get: reading answers without a JSON parser -------------- */

static void json_get(void) {
    const char *doc = "{\"payload\":{\"chat_id\":\"C1\",\"event\":{\"text\":\"caf\\u00e9 \\\"quoted\\\"\",\"n\":[1,2]}}}";
    char *out = NULL;
    lcbot_status st;
    printf("-- lcbot_json_get\n");
    CHECK_INT(lcbot_json_get(doc, "/payload/chat_id", &out), LCBOT_OK);
    CHECK_DOC(out && strcmp(out, "C1") == 0, out);
    lcbot_string_free(out);
    CHECK_INT(lcbot_json_get(doc, "/payload/event/text", &out), LCBOT_OK);
    CHECK_DOC(out && strcmp(out, "caf\xc3\xa9 \"quoted\"") == 0, out);
    lcbot_string_free(out);
    CHECK_INT(lcbot_json_get(doc, "/payload/event/n", &out), LCBOT_OK);
    CHECK_DOC(out && strcmp(out, "[1,2]") == 0, out);
    lcbot_string_free(out);
    CHECK_INT(lcbot_json_get(doc, "/payload/event/n/1", &out), LCBOT_OK);
    CHECK_DOC(out && strcmp(out, "2") == 0, out);
    lcbot_string_free(out);
    st = lcbot_json_get(doc, "/payload/missing", &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "/payload/missing", 0);
    lcbot_string_free(out);
    st = lcbot_json_get(doc, "payload", &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "start with", 0);
    lcbot_string_free(out);
    st = lcbot_json_get("{\"a\":", "/a", &out);
    CHECK_ERROR(st, out, LCBOT_ERR_INVALID_JSON, "invalid_json", NULL, 0);
    lcbot_string_free(out);
    st = lcbot_json_get(NULL, "/a", &out);
    CHECK_ERROR(st, out, LCBOT_ERR_NULL_ARGUMENT, "null_argument", "json", 0);
    lcbot_string_free(out);
    CHECK_INT(lcbot_json_get(doc, "", NULL), LCBOT_ERR_NULL_ARGUMENT);
}

int main(int argc, char **argv) {
    json_get();
    if (argc > 1) token_lifetime_ms = atol(argv[1]);
    scenario("3.0");
    scenario("3.2");
    scenario("3.4");
    scenario("3.6");
    shared_renewal();
    bad_input();
    return check_finish();
}
