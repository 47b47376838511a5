#pragma once
// Small text pictures for terminals: bars, sparklines and the glyphs they are drawn with.
// Unicode block characters when the locale speaks UTF-8, plain ASCII otherwise, so a report
// piped into a log or read on a serial console still means something.
#include <cstddef>
#include <string>
#include <vector>

namespace aegis::report {

struct Glyphs {
    bool unicode = true;
};

// Unicode unless LC_ALL / LC_CTYPE / LANG (the first one set) names a non-UTF-8 locale
// ("C", "POSIX", "en_US.ISO-8859-1"); unset everywhere counts as UTF-8 (what terminals default to).
Glyphs glyphs_from_env();

// A horizontal bar `fraction` (0..1) of `width` columns, with eighth-blocks at its tip
// ("███▌"), or '#' in ASCII. Never wider than `width`; a non-zero fraction shows at least a sliver.
std::string bar(double fraction, size_t width, const Glyphs& g);

// `values` squeezed (or stretched) into `width` columns, each the mean of its share of the
// values, drawn as one of eight heights ("▁▂▃▅▇") or ASCII ("_.-=#"). Scaled to the largest value
// (or `max` when positive); all zeros draw the lowest glyph; empty input gives "".
std::string sparkline(const std::vector<double>& values, size_t width, const Glyphs& g,
                      double max = 0);

// Middle ellipsis for names whose distinguishing part is often at the end
// ("echo-single-service-528ac180" → "echo-sin…528ac180"); counts code points as columns.
std::string ellipsise(const std::string& text, size_t width);

}  // namespace aegis::report
