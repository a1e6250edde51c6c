// test_cxx.cpp: the header from C++17 (g++ -std=c++17 -Wall -Wextra -Werror).
//
// Proves that livechat_bots.h compiles as C++, that its functions link with
// C linkage, that its constants are constant expressions and that its
// opaque handles work with RAII: an emulator, a client, a create, a read and
// an error, with every handle and string released by unique_ptr deleters.

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>

#include "livechat_bots.h"
#include "check.h"

static_assert(LCBOT_OK == 0 && LCBOT_ERR_VALIDATION == 4 && LCBOT_ERR_PANIC == 9, "status codes are constant expressions");
static_assert(LCBOT_ABI_VERSION == 2, "ABI version 2");
static_assert(LCBOT_HAS_EMULATOR, "the emulator is part of the default build");

namespace {

struct StringFree {
    void operator()(char *s) const noexcept { lcbot_string_free(s); }
};
struct ClientFree {
    void operator()(lcbot_client *c) const noexcept { lcbot_client_free(c); }
};
struct EmulatorStop {
    void operator()(lcbot_emulator *e) const noexcept { lcbot_emulator_stop(e); }
};

using Str = std::unique_ptr<char, StringFree>;
using Client = std::unique_ptr<lcbot_client, ClientFree>;
using Emulator = std::unique_ptr<lcbot_emulator, EmulatorStop>;

// A call's status and its document, owned.
struct Result {
    int32_t status;
    Str doc;
    std::string text() const { return doc ? std::string(doc.get()) : std::string("(null)"); }
};

template <typename Fn>
Result run(Fn fn, const lcbot_client *client, const std::string &request) {
    char *out = nullptr;
    int32_t st = fn(client, request.c_str(), nullptr, &out);
    return Result{st, Str(out)};
}

}  // namespace

int main() {
    CHECK(std::strlen(lcbot_version()) > 0);
    CHECK_INT(lcbot_abi_version(), LCBOT_ABI_VERSION);

    Emulator emulator;
    {
        lcbot_emulator *e = nullptr;
        char *err = nullptr;
        int32_t st = lcbot_emulator_start(nullptr, &e, &err);
        Str error(err);
        emulator.reset(e);
        CHECK_INT(st, LCBOT_OK);
        CHECK(error == nullptr);
    }
    if (!emulator) return check_finish();

    Client client;
    {
        const std::string config = std::string("{\"token\":\"dev-token\",\"base_url\":\"") +
                                   lcbot_emulator_url(emulator.get()) + "\",\"api_version\":\"3.1\"}";
        lcbot_client *c = nullptr;
        char *err = nullptr;
        int32_t st = lcbot_client_new(config.c_str(), &c, &err);
        Str error(err);
        client.reset(c);
        CHECK_INT(st, LCBOT_OK);
    }
    if (!client) return check_finish();

    // create
    Result created = run(lcbot_create_bot_agent, client.get(),
                         R"({"name":"C++ Bot","status":"accepting chats","groups":[{"id":0,"priority":"first"}]})");
    CHECK_INT(created.status, LCBOT_OK);
    char id[64] = "";
    CHECK_DOC(json_str(created.doc.get(), "bot_agent_id", id, sizeof id) && std::strlen(id) == 32, created.doc.get());

    // read it back
    Result details = run(lcbot_get_bot_agent_details, client.get(), std::string(R"({"bot_agent_id":")") + id + "\"}");
    CHECK_INT(details.status, LCBOT_OK);
    CHECK_HAS(details.doc.get(), "\"name\":\"C++ Bot\"");
    CHECK_HAS(details.doc.get(), "\"application\":{\"client_id\":\"dev-client\"}");

    // an error document, freed the same way
    Result invalid = run(lcbot_create_bot_agent, client.get(),
                         R"({"name":"X","status":"offline","groups":[{"id":1,"priority":"supervisor"}]})");
    CHECK_ERROR(invalid.status, invalid.doc.get(), LCBOT_ERR_VALIDATION, "validation", "groups[0].priority", 0);

    // lcbot_call from C++ too
    {
        char *out = nullptr;
        int32_t st = lcbot_call(client.get(), "get_bot_agents", "{}", NULL, &out);
        Str list(out);
        CHECK_INT(st, LCBOT_OK);
        CHECK_HAS(list.get(), id);
    }

    // remove
    Result removed = run(lcbot_remove_bot_agent, client.get(), std::string(R"({"bot_agent_id":")") + id + "\"}");
    CHECK_INT(removed.status, LCBOT_OK);
    CHECK(removed.text() == "{}");

    // the client goes before the emulator it talks to
    client.reset();
    emulator.reset();
    return check_finish();
}
