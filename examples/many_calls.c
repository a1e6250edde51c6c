/*
 * A hundred calls in flight from one thread, without a thread each: every
 * call is submitted to a completion queue with a tag, and the thread waits
 * in poll() on the queue's fd, as any event loop (libuv, epoll) would,
 * draining what ended. Runs against the embedded emulator, which holds
 * every call 20 ms as LiveChat's network would.
 *
 *   make demo
 */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "livechat_bots.h"

#define CALLS 100

/* Prints an error document (and frees it); returns 1. */
static int fail(const char *what, char *doc) {
    fprintf(stderr, "%s: %s\n", what, doc ? doc : "(no document)");
    lcbot_string_free(doc);
    return 1;
}

int main(void) {
    lcbot_emulator *emulator = NULL;
    lcbot_client *client = NULL;
    lcbot_queue *queue = NULL;
    char *err = NULL, config[512], fault[128];
    int ok = 0, failed = 0, status = 1;

    if (lcbot_emulator_start(NULL, &emulator, &err) != LCBOT_OK) return fail("emulator", err);
    snprintf(config, sizeof config, "{\"token\":\"dev-token\",\"base_url\":\"%s\"}", lcbot_emulator_url(emulator));
    if (lcbot_client_new(config, &client, &err) != LCBOT_OK) {
        fail("client", err);
        goto done;
    }
    snprintf(fault, sizeof fault, "{\"delay_ms\":20,\"times\":%d}", CALLS);
    if (lcbot_emulator_inject(emulator, fault, &err) != LCBOT_OK) {
        fail("fault", err);
        goto done;
    }
    lcbot_string_free(err);
    err = NULL;
    if (lcbot_queue_new(&queue, &err) != LCBOT_OK) {
        fail("queue", err);
        goto done;
    }

    /* Submit them all: each returns at once, the tag says which call ended. */
    for (uint64_t tag = 0; tag < CALLS; tag++) {
        if (lcbot_client_submit(client, queue, tag, "get_bot_agents", "{\"all\":true}", NULL, &err) != LCBOT_OK) {
            fail("submit", err);
            goto done;
        }
    }
    printf("%d calls in flight\n", (int)lcbot_queue_in_flight(queue));

    /* Wait for the fd, then take every completion that waits. */
    while (lcbot_queue_in_flight(queue) > 0) {
        struct pollfd ready = {lcbot_queue_fd(queue), POLLIN, 0};
        if (poll(&ready, 1, 10000) <= 0) break;
        for (;;) {
            lcbot_completion *done = NULL;
            if (lcbot_queue_next(queue, 0, &done, &err) != LCBOT_OK) {
                fail("next", err);
                goto done;
            }
            if (!done) break;
            if (done->status == LCBOT_OK) {
                ok++;
            } else {
                failed++;
                fprintf(stderr, "call %llu: %s\n", (unsigned long long)done->tag, done->document);
            }
            lcbot_completion_free(done);
        }
    }
    printf("%d answered, %d failed\n", ok, failed);
    status = ok == CALLS ? 0 : 1;
done:
    lcbot_queue_free(queue);
    lcbot_client_free(client);
    lcbot_emulator_stop(emulator);
    return status;
}
