/*
 * test_templates.c: bot templates and batches of bot actions from C,
 * against the emulator (v3.5 and v3.6).
 *
 * Templates: the whole lifecycle, a sixth refused, an unknown id, and an
 * installation of the application (lcbot_emulator_install_application) that
 * makes a bot with the template's id. Batches: a mixed batch answered per
 * item (a result or the error document a single call gives), items checked
 * by index before anything is sent, a lost batch with every outcome
 * unknown, and the refusal on v3.4. Then bad arguments of every kind.
 * Runs natively and under valgrind (no leak, no error).
 */
#include "check.h"

static lcbot_client *new_client(const lcbot_emulator *emu, const char *version, const char *extra) {
    char config[512];
    lcbot_client *client = NULL;
    char *error = NULL;
    snprintf(config, sizeof config, "{\"token\":\"dev-token\",\"base_url\":\"%s\",\"api_version\":\"%s\"%s}",
             lcbot_emulator_url(emu), version, extra);
    CHECK_INT(lcbot_client_new(config, &client, &error), LCBOT_OK);
    lcbot_string_free(error);
    return client;
}

static void templates_lifecycle(const char *version) {
    lcbot_status st;
    lcbot_emulator *emu = NULL;
    char *out = NULL, id[128] = "", secret[128] = "", request[512];
    CHECK_INT(lcbot_emulator_start(NULL, &emu, &out), LCBOT_OK);
    lcbot_client *client = new_client(emu, version, "");

    CHECK_INT(lcbot_create_bot_template(client, "{\"name\":\"Greeter\",\"job_title\":\"Concierge\"}", NULL, &out), LCBOT_OK);
    CHECK_DOC(json_str(out, "id", id, sizeof id), out);
    CHECK_DOC(json_str(out, "secret", secret, sizeof secret), out);
    lcbot_string_free(out);

    CHECK_INT(lcbot_list_bot_templates(client, "{}", NULL, &out), LCBOT_OK);
    CHECK_HAS(out, id);
    CHECK_HAS(out, "\"name\":\"Greeter\"");
    CHECK_LACKS(out, secret);
    lcbot_string_free(out);

    snprintf(request, sizeof request, "{\"id\":\"%s\",\"name\":\"Greeter 2\"}", id);
    CHECK_INT(lcbot_update_bot_template(client, request, NULL, &out), LCBOT_OK);
    CHECK_DOC(strcmp(out, "{}") == 0, out);
    lcbot_string_free(out);

    /* Installing the application makes the template's bot, with its id. */
    CHECK_INT(lcbot_emulator_install_application(emu, "{\"client_id\":\"dev-client\"}", &out), LCBOT_OK);
    CHECK_HAS(out, id);
    lcbot_string_free(out);
    snprintf(request, sizeof request, "{\"bot_agent_id\":\"%s\"}", id);
    CHECK_INT(lcbot_get_bot_agent_details(client, request, NULL, &out), LCBOT_OK);
    CHECK_HAS(out, "\"name\":\"Greeter 2\"");
    lcbot_string_free(out);
    CHECK_INT(lcbot_emulator_templates(emu, &out), LCBOT_OK);
    CHECK_HAS(out, "\"installed\":[\"dev-client\"]");
    CHECK_LACKS(out, secret);
    lcbot_string_free(out);

    snprintf(request, sizeof request, "{\"id\":\"%s\",\"affect_existing_installations\":true}", id);
    CHECK_INT(lcbot_reset_bot_template_secret(client, request, NULL, &out), LCBOT_OK);
    CHECK_HAS(out, "\"secret\":");
    CHECK_LACKS(out, secret);
    lcbot_string_free(out);
    CHECK_INT(lcbot_delete_bot_template(client, request, NULL, &out), LCBOT_OK);
    lcbot_string_free(out);
    snprintf(request, sizeof request, "{\"bot_agent_id\":\"%s\"}", id);
    st = lcbot_get_bot_agent_details(client, request, NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_API, "api", "not_found", 1);
    lcbot_string_free(out);

    /* Five per application; an unknown id is not_found. */
    for (int i = 0; i < 5; i++) {
        CHECK_INT(lcbot_create_bot_template(client, "{\"name\":\"T\"}", NULL, &out), LCBOT_OK);
        lcbot_string_free(out);
    }
    st = lcbot_create_bot_template(client, "{\"name\":\"Sixth\"}", NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_API, "api", "limit_reached", 1);
    CHECK_HAS(out, "\"http_status\":400");
    lcbot_string_free(out);
    st = lcbot_delete_bot_template(client, "{\"id\":\"nope\"}", NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_API, "api", "not_found", 1);
    lcbot_string_free(out);

    char *log = NULL;
    CHECK_INT(lcbot_emulator_requests(emu, &log), LCBOT_OK);
    CHECK_LACKS(log, secret);
    lcbot_string_free(log);
    lcbot_client_free(client);
    lcbot_emulator_stop(emu);
}

