/*
 * test_webhooks.c: lcbot_webhook_verify from C, with hostile bodies.
 *
 * Good bodies of several versions, secret rotation, and every way a body or
 * a call can be wrong: NULL pointers, a NULL body with a length, invalid
 * UTF-8, deep nesting, a 50 MB body, a secret_key that is missing, not a
 * string or 1 MB long, empty or malformed secret lists, unknown options
 * versions. Each must give its status code and a document without any
 * secret in it. Runs natively and under valgrind (no leak, no error).
 */
#include "check.h"

#define SECRETS "[\"rotated-new-key\",\"rotated-old-key\"]"

static lcbot_status verify(const char *secrets, const char *body, size_t len, const lcbot_webhook_options *o, char **out) {
    return lcbot_webhook_verify(secrets, (const uint8_t *)body, len, o, out);
}

/* Runs a body that must fail with `status`; the document must not show a secret. */
static void refused(const char *secrets, const char *body, size_t len, const lcbot_webhook_options *o, lcbot_status status, const char *needle) {
    char *out = (char *)"unset";
    lcbot_status st = verify(secrets, body, len, o, &out);
    CHECK_INT(st, status);
    CHECK_DOC(out != NULL, out);
    if (out) {
        if (needle) CHECK_HAS(out, needle);
        CHECK_LACKS(out, "rotated-new-key");
        CHECK_LACKS(out, "rotated-old-key");
        CHECK_LACKS(out, "guessed-key");
    }
    lcbot_string_free(out);
}

static void accepted(const char *body, const char *action, const char *as_sent, const char *dedupe) {
    char *out = NULL;
    CHECK_INT(verify(SECRETS, body, strlen(body), NULL, &out), LCBOT_OK);
    CHECK_DOC(out != NULL, out);
    if (out) {
        char want[256];
        snprintf(want, sizeof want, "\"action\":\"%s\"", action);
        CHECK_HAS(out, want);
        snprintf(want, sizeof want, "\"action_as_sent\":\"%s\"", as_sent);
        CHECK_HAS(out, want);
        /* A dedupe key ending in "/" is checked as a prefix (a hash follows). */
        snprintf(want, sizeof want, dedupe[strlen(dedupe) - 1] == '/' ? "\"dedupe_key\":\"%s" : "\"dedupe_key\":\"%s\"", dedupe);
        CHECK_HAS(out, want);
        CHECK_LACKS(out, "secret_key");
        CHECK_LACKS(out, "rotated-");
    }
    lcbot_string_free(out);
}

/* A document of `depth` nested arrays inside the payload. */
static char *deep_body(size_t depth) {
    const char *head = "{\"secret_key\":\"rotated-new-key\",\"action\":\"a\",\"payload\":{\"x\":";
    size_t n = strlen(head) + 2 * depth + 3;
    char *b = (char *)malloc(n);
    strcpy(b, head);
    memset(b + strlen(head), '[', depth);
    memset(b + strlen(head) + depth, ']', depth);
    strcpy(b + strlen(head) + 2 * depth, "}}");
    return b;
}

