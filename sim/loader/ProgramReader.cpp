#include "sim/loader/ProgramReader.hpp"

#include <optional>
#include <utility>

#include "models/steps/StepTree.hpp"
#include "sim/loader/StepReading.hpp"

namespace gilsim {
namespace {

// The YAML keys of the kinds users write, in registration order, for messages.
template <std::size_t... I>
std::string yaml_kinds(std::index_sequence<I...>) {
  std::string out;
  auto add = [&](const StepTraits& traits) {
    if (!traits.from_yaml) return;
    out += (out.empty() ? "" : ", ") + std::string(traits.kind);
    if (traits.yaml_alias) out += ", " + std::string(traits.yaml_alias);
  };
  (add(std::variant_alternative_t<I, StepAction>::kTraits), ...);
  return out;
}
const std::string& step_kinds() {
  static const std::string kinds = yaml_kinds(std::make_index_sequence<std::variant_size_v<StepAction>>());
  return kinds;
}

bool has_key(const StepTraits& traits, const std::string& key) {
  return traits.from_yaml && (key == traits.kind || (traits.yaml_alias && key == traits.yaml_alias));
}

// Hands the step to the read_step of the kind whose YAML key it has.
template <std::size_t... I>
std::optional<Step> read_kind(StepReading& r, const std::string& kind, const YAML::Node& key, const YAML::Node& value,
                              const std::string& path, int depth, std::index_sequence<I...>) {
  std::optional<Step> step;
  auto try_kind = [&](auto* tag) {
    using Kind = std::remove_pointer_t<decltype(tag)>;
    if constexpr (Kind::kTraits.from_yaml) {
      if (!step && has_key(Kind::kTraits, kind)) step = read_step(StepTag<Kind>{}, r, key, value, path + "." + kind, depth);
    }
  };
  (try_kind(static_cast<std::variant_alternative_t<I, StepAction>*>(nullptr)), ...);
  return step;
}

Step read_one_step(StepReading& r, const YAML::Node& node, const std::string& path, int depth) {
  const ValueReader& values = r.values;
  if (!node.IsMap() || node.size() != 1)
    values.source.fail(node, path,
                       "expected a step: a mapping with one key among " + step_kinds() + ", got " +
                           (node.IsMap() ? "a mapping with " + std::to_string(node.size()) + " keys" : describe_node(node)));
  const YAML::Node key = node.begin()->first;
  const YAML::Node value = node.begin()->second;
  const std::string kind = key.IsScalar() ? key.Scalar() : "";
  std::optional<Step> step =
      read_kind(r, kind, key, value, path, depth, std::make_index_sequence<std::variant_size_v<StepAction>>());
  if (!step) values.source.fail(key, path + "." + kind, "unknown step kind; expected one of: " + step_kinds());
  return std::move(*step);
}

}  // namespace

std::vector<Step> StepReading::read_program(const YAML::Node& node, const std::string& path, int depth) {
  values.expect_sequence(node, path);
  if (node.size() == 0) values.source.fail(node, path, "expected at least one step, got an empty list");
  std::vector<Step> program;
  for (std::size_t i = 0; i < node.size(); ++i)
    program.push_back(read_one_step(*this, node[i], path + "[" + std::to_string(i) + "]", depth));
  return program;
}

std::vector<Step> read_thread_program(const ValueReader& values, const std::vector<ChannelSpec>& channels,
                                      const YAML::Node& node, const std::string& path,
                                      const std::vector<RequestSpec>& requests,
                                      const std::vector<SemaphoreSpec>& semaphores) {
  StepReading r(values, channels);
  r.requests = &requests;
  r.semaphores = &semaphores;
  std::vector<Step> program = r.read_program(node, path, 0);
  if (r.holds_any())
    values.source.fail(node, path, "the thread ends holding " + r.list_held() + "; release every lock it takes");
  return program;
}

}  // namespace gilsim
