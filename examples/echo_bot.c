/*
 * An echo bot in C: it answers every customer message with "echo: <text>".
 *
 * It creates a bot, serves its own webhook receiver on 127.0.0.1, asks
 * LiveChat to send the bot's webhooks there, goes online and answers what
 * arrives. With no LIVECHAT_TOKEN it runs against the embedded emulator,
 * which also plays a customer who writes three messages; the bot's
 * answers are then printed as the chat's transcript.
 *
 *   make demo                          (the emulator, API v3.6)
 *   LIVECHAT_API_VERSION=3.2 ./echo_bot
 *   LIVECHAT_TOKEN=... LIVECHAT_CLIENT_ID=... LIVECHAT_ORGANIZATION_ID=... \
 *   ECHO_BOT_PUBLIC_URL=https://bot.example.com/ ./echo_bot     (LiveChat: runs until killed)
 *
 * LCBOT_EMULATOR_CONFIG (JSON) configures the emulator, e.g. with faults;
 * ECHO_BOT_PORT fixes the receiver's port (for a tunnel to it).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include "livechat_bots.h"

static lcbot_bot *bot;
static char bot_id[64];
static char secrets[128]; /* the accepted secret_key values, a JSON list */

/* Messages already answered (chat and event id): LiveChat may deliver an
 * event twice, and a chat's first message comes with incoming_chat. */
static char seen[512][96];
static int seen_count;
static pthread_mutex_t seen_lock = PTHREAD_MUTEX_INITIALIZER;

static int first_time(const char *chat, const char *event) {
    char key[96];
    int fresh = 1;
    snprintf(key, sizeof key, "%s/%s", chat, event);
    pthread_mutex_lock(&seen_lock);
    for (int i = 0; i < seen_count && fresh; i++) fresh = strcmp(seen[i], key) != 0;
    if (fresh && seen_count < 512) snprintf(seen[seen_count++], sizeof seen[0], "%s", key);
    pthread_mutex_unlock(&seen_lock);
    return fresh;
}

/* The value at `pointer` in `doc`, to free with lcbot_string_free, or NULL. */
static char *get(const char *doc, const char *pointer) {
    char *value = NULL;
    if (lcbot_json_get(doc, pointer, &value) != LCBOT_OK) {
        lcbot_string_free(value);
        return NULL;
    }
    return value;
}

/* Answers the event at `at` (a JSON pointer into `doc`) if it is a customer's
 * message not answered yet. */
static void answer(const char *doc, const char *chat, const char *at) {
    char pointer[128];
    snprintf(pointer, sizeof pointer, "%s/id", at);
    char *id = get(doc, pointer);
    snprintf(pointer, sizeof pointer, "%s/type", at);
    char *type = get(doc, pointer);
    snprintf(pointer, sizeof pointer, "%s/author_id", at);
    char *author = get(doc, pointer);
    snprintf(pointer, sizeof pointer, "%s/text", at);
    char *text = get(doc, pointer);
    if (id && type && author && text && strcmp(type, "message") == 0 && strcmp(author, bot_id) != 0 && first_time(chat, id)) {
        /* The text goes into JSON: let the library quote it. */
        size_t size = strlen(text) + 8;
        char *reply = malloc(size), *quoted = NULL, *request, *sent = NULL;
        snprintf(reply, size, "echo: %s", text);
        lcbot_json_quote(reply, &quoted);
        size = strlen(quoted) + strlen(chat) + 100;
        request = malloc(size);
        snprintf(request, size, "{\"chat_id\":\"%s\",\"event\":{\"type\":\"message\",\"text\":%s,\"visibility\":\"all\"}}", chat,
                 quoted);
        if (lcbot_bot_send_event(bot, request, NULL, &sent) != LCBOT_OK) fprintf(stderr, "send_event: %s\n", sent);
        lcbot_string_free(sent);
        lcbot_string_free(quoted);
        free(request);
        free(reply);
    }
    lcbot_string_free(id);
    lcbot_string_free(type);
    lcbot_string_free(author);
    lcbot_string_free(text);
}

/* A verified webhook: a new chat (its first messages) or a new event. */
static void handle(const char *event) {
    char *action = get(event, "/action");
    if (action && strcmp(action, "incoming_event") == 0) {
        char *chat = get(event, "/payload/chat_id");
        if (chat) answer(event, chat, "/payload/event");
        lcbot_string_free(chat);
    } else if (action && strcmp(action, "incoming_chat") == 0) {
        char *chat = get(event, "/payload/chat/id"), at[64], *present;
        for (int i = 0; chat; i++) {
            snprintf(at, sizeof at, "/payload/chat/thread/events/%d", i);
            if (!(present = get(event, at))) break;
            lcbot_string_free(present);
            answer(event, chat, at);
        }
        lcbot_string_free(chat);
    }
    lcbot_string_free(action);
}

