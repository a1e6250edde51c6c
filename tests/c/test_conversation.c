/*
 * test_conversation.c: a bot's conversation actions on the emulator, on
 * v3.2 and v3.6: a rich message (quick replies) kept in the transcript and a
 * malformed one refused before sending; typing and thinking indicators
 * shown until the bot writes; an event preview; thread tags; chat and thread
 * properties; events marked seen; the customer read. An action a version
 * lacks is refused before sending, naming the version that has it. The
 * customer presses the buttons (lcbot_emulator_press_button): the bot is
 * told incoming_rich_message_postback and, for a message button, gets the
 * customer's message with its postback (read from the delivery log: the
 * webhooks go to a closed port).
 */
#define _POSIX_C_SOURCE 200809L
#include <time.h>
#include "check.h"

#define QUICK_REPLIES                                                                                              \
    "{\"type\":\"rich_message\",\"template_id\":\"quick_replies\",\"elements\":[{\"title\":\"Pick one\",\"buttons\":[" \
    "{\"text\":\"Orders\",\"type\":\"message\",\"value\":\"Orders\",\"postback_id\":\"orders\",\"user_ids\":[]},"   \
    "{\"text\":\"Agent\",\"type\":\"message\",\"value\":\"Agent\",\"postback_id\":\"agent\",\"user_ids\":[]}]}]}"

struct scene {
    lcbot_emulator *emu;
    lcbot_client *client;
    lcbot_bot *bot;
    char chat_id[64], thread_id[64], customer_id[64];
};

/* The emulator's whole chat document (to free). */
static char *chats(const struct scene *s) {
    char *doc = NULL;
    CHECK_INT(lcbot_emulator_chats(s->emu, &doc), LCBOT_OK);
    return doc;
}

/* A bot of group 0 accepting chats, and a chat routed to it. */
static int set_up(struct scene *s, const char *version) {
    char config[256], identity[512], id[64] = "", secret[128] = "", org[128] = "";
    char *out = NULL;
    memset(s, 0, sizeof *s);
    CHECK_INT(lcbot_emulator_start("{\"webhook_backoff_ms\":20}", &s->emu, &out), LCBOT_OK);
    snprintf(config, sizeof config, "{\"token\":\"dev-token\",\"base_url\":\"%s\",\"api_version\":\"%s\"}",
             lcbot_emulator_url(s->emu), version);
    CHECK_INT(lcbot_client_new(config, &s->client, &out), LCBOT_OK);
    /* The bot hears of clicks and messages: through its config up to v3.2, registered webhooks after. */
    CHECK_INT(lcbot_create_bot_agent(s->client,
                                     strcmp(version, "3.3") < 0
                                         ? "{\"name\":\"Talker\",\"groups\":[{\"id\":0,\"priority\":\"first\"}],\"webhooks\":{"
                                           "\"url\":\"http://127.0.0.1:1/\",\"secret_key\":\"k\",\"actions\":[{\"name\":"
                                           "\"incoming_rich_message_postback\"},{\"name\":\"incoming_event\"}]}}"
                                         : "{\"name\":\"Talker\",\"groups\":[{\"id\":0,\"priority\":\"first\"}]}",
                                     NULL, &out),
              LCBOT_OK);
    CHECK_DOC(json_str(out, "bot_agent_id", id, sizeof id), out);
    json_str(out, "bot_secret", secret, sizeof secret);
    lcbot_string_free(out);
    for (int i = 0; strcmp(version, "3.3") >= 0 && i < 2; i++) {
        char hook[256];
        out = NULL;
        snprintf(hook, sizeof hook,
                 "{\"action\":\"%s\",\"secret_key\":\"k\",\"url\":\"http://127.0.0.1:1/\",\"type\":\"bot\",\"owner_client_id\":"
                 "\"dev-client\"}",
                 i ? "incoming_event" : "incoming_rich_message_postback");
        CHECK_INT(lcbot_register_webhook(s->client, hook, NULL, &out), LCBOT_OK);
        lcbot_string_free(out);
    }
    out = NULL;
    CHECK_INT(lcbot_emulator_chats(s->emu, &out), LCBOT_OK);
    json_str(out, "organization_id", org, sizeof org);
    lcbot_string_free(out);
    out = NULL;
    if (secret[0])
        snprintf(identity, sizeof identity,
                 "{\"bot_agent_id\":\"%s\",\"bot_secret\":\"%s\",\"client_id\":\"dev-client\",\"organization_id\":\"%s\"}", id,
                 secret, org);
    else
        snprintf(identity, sizeof identity, "{\"bot_agent_id\":\"%s\"}", id);
    CHECK_INT(lcbot_bot_new(s->client, identity, &s->bot, &out), LCBOT_OK);
    lcbot_string_free(out);
    out = NULL;
    CHECK_INT(lcbot_bot_set_routing_status(s->bot, "{\"status\":\"accepting_chats\"}", NULL, &out), LCBOT_OK);
    lcbot_string_free(out);
    out = NULL;
    CHECK_INT(lcbot_emulator_start_chat(s->emu, "{\"group_id\":0,\"text\":\"Hi\"}", &out), LCBOT_OK);
    int ok = CHECK_DOC(json_str(out, "chat_id", s->chat_id, sizeof s->chat_id), out) &&
             CHECK_DOC(json_str(out, "thread_id", s->thread_id, sizeof s->thread_id), out) &&
             CHECK_DOC(json_str(out, "customer_id", s->customer_id, sizeof s->customer_id), out) &&
             CHECK_HAS(out, "\"state\":\"assigned\"");
    lcbot_string_free(out);
    return ok;
}

