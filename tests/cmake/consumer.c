/* Built by CMake against an installed livechat-bots' static library: one
 * call on the embedded emulator, then "1 passed, 0 failed". */
#include <stdio.h>
#include <string.h>

#include <livechat_bots.h>

int main(void) {
    lcbot_emulator *emu = NULL;
    lcbot_client *client = NULL;
    char *doc = NULL;
    char config[256];
    int ok = lcbot_emulator_start(NULL, &emu, &doc) == LCBOT_OK;
    lcbot_string_free(doc);
    if (ok) {
        snprintf(config, sizeof config, "{\"token\":\"dev-token\",\"base_url\":\"%s\"}", lcbot_emulator_url(emu));
        ok = lcbot_client_new(config, &client, &doc) == LCBOT_OK;
        lcbot_string_free(doc);
    }
    if (ok) {
        ok = lcbot_get_bot_agents(client, "{}", NULL, &doc) == LCBOT_OK && doc && strcmp(doc, "{\"bot_agents\":[]}") == 0;
        printf("%s\n", doc ? doc : "(null)");
        lcbot_string_free(doc);
    }
    lcbot_client_free(client);
    lcbot_emulator_stop(emu);
    printf("%d passed, %d failed\n", ok ? 1 : 0, ok ? 0 : 1);
    return ok ? 0 : 1;
}