/* Serves one HTTP request: reads the body, verifies it, answers. */
static void serve(int fd) {
    static char buf[1 << 20];
    size_t got = 0, body_len = 0;
    char *body = NULL;
    ssize_t n;
    while (got < sizeof buf - 1 && (n = read(fd, buf + got, sizeof buf - 1 - got)) > 0) {
        got += (size_t)n;
        buf[got] = '\0';
        char *end = strstr(buf, "\r\n\r\n");
        char *length = strcasestr(buf, "\r\ncontent-length:");
        if (end && length) {
            body = end + 4;
            body_len = strtoul(length + 17, NULL, 10);
            if ((size_t)(buf + got - body) >= body_len) break;
        }
    }
    int status = 400;
    if (body && (size_t)(buf + got - body) >= body_len) {
        char *event = NULL;
        lcbot_status rc = lcbot_webhook_verify(secrets, (const uint8_t *)body, body_len, NULL, &event);
        status = rc == LCBOT_OK ? 200 : rc == LCBOT_ERR_SECRET_MISMATCH ? 401 : rc == LCBOT_ERR_TOO_LARGE ? 413 : 400;
        if (rc == LCBOT_OK) handle(event);
        lcbot_string_free(event);
    }
    char answer[128];
    int len = snprintf(answer, sizeof answer, "HTTP/1.1 %d %s\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status,
                       status == 200 ? "OK" : "Error");
    if (write(fd, answer, (size_t)len) < 0) perror("write");
    close(fd);
}

static int listener = -1;

/* Serves until the listening socket is shut down. */
static void *receiver(void *unused) {
    (void)unused;
    for (int fd; (fd = accept(listener, NULL, NULL)) >= 0;) serve(fd);
    return NULL;
}

/* Listens on 127.0.0.1 (ECHO_BOT_PORT, or a free port) and serves from a
 * thread of its own. */
static int start_receiver(pthread_t *thread, int *port) {
    struct sockaddr_in addr = {0};
    socklen_t len = sizeof addr;
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons((uint16_t)atoi(getenv("ECHO_BOT_PORT") ? getenv("ECHO_BOT_PORT") : "0"));
    listener = socket(AF_INET, SOCK_STREAM, 0);
    if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 16) != 0 ||
        getsockname(listener, (struct sockaddr *)&addr, &len) != 0)
        return 1;
    *port = ntohs(addr.sin_port);
    return pthread_create(thread, NULL, receiver, NULL) != 0;
}

/* Stops the receiver: its thread's accept() fails and the thread ends. */
static void stop_receiver(pthread_t thread) {
    shutdown(listener, SHUT_RDWR);
    pthread_join(thread, NULL);
    close(listener);
}

/* On failure prints the error document in *doc and gives up; on success
 * frees *doc unless `keep`, and leaves it to the caller otherwise. */
static void must_keep(lcbot_status rc, const char *what, char **doc, int keep) {
    if (rc != LCBOT_OK) {
        fprintf(stderr, "%s: %s\n", what, *doc ? *doc : "(no document)");
        exit(1);
    }
    if (!keep) {
        lcbot_string_free(*doc);
        *doc = NULL;
    }
}
#define must(call, what, doc) must_keep((call), (what), (doc), 0)
#define keep(call, what, doc) must_keep((call), (what), (doc), 1)

/* How many echoes the emulator's chats hold, the chats document in *chats. */
static int echoes_in(const lcbot_emulator *emulator, char **chats) {
    int n = 0;
    lcbot_string_free(*chats);
    *chats = NULL;
    keep(lcbot_emulator_chats(emulator, chats), "chats", chats);
    for (const char *p = strstr(*chats, "\"text\":\"echo: "); p; p = strstr(p + 1, "\"text\":\"echo: ")) n++;
    return n;
}

/* Polls `done` every 10 ms for up to 10 s. */
static int wait_for(int (*done)(const lcbot_emulator *, int), const lcbot_emulator *emulator, int arg) {
    for (time_t deadline = time(NULL) + 10; time(NULL) < deadline; usleep(10 * 1000))
        if (done(emulator, arg)) return 1;
    return 0;
}

