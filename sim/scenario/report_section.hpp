// report: what the charts put first. `fields` names the summary fields the compare chart shows
// (analysis/plot.py); without it the chart shows the fields that differ between the designs.
#pragma once

#include <string>
#include <vector>

#include "scenario/yaml_tree.hpp"

namespace statesim::loading {

// The `report` map's field names, each a summary field (model/summary_fields.hpp) named once;
// a problem throws TreeError at the value's position.
std::vector<std::string> read_report_fields(const yaml_tree::Node& node, const std::string& path);

}  // namespace statesim::loading
