#pragma once
// The documents of a YAML stream (a scenario file holds one scenario per document), as
// YAML::LoadAll reads them, but with every problem a DataError at "file:line:column".
#include <string>
#include <vector>

#include <yaml-cpp/yaml.h>

namespace aegis::scenario {

// yaml-cpp 0.7's LoadAll never returns on some malformed streams: a token no rule takes (a ',' at
// the top level, say) is left in place and read as an empty document again and again. The
// documents are walked once with the parser's events first, and a document that does not move
// the parser on is reported where it stands.
std::vector<YAML::Node> load_yaml_documents(const std::string& text, const std::string& file);

}  // namespace aegis::scenario