static void tear_down(struct scene *s) {
    lcbot_bot_free(s->bot);
    lcbot_client_free(s->client);
    lcbot_emulator_stop(s->emu);
}

/* Runs `fn` with a request built from `fmt` (one or two %s: chat, thread). */
typedef lcbot_status (*bot_fn)(const lcbot_bot *, const char *, const lcbot_call_options *, char **);

static lcbot_status act(const struct scene *s, bot_fn fn, const char *fmt, char **out) {
    char request[2048];
    snprintf(request, sizeof request, fmt, s->chat_id, s->thread_id);
    *out = NULL;
    return fn(s->bot, request, NULL, out);
}

static void expect_ok(const struct scene *s, bot_fn fn, const char *fmt) {
    char *out = NULL;
    CHECK_DOC(act(s, fn, fmt, &out) == LCBOT_OK, out);
    lcbot_string_free(out);
}

/* `fn` fails with `status`, its message containing `needle`. */
static void expect_refused(const struct scene *s, bot_fn fn, const char *fmt, int status, const char *code, const char *needle) {
    char *out = NULL;
    lcbot_status st = act(s, fn, fmt, &out);
    CHECK_ERROR(st, out, status, code, needle, -1);
    lcbot_string_free(out);
}

/* Polls the delivery log until an entry holds `a` and `b` (10 s at most). */
static int delivered_with(const struct scene *s, const char *a, const char *b) {
    for (int i = 0; i < 1000; i++) {
        char *log = NULL;
        int found = 0;
        if (lcbot_emulator_deliveries(s->emu, &log) == LCBOT_OK) {
            for (const char *p = log ? strstr(log, "{\"seq\":") : NULL; p && !found; p = strstr(p + 1, "{\"seq\":")) {
                const char *end = strstr(p + 1, "{\"seq\":");
                size_t len = end ? (size_t)(end - p) : strlen(p);
                char *entry = (char *)malloc(len + 1);
                memcpy(entry, p, len);
                entry[len] = '\0';
                found = strstr(entry, a) != NULL && strstr(entry, b) != NULL;
                free(entry);
            }
        }
        lcbot_string_free(log);
        if (found) return 1;
        struct timespec pause = {0, 10 * 1000 * 1000};
        nanosleep(&pause, NULL);
    }
    return 0;
}

