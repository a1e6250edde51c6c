/*
 * test_environment.c: a client made from a config document takes what the
 * document leaves out from LIVECHAT_BASE_URL, LIVECHAT_TOKEN,
 * LIVECHAT_API_VERSION and LIVECHAT_REGION; what the document says wins; a
 * bad variable is named in the error, a token never shown.
 *
 * The variables are set on the main thread while no call is in flight (the
 * emulator's threads wait on their sockets and never read the environment).
 */
#define _POSIX_C_SOURCE 200809L
#include "check.h"

static const char *names[] = {"LIVECHAT_BASE_URL", "LIVECHAT_TOKEN", "LIVECHAT_API_VERSION", "LIVECHAT_REGION"};

static void clear_environment(void) {
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) unsetenv(names[i]);
}

/* A client of `config`, or NULL with the error document in *error. */
static lcbot_client *client_of(const char *config, char **error) {
    lcbot_client *client = NULL;
    *error = NULL;
    lcbot_client_new(config, &client, error);
    return client;
}

static void the_environment_aims_a_client_without_settings(const lcbot_emulator *emu) {
    char *error = NULL, *out = NULL;
    setenv("LIVECHAT_BASE_URL", lcbot_emulator_url(emu), 1);
    setenv("LIVECHAT_TOKEN", "dev-token", 1);
    setenv("LIVECHAT_API_VERSION", "3.6", 1);
    lcbot_client *client = client_of("{}", &error);
    CHECK_DOC(client != NULL, error);
    CHECK_INT(lcbot_client_settings(client, &out), LCBOT_OK);
    CHECK_HAS(out, "\"api_version\":\"3.6\"");
    CHECK_HAS(out, lcbot_emulator_url(emu));
    CHECK_HAS(out, "\"region\":null");
    CHECK_LACKS(out, "dev-token");
    lcbot_string_free(out);
    /* The call reaches the emulator, in v3.6's name. */
    CHECK_INT(lcbot_get_bot_agents(client, "{}", NULL, &out), LCBOT_OK);
    CHECK_HAS(out, "\"bot_agents\":[]");
    lcbot_string_free(out);
    lcbot_client_free(client);
    lcbot_string_free(error);
    /* (the emulator is in dal: a client sent to fra is only looked at) */
    setenv("LIVECHAT_REGION", "fra", 1);
    client = client_of("{}", &error);
    CHECK_INT(lcbot_client_settings(client, &out), LCBOT_OK);
    CHECK_HAS(out, "\"region\":\"fra\"");
    lcbot_string_free(out);
    lcbot_client_free(client);

    /* What the document says wins over every variable. */
    client = client_of("{\"token\":\"dev-token\",\"base_url\":\"https://example.com\",\"api_version\":\"3.2\",\"region\":\"dal\"}", &error);
    CHECK_DOC(client != NULL, error);
    CHECK_INT(lcbot_client_settings(client, &out), LCBOT_OK);
    CHECK_HAS(out, "\"api_version\":\"3.2\"");
    CHECK_HAS(out, "\"base_url\":\"https://example.com\"");
    CHECK_HAS(out, "\"region\":\"dal\"");
    lcbot_string_free(out);
    lcbot_client_free(client);
    clear_environment();
}

static void unset_variables_leave_the_defaults(void) {
    char *error = NULL, *out = NULL;
    clear_environment();
    setenv("LIVECHAT_API_VERSION", "", 1); /* empty counts as unset */
    lcbot_client *client = client_of("{\"token\":\"t\"}", &error);
    CHECK_DOC(client != NULL, error);
    CHECK_INT(lcbot_client_settings(client, &out), LCBOT_OK);
    CHECK_HAS(out, "\"api_version\":\"3.0\"");
    CHECK_HAS(out, "\"base_url\":\"https://api.livechatinc.com\"");
    CHECK_HAS(out, "\"region\":null");
    lcbot_string_free(out);
    lcbot_client_free(client);
    CHECK(client_of("{}", &error) == NULL);
    CHECK_HAS(error, "config_json.token: required field is missing");
    lcbot_string_free(error);
    clear_environment();
}

static void a_bad_variable_is_named(void) {
    char *error = NULL;
    setenv("LIVECHAT_API_VERSION", "2.9", 1);
    CHECK(client_of("{\"token\":\"t\"}", &error) == NULL);
    CHECK_HAS(error, "\"code\":\"validation\"");
    CHECK_HAS(error, "(from LIVECHAT_API_VERSION)");
    lcbot_string_free(error);
    clear_environment();
    setenv("LIVECHAT_BASE_URL", "http://example.com", 1);
    CHECK(client_of("{\"token\":\"t\"}", &error) == NULL);
    CHECK_HAS(error, "(from LIVECHAT_BASE_URL)");
    lcbot_string_free(error);
    clear_environment();
    setenv("LIVECHAT_TOKEN", "se\ncret", 1);
    CHECK(client_of("{}", &error) == NULL);
    CHECK_HAS(error, "(from LIVECHAT_TOKEN)");
    CHECK_LACKS(error, "se\ncret");
    lcbot_string_free(error);
    clear_environment();
}

int main(void) {
    char *error = NULL, *out = NULL;
    lcbot_emulator *emu = NULL;
    CHECK_INT(lcbot_emulator_start(NULL, &emu, &error), LCBOT_OK);
    lcbot_string_free(error);
    the_environment_aims_a_client_without_settings(emu);
    unset_variables_leave_the_defaults();
    a_bad_variable_is_named();
    CHECK_INT(lcbot_client_settings(NULL, &out), LCBOT_ERR_NULL_ARGUMENT);
    CHECK_HAS(out, "client");
    lcbot_string_free(out);
    lcbot_emulator_stop(emu);
    return check_finish();
}