int main(void) {
    /* Good bodies: v3.0 (data), v3.1 old names, v3.3 license_id, v3.6 organization_id. */
    accepted("{\"webhook_id\":\"w\",\"secret_key\":\"rotated-new-key\",\"action\":\"incoming_chat_thread\","
             "\"data\":{\"chat\":{\"id\":\"C1\",\"thread\":{\"id\":\"T1\"}}}}",
             "incoming_chat", "incoming_chat_thread", "incoming_chat/C1/T1");
    accepted("{\"secret_key\":\"rotated-old-key\",\"action\":\"thread_closed\",\"payload\":{\"chat_id\":\"C2\",\"thread_id\":\"T2\"}}",
             "chat_deactivated", "thread_closed", "chat_deactivated/C2/T2");
    accepted("{\"secret_key\":\"rotated-new-key\",\"action\":\"incoming_event\",\"license_id\":21377312,"
             "\"payload\":{\"chat_id\":\"C3\",\"thread_id\":\"T3\",\"event\":{\"id\":\"T3_1\",\"type\":\"message\",\"text\":\"hi\"}},"
             "\"additional_data\":{}}",
             "incoming_event", "incoming_event", "incoming_event/C3/T3_1");
    accepted("{\"secret_key\":\"rotated-new-key\",\"action\":\"brand_new_action\",\"organization_id\":\"o-1\",\"payload\":{},\"future\":1}",
             "brand_new_action", "brand_new_action", "brand_new_action/");

    /* A body is bytes with a length, not a C string: a NUL inside is just a byte (and invalid JSON). */
    const char with_nul[] = "{\"secret_key\":\"rotated-new-key\",\0\"action\":\"a\",\"payload\":{}}";
    refused(SECRETS, with_nul, sizeof with_nul - 1, NULL, LCBOT_ERR_INVALID_JSON, NULL);
    /* Only `len` bytes are read: a prefix of a good body is refused. */
    const char *good = "{\"secret_key\":\"rotated-new-key\",\"action\":\"a\",\"payload\":{}}";
    refused(SECRETS, good, strlen(good) - 1, NULL, LCBOT_ERR_INVALID_JSON, NULL);

    /* NULL arguments. */
    char *out = NULL;
    CHECK_INT(verify(SECRETS, good, strlen(good), NULL, NULL), LCBOT_ERR_NULL_ARGUMENT);
    refused(NULL, good, strlen(good), NULL, LCBOT_ERR_NULL_ARGUMENT, "secrets_json");
    refused(SECRETS, NULL, 10, NULL, LCBOT_ERR_NULL_ARGUMENT, "body");
    refused(SECRETS, NULL, 0, NULL, LCBOT_ERR_INVALID_JSON, NULL);

    /* The secrets: empty list, not an array, a non-string, an empty one, invalid UTF-8. */
    refused("[]", good, strlen(good), NULL, LCBOT_ERR_VALIDATION, "at least one secret");
    refused("{}", good, strlen(good), NULL, LCBOT_ERR_VALIDATION, "expected an array");
    refused("[\"rotated-new-key\",1]", good, strlen(good), NULL, LCBOT_ERR_VALIDATION, "secrets_json[1]");
    refused("[\"\"]", good, strlen(good), NULL, LCBOT_ERR_VALIDATION, "must not be empty");
    refused("[\"rotated-new-key\"", good, strlen(good), NULL, LCBOT_ERR_INVALID_JSON, NULL);
    refused("[\"\xff\"]", good, strlen(good), NULL, LCBOT_ERR_INVALID_UTF8, NULL);

    /* The body's secret: wrong, missing, not a string, 1 MB long. */
    refused(SECRETS, "{\"secret_key\":\"guessed-key\",\"action\":\"a\",\"payload\":{}}", strlen("{\"secret_key\":\"guessed-key\",\"action\":\"a\",\"payload\":{}}"), NULL, LCBOT_ERR_SECRET_MISMATCH, "\"code\":\"secret_mismatch\"");
    refused(SECRETS, "{\"action\":\"a\",\"payload\":{}}", strlen("{\"action\":\"a\",\"payload\":{}}"), NULL, LCBOT_ERR_SECRET_MISMATCH, "required field is missing");
    refused(SECRETS, "{\"secret_key\":[\"rotated-new-key\"],\"action\":\"a\",\"payload\":{}}", strlen("{\"secret_key\":[\"rotated-new-key\"],\"action\":\"a\",\"payload\":{}}"), NULL, LCBOT_ERR_SECRET_MISMATCH, "expected a string");
    size_t long_len = 1 << 20;
    char *long_secret = (char *)malloc(long_len + 64);
    strcpy(long_secret, "{\"secret_key\":\"");
    memset(long_secret + 15, 'k', long_len);
    strcpy(long_secret + 15 + long_len, "\",\"action\":\"a\",\"payload\":{}}");
    lcbot_webhook_options roomy = {LCBOT_WEBHOOK_OPTIONS_VERSION, 4u << 20};
    refused(SECRETS, long_secret, strlen(long_secret), &roomy, LCBOT_ERR_SECRET_MISMATCH, "not one of the accepted");
    free(long_secret);

    /* Malformed bodies: invalid UTF-8, not an object, no action, no payload, wrong types. */
    refused(SECRETS, "{\"secret_key\":\"rotated-new-key\",\"action\":\"\xc3\x28\"}", strlen("{\"secret_key\":\"rotated-new-key\",\"action\":\"\xc3\x28\"}"), NULL, LCBOT_ERR_INVALID_UTF8, "invalid UTF-8");
    refused(SECRETS, "[1,2]", strlen("[1,2]"), NULL, LCBOT_ERR_VALIDATION, "expected an object");
    refused(SECRETS, "{\"secret_key\":\"rotated-new-key\",\"payload\":{}}", strlen("{\"secret_key\":\"rotated-new-key\",\"payload\":{}}"), NULL, LCBOT_ERR_VALIDATION, "action:");
    refused(SECRETS, "{\"secret_key\":\"rotated-new-key\",\"action\":\"a\"}", strlen("{\"secret_key\":\"rotated-new-key\",\"action\":\"a\"}"), NULL, LCBOT_ERR_VALIDATION, "payload:");
    refused(SECRETS, "{\"secret_key\":\"rotated-new-key\",\"action\":\"a\",\"payload\":{},\"license_id\":\"1\"}", strlen("{\"secret_key\":\"rotated-new-key\",\"action\":\"a\",\"payload\":{},\"license_id\":\"1\"}"), NULL, LCBOT_ERR_VALIDATION, "license_id:");
    char *deep = deep_body(100000);
    refused(SECRETS, deep, strlen(deep), NULL, LCBOT_ERR_INVALID_JSON, "recursion limit");
    free(deep);

    /* Size: 50 MB is refused by its length before anything is read; a custom cap. */
    size_t big_len = (size_t)50 << 20;
    char *big = (char *)malloc(big_len);
    memset(big, ' ', big_len);
    refused(SECRETS, big, big_len, NULL, LCBOT_ERR_TOO_LARGE, "the limit is 1048576");
    free(big);
    lcbot_webhook_options tight = {LCBOT_WEBHOOK_OPTIONS_VERSION, 16};
    refused(SECRETS, good, strlen(good), &tight, LCBOT_ERR_TOO_LARGE, "the limit is 16");

    /* Options versions. */
    lcbot_webhook_options v0 = {0, 0}, v9 = {9, 0}, defaults = {LCBOT_WEBHOOK_OPTIONS_VERSION, 0};
    refused(SECRETS, good, strlen(good), &v0, LCBOT_ERR_VALIDATION, "options.version");
    refused(SECRETS, good, strlen(good), &v9, LCBOT_ERR_VALIDATION, "options.version");
    CHECK_INT(verify(SECRETS, good, strlen(good), &defaults, &out), LCBOT_OK);
    lcbot_string_free(out);

    CHECK_INT(LCBOT_WEBHOOK_DEFAULT_MAX_BODY, 1048576);
    return check_finish();
}