static int has_echoes(const lcbot_emulator *emulator, int n) {
    char *chats = NULL;
    int got = echoes_in(emulator, &chats);
    lcbot_string_free(chats);
    return got >= n;
}

static int deliveries_settled(const lcbot_emulator *emulator, int unused) {
    char *doc = NULL, *pending;
    (void)unused;
    keep(lcbot_emulator_deliveries(emulator, &doc), "deliveries", &doc);
    pending = get(doc, "/pending");
    int settled = pending && strcmp(pending, "0") == 0;
    lcbot_string_free(pending);
    lcbot_string_free(doc);
    return settled;
}

/* The customer's side, played by the emulator: three messages, each after
 * the echo of the one before; then the transcript, once every webhook
 * delivery is settled (so a message answered twice would show). */
static int play_customer(const lcbot_emulator *emulator) {
    const char *messages[] = {"Hello!", "Where is my order?", "Thanks, bye"};
    char *doc = NULL, *chat_id = NULL, *chats = NULL, request[256];
    int ok = 1;
    for (int i = 0; i < 3 && ok; i++) {
        if (i == 0) {
            keep(lcbot_emulator_start_chat(emulator, "{\"group_id\":0,\"text\":\"Hello!\"}", &doc), "start_chat", &doc);
            chat_id = get(doc, "/chat_id");
            lcbot_string_free(doc);
            doc = NULL;
        } else {
            snprintf(request, sizeof request, "{\"chat_id\":\"%s\",\"text\":\"%s\"}", chat_id, messages[i]);
            must(lcbot_emulator_send_message(emulator, request, &doc), "send_message", &doc);
        }
        ok = wait_for(has_echoes, emulator, i + 1);
    }
    wait_for(deliveries_settled, emulator, 0);
    int echoes = echoes_in(emulator, &chats);
    printf("transcript of chat %s:\n", chat_id);
    for (int i = 0;; i++) {
        char pointer[64];
        snprintf(pointer, sizeof pointer, "/chats/0/transcript/%d/author_type", i);
        char *who = get(chats, pointer);
        if (!who) break;
        snprintf(pointer, sizeof pointer, "/chats/0/transcript/%d/text", i);
        char *text = get(chats, pointer);
        printf("  %-8s %s\n", who, text ? text : "");
        lcbot_string_free(who);
        lcbot_string_free(text);
    }
    keep(lcbot_emulator_deliveries(emulator, &doc), "deliveries", &doc);
    char *delivered = get(doc, "/delivered"), *retried = get(doc, "/retried");
    printf("webhook deliveries: %s delivered, %s retried\n", delivered, retried);
    lcbot_string_free(delivered);
    lcbot_string_free(retried);
    lcbot_string_free(doc);
    lcbot_string_free(chats);
    lcbot_string_free(chat_id);
    return ok && echoes == 3 ? 0 : 1;
}

