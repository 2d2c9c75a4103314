#include "sim/loader/WakeupReader.hpp"

namespace gilsim {

WakeupCurve read_wakeup(const ValueReader& values, const YAML::Node& node, const std::string& path) {
  if (node.IsScalar()) return WakeupCurve(values.duration(node, path, true));
  if (!node.IsMap() || node.size() == 0)
    values.source.fail(node, path, "expected a duration such as '45us', or a mapping from blocked time to latency such "
                                   "as {100us: 12us, 1ms: 45us}, got " + describe_node(node));
  std::vector<std::pair<double, double>> points;
  for (const auto& entry : node) {
    const double blocked = values.duration(entry.first, path, false);
    if (!points.empty() && blocked <= points.back().first)
      values.source.fail(entry.first, path, "expected blocked times in increasing order, got '" +
                                                entry.first.Scalar() + "' after a longer or equal one");
    points.emplace_back(blocked, values.duration(entry.second, path + "." + entry.first.Scalar(), true));
  }
  return WakeupCurve(std::move(points));
}

}  // namespace gilsim