/* The customer presses the quick replies of `event_id`. */
static void presses(const struct scene *s, const char *event_id) {
    char request[256], *out = NULL, message_id[64] = "";
    snprintf(request, sizeof request, "{\"chat_id\":\"%s\",\"event_id\":\"%s\",\"button_id\":\"agent\"}", s->chat_id, event_id);
    CHECK_INT(lcbot_emulator_press_button(s->emu, request, &out), LCBOT_OK);
    CHECK_HAS(out, "\"toggled\":true");
    CHECK_DOC(json_str(out, "event_id", message_id, sizeof message_id), out);
    lcbot_string_free(out);
    CHECK(delivered_with(s, "\"action\":\"incoming_rich_message_postback\"", "\"postback\":{\"id\":\"agent\",\"toggled\":true"));
    CHECK(delivered_with(s, message_id, "\"postback\":{\"id\":\"agent\",\"thread_id\":"));
    char *doc = chats(s);
    CHECK_HAS(doc, "\"text\":\"Agent\"");
    CHECK_HAS(doc, "\"user_ids\":[\"");
    lcbot_string_free(doc);
    /* Pressed again, the press is taken back: no message. */
    out = NULL;
    CHECK_INT(lcbot_emulator_press_button(s->emu, request, &out), LCBOT_OK);
    CHECK_HAS(out, "\"toggled\":false,\"event_id\":null");
    lcbot_string_free(out);
    snprintf(request, sizeof request, "{\"chat_id\":\"%s\",\"event_id\":\"%s\",\"button_id\":\"nope\"}", s->chat_id, event_id);
    out = NULL;
    lcbot_status st = lcbot_emulator_press_button(s->emu, request, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "button_id", -1);
    lcbot_string_free(out);
}

static void conversation(const char *version) {
    struct scene s;
    char *out = NULL, *doc = NULL, needle[256];
    int v36 = strcmp(version, "3.6") == 0;
    if (!set_up(&s, version)) {
        tear_down(&s);
        return;
    }

    /* A rich message: sent, kept in the transcript with its buttons, pressed. */
    char rich_id[64] = "";
    CHECK_INT(act(&s, lcbot_bot_send_event, "{\"chat_id\":\"%s\",\"event\":" QUICK_REPLIES "}", &out), LCBOT_OK);
    CHECK_DOC(json_str(out, "event_id", rich_id, sizeof rich_id), out);
    lcbot_string_free(out);
    doc = chats(&s);
    CHECK_HAS(doc, "\"template_id\":\"quick_replies\"");
    CHECK_HAS(doc, "\"postback_id\":\"agent\"");
    lcbot_string_free(doc);
    presses(&s, rich_id);
    /* A malformed one is refused before sending, the field named. */
    expect_refused(&s, lcbot_bot_send_event,
                   "{\"chat_id\":\"%s\",\"event\":{\"type\":\"rich_message\",\"template_id\":\"cards\",\"elements\":[{\"buttons\":"
                   "[{\"text\":\"x\",\"type\":\"file\",\"value\":\"v\",\"postback_id\":\"p\",\"user_ids\":[]}]}]}}",
                   LCBOT_ERR_VALIDATION, "validation", "event.elements[0].buttons[0].type");

    /* Typing shows until the bot writes. */
    expect_ok(&s, lcbot_bot_send_typing_indicator, "{\"chat_id\":\"%s\",\"is_typing\":true}");
    doc = chats(&s);
    CHECK_HAS(doc, "\"indicator\":{\"kind\":\"typing\"");
    lcbot_string_free(doc);
    expect_ok(&s, lcbot_bot_send_event, "{\"chat_id\":\"%s\",\"event\":{\"type\":\"message\",\"text\":\"Here\"}}");
    doc = chats(&s);
    CHECK_HAS(doc, "\"indicator\":null");
    lcbot_string_free(doc);

    /* Thinking and previews: v3.6 only, refused before sending on v3.2. */
    if (v36) {
        expect_ok(&s, lcbot_bot_send_thinking_indicator, "{\"chat_id\":\"%s\",\"title\":\"Checking your order\"}");
        doc = chats(&s);
        CHECK_HAS(doc, "\"kind\":\"thinking\"");
        CHECK_HAS(doc, "\"title\":\"Checking your order\"");
        lcbot_string_free(doc);
        expect_ok(&s, lcbot_bot_send_event_preview, "{\"chat_id\":\"%s\",\"event\":{\"type\":\"message\",\"text\":\"Your ord\"}}");
        doc = chats(&s);
        CHECK_HAS(doc, "\"kind\":\"preview\"");
        lcbot_string_free(doc);
    } else {
        expect_refused(&s, lcbot_bot_send_thinking_indicator, "{\"chat_id\":\"%s\"}", LCBOT_ERR_VALIDATION, "validation",
                       "send_thinking_indicator: not in API v3.2; it exists from v3.6");
        expect_refused(&s, lcbot_bot_send_event_preview, "{\"chat_id\":\"%s\",\"event\":{\"type\":\"message\",\"text\":\"a\"}}",
                       LCBOT_ERR_VALIDATION, "validation", "it exists from v3.6");
    }

    /* Tags and properties show on the chat. */
    expect_ok(&s, lcbot_bot_tag_thread, "{\"chat_id\":\"%s\",\"thread_id\":\"%s\",\"tag\":\"menu\"}");
    expect_ok(&s, lcbot_bot_tag_thread, "{\"chat_id\":\"%s\",\"thread_id\":\"%s\",\"tag\":\"vip\"}");
    expect_ok(&s, lcbot_bot_untag_thread, "{\"chat_id\":\"%s\",\"thread_id\":\"%s\",\"tag\":\"menu\"}");
    expect_refused(&s, lcbot_bot_untag_thread, "{\"chat_id\":\"%s\",\"thread_id\":\"%s\",\"tag\":\"menu\"}", LCBOT_ERR_API,
                   "api", "Tag menu not found");
    expect_ok(&s, lcbot_bot_update_chat_properties, "{\"id\":\"%s\",\"properties\":{\"menu\":{\"step\":\"start\",\"visits\":2}}}");
    expect_ok(&s, lcbot_bot_delete_chat_properties, "{\"id\":\"%s\",\"properties\":{\"menu\":[\"visits\"]}}");
    expect_ok(&s, lcbot_bot_update_thread_properties,
              "{\"chat_id\":\"%s\",\"thread_id\":\"%s\",\"properties\":{\"menu\":{\"choice\":\"orders\"}}}");
    expect_ok(&s, lcbot_bot_mark_events_as_seen, "{\"chat_id\":\"%s\",\"seen_up_to\":\"2030-01-01T00:00:00.000000Z\"}");
    doc = chats(&s);
    snprintf(needle, sizeof needle, "\"tags\":{\"%s\":[\"vip\"]}", s.thread_id);
    CHECK_HAS(doc, needle);
    CHECK_HAS(doc, "\"properties\":{\"menu\":{\"step\":\"start\"}}");
    snprintf(needle, sizeof needle, "\"thread_properties\":{\"%s\":{\"menu\":{\"choice\":\"orders\"}}}", s.thread_id);
    CHECK_HAS(doc, needle);
    CHECK_HAS(doc, "\"2030-01-01T00:00:00.000000Z\"");
    lcbot_string_free(doc);
    /* The bot reads them back as get_chat answers. */
    CHECK_INT(act(&s, lcbot_bot_get_chat, "{\"chat_id\":\"%s\"}", &out), LCBOT_OK);
    CHECK_HAS(out, "\"tags\":[\"vip\"]");
    CHECK_HAS(out, "\"choice\":\"orders\"");
    lcbot_string_free(out);

    /* The customer. */
    snprintf(needle, sizeof needle, "{\"id\":\"%s\"}", s.customer_id);
    out = NULL;
    CHECK_INT(lcbot_bot_get_customer(s.bot, needle, NULL, &out), LCBOT_OK);
    CHECK_HAS(out, s.customer_id);
    CHECK_HAS(out, s.chat_id);
    lcbot_string_free(out);
    expect_refused(&s, lcbot_bot_get_customer, "{\"customer_id\":\"%s\"}", LCBOT_ERR_VALIDATION, "validation", "customer_id");
    tear_down(&s);
}

