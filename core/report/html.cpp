// Escaping, JSON-tied number cells and the page frame of the HTML reports.
#include <string>

#include <fmt/format.h>

#include "core/report/html.hpp"
#include "core/util/text.hpp"

namespace aegis::report {

namespace {

const char* const k_style = R"(
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:24px auto;max-width:1000px;
color:#1d2430;background:#fff;padding:0 16px}
h1{font-size:22px;margin:0 0 2px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #dde3ea}
.sub{color:#5b6675;margin:0 0 16px}table{border-collapse:collapse;margin:6px 0}
td,th{padding:3px 10px;border-bottom:1px solid #eef1f5;text-align:left;vertical-align:top}
th{font-weight:600;color:#3b4554}td.num{text-align:right;font-variant-numeric:tabular-nums}
.pass{color:#137333;font-weight:600}.fail{color:#b3261e;font-weight:600}.skip{color:#8a6d00}
svg.chart{display:block;margin:8px 0;max-width:100%;height:auto}
svg .title{font-weight:600;font-size:13px}svg .tick,svg .legend,svg .axis{font-size:11px;fill:#4a5563}
svg .grid{stroke:#e6eaf0}#aegis-check{font-size:12px;color:#5b6675}#aegis-check.bad{color:#b3261e}
.verdict{font-size:16px;padding:8px 12px;border-radius:6px;display:inline-block;margin:6px 0}
.verdict.pass{background:#e6f4ea}.verdict.fail{background:#fce8e6}
code,pre{font:12px ui-monospace,monospace}pre{white-space:pre-wrap;background:#f6f8fa;padding:6px}
)";

// Ours, inline: re-reads the embedded JSON and checks every number cell against it.
const char* const k_check = R"(
(function(){
  var out=document.getElementById('aegis-check');
  try{
    var doc=JSON.parse(document.getElementById('aegis-report').textContent);
    var at=function(p){var v=doc;p.split('.').forEach(function(k){v=(v==null)?undefined:v[k];});return v;};
    var cells=document.querySelectorAll('[data-json]'),bad=[];
    for(var i=0;i<cells.length;i++){var c=cells[i],p=c.getAttribute('data-json');
      if(Number(c.getAttribute('data-value'))!==at(p))bad.push(p);}
    var charts=document.querySelectorAll('svg.chart').length;
    out.textContent=bad.length?('MISMATCH '+bad.join(' ')):('ok: '+cells.length+
      ' numbers match the embedded JSON, '+charts+' charts');
    out.className=bad.length?'bad':'good';
  }catch(e){out.textContent='script error: '+e;out.className='bad';}
})();
)";

}  // namespace

std::string html_escape(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

std::string script_json(const Json& doc) {
    std::string text = doc.dump(-1, ' ', false, Json::error_handler_t::replace);
    std::string out;
    out.reserve(text.size());
    for (char c : text) {  // '<' '>' '&' only occur inside JSON strings, where \u escapes mean them
        if (c == '<') out += "\\u003c";
        else if (c == '>') out += "\\u003e";
        else if (c == '&') out += "\\u0026";
        else out += c;
    }
    return out;
}

const Json& json_at(const Json& doc, const std::string& path) {
    static const Json k_null;
    const Json* v = &doc;
    for (const auto& key : util::split(path, '.')) {
        if (v->is_object() && v->contains(key)) v = &(*v)[key];
        else if (v->is_array() && !key.empty() && key.find_first_not_of("0123456789") ==
                                                       std::string::npos &&
                 std::stoul(key) < v->size())
            v = &(*v)[std::stoul(key)];
        else return k_null;
    }
    return *v;
}

std::string json_cell(const Json& doc, const std::string& path, const std::string& unit) {
    const Json& v = json_at(doc, path);
    if (!v.is_number()) return "<td class=\"num\">-</td>";  // nothing to tie to the JSON
    std::string text = v.dump();
    return fmt::format("<td class=\"num\" data-json=\"{}\" data-value=\"{}\">{}{}</td>",
                       html_escape(path), html_escape(text), html_escape(text),
                       unit.empty() ? "" : " " + html_escape(unit));
}

std::string html_page(const std::string& title, const std::string& subtitle,
                      const std::string& body, const Json& doc) {
    return fmt::format(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        "<title>{}</title>\n<style>{}</style></head>\n<body>\n<h1>{}</h1>\n<p class=\"sub\">{}</p>\n"
        "{}\n<p id=\"aegis-check\">numbers not checked (scripts off)</p>\n"
        "<script type=\"application/json\" id=\"aegis-report\">{}</script>\n"
        "<script>{}</script>\n</body></html>\n",
        html_escape(title), k_style, html_escape(title), html_escape(subtitle), body,
        script_json(doc), k_check);
}

}  // namespace aegis::report
