// Built by CMake against an installed livechat-bots: creates a bot on the
// embedded emulator with the C++ wrapper, reads it back, prints "1 passed, 0 failed".
#include <cstdio>
#include <string>

#include <livechat_bots.hpp>

int main() {
    try {
        const livechat_bots::Emulator emulator;
        const livechat_bots::Client client(livechat_bots::client_config("dev-token", emulator.url()));
        const std::string created = client.create_bot_agent(R"({"name":"From CMake","status":"offline"})");
        const std::string list = client.get_bot_agents();
        const bool ok = created.find("bot_agent_id") != std::string::npos && list.find("From CMake") != std::string::npos;
        std::printf("%s\n%d passed, %d failed\n", list.c_str(), ok ? 1 : 0, ok ? 0 : 1);
        return ok ? 0 : 1;
    } catch (const livechat_bots::Error &e) {
        std::fprintf(stderr, "%s (%s)\n0 passed, 1 failed\n", e.what(), e.code().c_str());
        return 1;
    }
}
