/*
 * The whole life of a bot, against the embedded emulator (or, with
 * LIVECHAT_TOKEN set, against LiveChat itself): create, list, details,
 * update, details again, remove, list again. Prints each document.
 *
 *   make demo
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "livechat_bots.h"

/* Prints a call's document (result or error) and frees it. */
static int show(const char *what, int32_t status, char *doc) {
    printf("%-22s -> %s %s\n", what, status == LCBOT_OK ? "ok" : "ERROR", doc ? doc : "(none)");
    lcbot_string_free(doc);
    return status == LCBOT_OK ? 0 : 1;
}

/* Copies the value of "bot_agent_id" out of a create answer. */
static int read_id(const char *doc, char *id, size_t size) {
    const char *key = "\"bot_agent_id\":\"";
    const char *start = strstr(doc, key);
    if (!start) return 1;
    start += strlen(key);
    const char *end = strchr(start, '"');
    if (!end || (size_t)(end - start) >= size) return 1;
    memcpy(id, start, (size_t)(end - start));
    id[end - start] = '\0';
    return 0;
}

int main(void) {
    char *doc = NULL;
    char config[512];
    lcbot_emulator *emulator = NULL;
    const char *token = getenv("LIVECHAT_TOKEN");

    printf("livechat-bots %s (ABI %u)\n", lcbot_version(), (unsigned)lcbot_abi_version());
    if (token) {
        snprintf(config, sizeof config, "{\"token\":\"%s\"}", token);
    } else {
        if (lcbot_emulator_start(NULL, &emulator, &doc) != LCBOT_OK) {
            fprintf(stderr, "emulator: %s\n", doc);
            lcbot_string_free(doc);
            return 1;
        }
        printf("emulator at %s (token dev-token)\n", lcbot_emulator_url(emulator));
        snprintf(config, sizeof config, "{\"token\":\"dev-token\",\"base_url\":\"%s\"}", lcbot_emulator_url(emulator));
    }

    lcbot_client *client = NULL;
    if (lcbot_client_new(config, &client, &doc) != LCBOT_OK) {
        fprintf(stderr, "client: %s\n", doc);
        lcbot_string_free(doc);
        lcbot_emulator_stop(emulator);
        return 1;
    }

    int failures = 0;
    /* The call runs first: C leaves the order of a function's arguments open. */
#define RUN(what, call) do { int32_t status_ = (call); failures += show(what, status_, doc); } while (0)
    char id[128] = "";
    int32_t status = lcbot_create_bot_agent(client,
        "{\"name\":\"Quickstart Bot\",\"status\":\"accepting chats\","
        "\"groups\":[{\"id\":0,\"priority\":\"first\"}]}", NULL, &doc);
    if (status == LCBOT_OK && read_id(doc, id, sizeof id) != 0) status = LCBOT_ERR_DECODE;
    failures += show("create_bot_agent", status, doc);

    if (!failures) {
        char request[256];
        snprintf(request, sizeof request, "{\"bot_agent_id\":\"%s\"}", id);

        RUN("get_bot_agents", lcbot_get_bot_agents(client, "{\"all\":false}", NULL, &doc));
        RUN("get_bot_agent_details", lcbot_get_bot_agent_details(client, request, NULL, &doc));

        char update[256];
        snprintf(update, sizeof update,
                 "{\"id\":\"%s\",\"name\":\"Renamed Bot\",\"max_chats_count\":10}", id);
        RUN("update_bot_agent", lcbot_update_bot_agent(client, update, NULL, &doc));
        RUN("get_bot_agent_details", lcbot_get_bot_agent_details(client, request, NULL, &doc));
        RUN("remove_bot_agent", lcbot_remove_bot_agent(client, request, NULL, &doc));
        RUN("get_bot_agents", lcbot_get_bot_agents(client, "{}", NULL, &doc));
    }

    /* A mistake is caught before anything is sent, with the path in the message. */
    status = lcbot_create_bot_agent(client,
        "{\"name\":\"Bad\",\"status\":\"accepting chats\",\"groups\":[{\"id\":1,\"priority\":\"supervisor\"}]}", NULL, &doc);
    printf("%-22s -> expected error %d: %s\n", "invalid create", (int)status, doc);
    lcbot_string_free(doc);

    lcbot_client_free(client);
    lcbot_emulator_stop(emulator);
    return failures ? 1 : 0;
}
