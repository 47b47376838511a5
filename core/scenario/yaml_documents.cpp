#include "core/scenario/yaml_documents.hpp"

#include <fmt/format.h>

#include <cctype>
#include <cstddef>
#include <sstream>
#include <string>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>

#include "core/util/error.hpp"

namespace aegis::scenario {

namespace {

const char* const k_hint = "see docs/scenarios.md for the scenario language";

// Keeps where the last document started; the rest of the events are not needed.
class DocumentStarts : public YAML::EventHandler {
public:
    YAML::Mark start;
    void OnDocumentStart(const YAML::Mark& mark) override { start = mark; }
    void OnDocumentEnd() override {}
    void OnNull(const YAML::Mark&, YAML::anchor_t) override {}
    void OnAlias(const YAML::Mark&, YAML::anchor_t) override {}
    void OnScalar(const YAML::Mark&, const std::string&, YAML::anchor_t, const std::string&) override {}
    void OnSequenceStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                         YAML::EmitterStyle::value) override {}
    void OnSequenceEnd() override {}
    void OnMapStart(const YAML::Mark&, const std::string&, YAML::anchor_t,
                    YAML::EmitterStyle::value) override {}
    void OnMapEnd() override {}
};

void check_documents_advance(const std::string& text, const std::string& file) {
    std::istringstream in(text);
    YAML::Parser parser(in);
    DocumentStarts starts;
    int previous = -1;
    while (parser.HandleNextDocument(starts)) {
        const YAML::Mark& m = starts.start;
        if (m.pos == previous) {
            const unsigned char c = m.pos >= 0 && static_cast<std::size_t>(m.pos) < text.size()
                                        ? static_cast<unsigned char>(text[m.pos]) : 0;
            throw DataError(fmt::format("{}:{}:{}: not valid YAML: unexpected {}", file, m.line + 1,
                                        m.column + 1,
                                        std::isgraph(c) ? fmt::format("'{}'", char(c)) : "token"),
                            k_hint);
        }
        previous = m.pos;
    }
}

}  // namespace

std::vector<YAML::Node> load_yaml_documents(const std::string& text, const std::string& file) {
    try {
        check_documents_advance(text, file);
        return YAML::LoadAll(text);
    } catch (const YAML::ParserException& e) {
        throw DataError(fmt::format("{}:{}:{}: {}", file, e.mark.line + 1, e.mark.column + 1, e.msg),
                        k_hint);
    }
}

}  // namespace aegis::scenario
