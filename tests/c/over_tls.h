/* LCBOT_TEST_TLS=1 runs a test program over HTTPS (c.mk runs the long-running
 * ones so, natively and under valgrind): each emulator is started with
 * "tls": true and each client config gets that emulator's CA as "ca_pem". */
#ifndef LCBOT_TEST_OVER_TLS_H
#define LCBOT_TEST_OVER_TLS_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "livechat_bots.h"

static int over_tls(void) {
    const char *v = getenv("LCBOT_TEST_TLS");
    return v && strcmp(v, "1") == 0;
}

/* `config` (a JSON object, or NULL), with "tls": true when over TLS. */
static const char *tls_emulator_config(const char *config, char *buf, size_t size) {
    if (!over_tls()) return config;
    const char *rest = config ? strchr(config, '{') : NULL;
    int empty = !rest || strspn(rest + 1, " \t\r\n}") == strlen(rest + 1);
    snprintf(buf, size, "{\"tls\":true%s%s", empty ? "}" : ",", empty ? "" : rest + 1);
    return buf;
}

/* The client config `config` (a JSON object) with `"ca_pem": <emulator's CA>`
 * added when the emulator speaks TLS; `config` itself otherwise. */
static const char *tls_client_config(const lcbot_emulator *emulator, const char *config, char *buf, size_t size) {
    char *pem = NULL;
    if (lcbot_emulator_ca_pem(emulator, &pem) != LCBOT_OK || pem == NULL) {
        lcbot_string_free(pem);
        return config;
    }
    const char *end = strrchr(config, '}');
    size_t n = end ? (size_t)(end - config) : strlen(config);
    size_t at = (size_t)snprintf(buf, size, "%.*s,\"ca_pem\":\"", (int)n, config);
    for (const char *p = pem; *p && at + 4 < size; p++) {
        if (*p == '\n') {
            buf[at++] = '\\';
            buf[at++] = 'n';
        } else {
            buf[at++] = *p;
        }
    }
    snprintf(buf + at, size - at, "\"}");
    lcbot_string_free(pem);
    return buf;
}

#endif