static void batches(void) {
    lcbot_status st;
    lcbot_emulator *emu = NULL;
    char *out = NULL, id[128] = "", request[512];
    CHECK_INT(lcbot_emulator_start(NULL, &emu, &out), LCBOT_OK);
    lcbot_client *client = new_client(emu, "3.6", "");

    CHECK_INT(lcbot_batch_create_bot_agents(client, "{\"requests\":[{\"name\":\"A\"},{\"name\":\"B\",\"max_chats_count\":3}]}", NULL, &out), LCBOT_OK);
    CHECK_HAS(out, "\"succeeded\":2,\"failed\":0");
    CHECK_INT(count_of(out, "\"bot_secret\":"), 2);
    CHECK_DOC(json_str(out, "bot_agent_id", id, sizeof id), out);
    lcbot_string_free(out);

    /* A mixed batch: one removed, one unknown with the error a single call gives. */
    snprintf(request, sizeof request, "{\"requests\":[{\"bot_agent_id\":\"%s\"},{\"bot_agent_id\":\"ghost\"}]}", id);
    CHECK_INT(lcbot_batch_remove_bot_agents(client, request, NULL, &out), LCBOT_OK);
    CHECK_HAS(out, "{\"responses\":[{\"result\":{}},{\"error\":{\"code\":\"api\",\"status\":7,");
    CHECK_HAS(out, "\"http_status\":404");
    CHECK_HAS(out, "\"succeeded\":1,\"failed\":1");
    lcbot_string_free(out);
    st = lcbot_remove_bot_agent(client, "{\"bot_agent_id\":\"ghost\"}", NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_API, "api", "not_found", 1);
    lcbot_string_free(out);

    CHECK_INT(lcbot_batch_update_bot_agents(client, "{\"requests\":[{\"id\":\"ghost\",\"name\":\"G\"}]}", NULL, &out), LCBOT_OK);
    CHECK_HAS(out, "\"type\":\"not_found\"");
    lcbot_string_free(out);

    /* Every item checked, by index, before anything is sent. */
    int before = logged_requests(emu);
    st = lcbot_batch_create_bot_agents(client, "{\"requests\":[{\"name\":\"A\"},{\"name\":\"B\"},{\"name\":\"C\"},{\"name\":\"\"}]}", NULL, &out);
    CHECK_ERROR(st,
                out, LCBOT_ERR_VALIDATION, "validation", "requests[3].name: must not be empty", 0);
    lcbot_string_free(out);
    st = lcbot_batch_remove_bot_agents(client, "{\"requests\":{}}", NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "requests: expected an array", 0);
    lcbot_string_free(out);
    st = lcbot_batch_remove_bot_agents(client, "{\"requests\":[]", NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_INVALID_JSON, "invalid_json", "request_json", 0);
    lcbot_string_free(out);
    CHECK_INT(logged_requests(emu), before);

    /* A lost answer: sent once, every item's outcome unknown. */
    CHECK_INT(lcbot_emulator_inject(emu, "{\"action\":\"batch_create_bots\",\"drop_connection\":true}", &out), LCBOT_OK);
    lcbot_string_free(out);
    CHECK_INT(lcbot_batch_create_bot_agents(client, "{\"requests\":[{\"name\":\"X\"},{\"name\":\"Y\"}]}", NULL, &out), LCBOT_OK);
    CHECK_INT(count_of(out, "\"outcome\":\"unknown\""), 2);
    CHECK_HAS(out, "\"succeeded\":0,\"failed\":2");
    lcbot_string_free(out);
    lcbot_client_free(client);

    /* v3.4 has none of them: refused before sending, naming v3.5. */
    client = new_client(emu, "3.4", "");
    before = logged_requests(emu);
    st = lcbot_batch_update_bot_agents(client, "{\"requests\":[]}", NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation",
                "batch_update_bots: not in API v3.4; it exists from v3.5", 0);
    lcbot_string_free(out);
    st = lcbot_list_bot_templates(client, "{}", NULL, &out);
    CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "exists from v3.5", 0);
    lcbot_string_free(out);
    CHECK_INT(logged_requests(emu), before);
    lcbot_client_free(client);
    lcbot_emulator_stop(emu);
}

static void bad_arguments(void) {
    lcbot_emulator *emu = NULL;
    char *out = NULL;
    CHECK_INT(lcbot_emulator_start(NULL, &emu, &out), LCBOT_OK);
    lcbot_client *client = new_client(emu, "3.6", "");
    CHECK_INT(lcbot_create_bot_template(NULL, "{}", NULL, &out), LCBOT_ERR_NULL_ARGUMENT);
    CHECK_HAS(out, "client: must not be NULL");
    lcbot_string_free(out);
    CHECK_INT(lcbot_batch_create_bot_agents(client, NULL, NULL, &out), LCBOT_ERR_NULL_ARGUMENT);
    lcbot_string_free(out);
    CHECK_INT(lcbot_list_bot_templates(client, "{}", NULL, NULL), LCBOT_ERR_NULL_ARGUMENT);
    CHECK_INT(lcbot_update_bot_template(client, "{\"id\":\"\xff\"}", NULL, &out), LCBOT_ERR_INVALID_UTF8);
    lcbot_string_free(out);
    CHECK_INT(lcbot_create_bot_template(client, "[1]", NULL, &out), LCBOT_ERR_VALIDATION);
    lcbot_string_free(out);
    CHECK_INT(lcbot_create_bot_template(client, "{\"name\":\"T\",\"default_group_priority\":\"boss\"}", NULL, &out), LCBOT_ERR_VALIDATION);
    CHECK_HAS(out, "default_group_priority: expected one of");
    lcbot_string_free(out);
    CHECK_INT(lcbot_emulator_install_application(NULL, "{}", &out), LCBOT_ERR_NULL_ARGUMENT);
    lcbot_string_free(out);
    CHECK_INT(lcbot_emulator_install_application(emu, "{\"client_id\":1}", &out), LCBOT_ERR_VALIDATION);
    lcbot_string_free(out);
    CHECK_INT(lcbot_emulator_templates(emu, NULL), LCBOT_ERR_NULL_ARGUMENT);
    lcbot_client_free(client);
    lcbot_emulator_stop(emu);
}

int main(void) {
    templates_lifecycle("3.5");
    templates_lifecycle("3.6");
    batches();
    bad_arguments();
    return check_finish();
}
