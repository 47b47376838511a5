#include "core/report/picture.hpp"

#include <algorithm>

namespace aegis::report {

Picture picture_for(int fd, const output::Style& style) {
    Picture p;
    p.glyphs = glyphs_from_env();
    p.style = style;
    p.width = output::is_tty(fd) ? static_cast<size_t>(std::max(40, output::terminal_width(fd)))
                                 : 80;
    return p;
}

}  // namespace aegis::report