int main(void) {
    const char *token = getenv("LIVECHAT_TOKEN"), *version = getenv("LIVECHAT_API_VERSION");
    const char *client_id = getenv("LIVECHAT_CLIENT_ID"), *organization = getenv("LIVECHAT_ORGANIZATION_ID");
    char config[1024], request[1024], url[512], secret[64], *doc = NULL, *bot_secret = NULL, *org = NULL;
    lcbot_emulator *emulator = NULL;
    lcbot_client *client = NULL;
    pthread_t receiver_thread;
    int port;

    if (!version) version = "3.6";
    if (token && (!client_id || !organization || !getenv("ECHO_BOT_PUBLIC_URL"))) {
        fprintf(stderr, "with LIVECHAT_TOKEN, set LIVECHAT_CLIENT_ID, LIVECHAT_ORGANIZATION_ID and ECHO_BOT_PUBLIC_URL "
                        "(a URL LiveChat can reach that leads to this program's receiver, e.g. a tunnel to ECHO_BOT_PORT)\n");
        return 2;
    }
    if (token) {
        snprintf(config, sizeof config, "{\"token\":\"%s\",\"api_version\":\"%s\"}", token, version);
    } else {
        must(lcbot_emulator_start(getenv("LCBOT_EMULATOR_CONFIG"), &emulator, &doc), "emulator", &doc);
        snprintf(config, sizeof config, "{\"token\":\"dev-token\",\"base_url\":\"%s\",\"api_version\":\"%s\"}",
                 lcbot_emulator_url(emulator), version);
        client_id = "dev-client";
        keep(lcbot_emulator_chats(emulator, &doc), "emulator state", &doc);
        organization = org = get(doc, "/organization_id");
        lcbot_string_free(doc);
    }
    must(lcbot_client_new(config, &client, &doc), "client", &doc);

    /* The receiver, and a secret_key only this run knows. */
    if (start_receiver(&receiver_thread, &port) != 0) return perror("receiver"), 1;
    snprintf(url, sizeof url, "%s", getenv("ECHO_BOT_PUBLIC_URL") ? getenv("ECHO_BOT_PUBLIC_URL") : "");
    if (!url[0]) snprintf(url, sizeof url, "http://127.0.0.1:%d/webhook", port);
    unsigned char random[16];
    FILE *urandom = fopen("/dev/urandom", "rb");
    if (!urandom || fread(random, 1, sizeof random, urandom) != sizeof random) return perror("/dev/urandom"), 1;
    fclose(urandom);
    for (size_t i = 0; i < sizeof random; i++) snprintf(secret + 2 * i, 3, "%02x", random[i]);
    snprintf(secrets, sizeof secrets, "[\"%s\"]", secret);

    /* The bot: up to v3.2 its webhooks are part of it (new chats, and new
     * events with a filter that keeps its own messages from waking it). */
    int v30 = strcmp(version, "3.0") == 0, old = strcmp(version, "3.3") < 0;
    char webhooks[700] = "";
    if (old)
        snprintf(webhooks, sizeof webhooks,
                 ",\"status\":\"offline\",\"webhooks\":{\"url\":\"%s\",\"secret_key\":\"%s\",\"actions\":[{\"name\":\"%s\"},"
                 "{\"name\":\"incoming_event\"%s}]}",
                 url, secret, strcmp(version, "3.2") < 0 ? "incoming_chat_thread" : "incoming_chat",
                 v30 ? "" : ",\"filters\":{\"author_type\":\"customer\"}");
    snprintf(request, sizeof request, "{\"name\":\"Echo\",\"max_chats_count\":10,\"groups\":[{\"id\":0,\"priority\":\"first\"}]%s}",
             webhooks);
    keep(lcbot_create_bot_agent(client, request, NULL, &doc), "create_bot_agent", &doc);
    char *id = get(doc, "/bot_agent_id");
    snprintf(bot_id, sizeof bot_id, "%s", id);
    bot_secret = get(doc, "/bot_secret");
    lcbot_string_free(id);
    lcbot_string_free(doc);
    if (strcmp(version, "3.5") >= 0)
        snprintf(request, sizeof request,
                 "{\"bot_agent_id\":\"%s\",\"bot_secret\":\"%s\",\"client_id\":\"%s\",\"organization_id\":\"%s\"}", bot_id,
                 bot_secret, client_id, organization);
    else
        snprintf(request, sizeof request, "{\"bot_agent_id\":\"%s\"}", bot_id);
    lcbot_string_free(bot_secret);
    must(lcbot_bot_new(client, request, &bot, &doc), "bot", &doc);

    /* From v3.3 a bot's webhooks are registered for its application. */
    if (!old) {
        const char *filters[] = {"{\"chat_presence\":{\"my_bots\":true}}",
                                 "{\"author_type\":\"customer\",\"chat_presence\":{\"my_bots\":true}}"};
        const char *actions[] = {"incoming_chat", "incoming_event"};
        for (int i = 0; i < 2; i++) {
            snprintf(request, sizeof request,
                     "{\"action\":\"%s\",\"secret_key\":\"%s\",\"url\":\"%s\",\"type\":\"bot\",\"owner_client_id\":\"%s\",\"filters\":%s}",
                     actions[i], secret, url, client_id, filters[i]);
            must(lcbot_register_webhook(client, request, NULL, &doc), "register_webhook", &doc);
        }
    }
    must(lcbot_bot_set_routing_status(bot, "{\"status\":\"accepting_chats\"}", NULL, &doc), "set_routing_status", &doc);
    printf("echo bot %s online on API v%s, webhooks to %s\n", bot_id, version, url);

    int failed = 0;
    if (emulator) {
        failed = play_customer(emulator);
    } else {
        for (;;) pause();
    }
    stop_receiver(receiver_thread);
    lcbot_bot_free(bot);
    lcbot_client_free(client);
    lcbot_emulator_stop(emulator);
    lcbot_string_free(org);
    return failed;
}