/* The handoff to humans: a chat transferred to the humans' group goes to
 * its agent, the next one waits in the queue while she is busy, she answers
 * from her seat, and the queued chat is hers once the first one ends. */
static void handoff(void) {
    lcbot_emulator *emu = NULL;
    lcbot_client *client = NULL;
    lcbot_bot *bot = NULL;
    char *out = NULL, id[64] = "", first[64] = "", second[64] = "", request[256];
    CHECK_INT(lcbot_emulator_start("{\"agents\":[{\"id\":\"anna@example.com\",\"name\":\"Anna\",\"groups\":[1],\"max_chats\":1}]}",
                                   &emu, &out),
              LCBOT_OK);
    lcbot_string_free(out);
    out = NULL;
    lcbot_emulator *refused = NULL;
    CHECK_INT(lcbot_emulator_start("{\"agents\":[{\"id\":\"\",\"groups\":[1]}]}", &refused, &out), LCBOT_ERR_VALIDATION);
    CHECK(refused == NULL);
    CHECK_HAS(out, "agents[0].id");
    lcbot_string_free(out);
    snprintf(request, sizeof request, "{\"token\":\"dev-token\",\"base_url\":\"%s\",\"api_version\":\"3.4\"}", lcbot_emulator_url(emu));
    out = NULL;
    CHECK_INT(lcbot_client_new(request, &client, &out), LCBOT_OK);
    CHECK_INT(lcbot_create_bot_agent(client, "{\"name\":\"Front\",\"groups\":[{\"id\":0,\"priority\":\"first\"}]}", NULL, &out), LCBOT_OK);
    CHECK_DOC(json_str(out, "bot_agent_id", id, sizeof id), out);
    lcbot_string_free(out);
    snprintf(request, sizeof request, "{\"bot_agent_id\":\"%s\"}", id);
    out = NULL;
    CHECK_INT(lcbot_bot_new(client, request, &bot, &out), LCBOT_OK);
    CHECK_INT(lcbot_bot_set_routing_status(bot, "{\"status\":\"accepting_chats\"}", NULL, &out), LCBOT_OK);
    lcbot_string_free(out);
    for (int i = 0; i < 2; i++) {
        char *chat_id = i ? second : first;
        out = NULL;
        CHECK_INT(lcbot_emulator_start_chat(emu, "{\"group_id\":0,\"text\":\"I want a human\"}", &out), LCBOT_OK);
        CHECK_DOC(json_str(out, "chat_id", chat_id, 64), out);
        lcbot_string_free(out);
        snprintf(request, sizeof request, "{\"id\":\"%s\",\"target\":{\"type\":\"group\",\"ids\":[1]},\"ignore_agents_availability\":true}", chat_id);
        out = NULL;
        CHECK_INT(lcbot_bot_transfer_chat(bot, request, NULL, &out), LCBOT_OK);
        lcbot_string_free(out);
    }
    out = NULL;
    CHECK_INT(lcbot_emulator_agents(emu, &out), LCBOT_OK);
    snprintf(request, sizeof request, "\"chats\":[\"%s\"]", first);
    CHECK_HAS(out, request);
    lcbot_string_free(out);
    char *doc = NULL;
    CHECK_INT(lcbot_emulator_chats(emu, &doc), LCBOT_OK);
    snprintf(request, sizeof request, "\"chat_id\":\"%s\",\"group_id\":1,", second);
    CHECK_HAS(doc, request);
    CHECK_HAS(doc, "\"state\":\"queued\"");
    lcbot_string_free(doc);
    /* Anna answers the first; the second is not hers yet. */
    snprintf(request, sizeof request, "{\"chat_id\":\"%s\",\"agent_id\":\"anna@example.com\",\"text\":\"Anna here\"}", first);
    out = NULL;
    CHECK_INT(lcbot_emulator_agent_send_message(emu, request, &out), LCBOT_OK);
    CHECK_HAS(out, "\"event_id\"");
    lcbot_string_free(out);
    snprintf(request, sizeof request, "{\"chat_id\":\"%s\",\"agent_id\":\"anna@example.com\",\"text\":\"x\"}", second);
    out = NULL;
    lcbot_status st = lcbot_emulator_agent_send_message(emu, request, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "is not in chat", -1);
    lcbot_string_free(out);
    snprintf(request, sizeof request, "{\"chat_id\":\"%s\"}", first);
    out = NULL;
    CHECK_INT(lcbot_emulator_close_chat(emu, request, &out), LCBOT_OK);
    lcbot_string_free(out);
    out = NULL;
    CHECK_INT(lcbot_emulator_agents(emu, &out), LCBOT_OK);
    snprintf(request, sizeof request, "\"chats\":[\"%s\"]", second);
    CHECK_HAS(out, request);
    lcbot_string_free(out);
    doc = NULL;
    CHECK_INT(lcbot_emulator_chats(emu, &doc), LCBOT_OK);
    CHECK_HAS(doc, "\"author_type\":\"agent\",\"type\":\"message\",\"text\":\"Anna here\"");
    lcbot_string_free(doc);
    lcbot_bot_free(bot);
    lcbot_client_free(client);
    lcbot_emulator_stop(emu);
}

int main(void) {
    char *out = NULL;
    conversation("3.2");
    conversation("3.6");
    handoff();
    CHECK_INT(lcbot_bot_tag_thread(NULL, "{}", NULL, &out), LCBOT_ERR_NULL_ARGUMENT);
    lcbot_string_free(out);
    return check_finish();
}
