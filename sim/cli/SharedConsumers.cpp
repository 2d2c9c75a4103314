#include "sim/cli/SharedConsumers.hpp"

#include <map>
#include <set>

#include "models/steps/StepTree.hpp"
#include "sim/scenario/WorkloadLayout.hpp"

namespace gilsim {
namespace {

// A queue.Queue (or an interpreter queue) exists once per process instance; pipes and
// multiprocessing.Queues are one object shared by processes.
std::string channel_instance(const Scenario& scenario, const std::string& process, const std::string& channel) {
  for (const ChannelSpec& c : scenario.channels)
    if (c.name == channel && (c.kind == ChannelKind::Queue || c.kind == ChannelKind::InterpreterQueue))
      return process + "/" + channel;
  return channel;
}

void find_loops(const std::vector<Step>& program, int& index, const SharedConsumeLoop& where, const Scenario& scenario,
                std::vector<SharedConsumeLoop>& loops) {
  for (const Step& step : program) {
    const int at = index++;
    if (const auto* consume = std::get_if<ConsumeStep>(&step.action)) {
      SharedConsumeLoop loop = where;
      loop.step = at;
      loop.body_steps = subtree_size(consume->body);
      loop.channel = channel_instance(scenario, where.process, consume->channel);
      loops.push_back(loop);
    }
    // Nested steps are numbered in pre-order, as the simulator and the recorder number them.
    for_each_nested(step, [&](const std::vector<Step>& nested, Nested how) {
      if (how.indexed()) find_loops(nested, index, where, scenario, loops);
    });
  }
}

}  // namespace

std::vector<SharedConsumeLoop> shared_consume_loops(const Scenario& scenario) {
  const WorkloadLayout layout(scenario);
  std::vector<SharedConsumeLoop> loops;
  for (const ThreadInstance& thread : layout.threads()) {
    if (!thread.spec) continue;
    SharedConsumeLoop where;
    where.process = layout.processes()[thread.process].name;
    where.thread = thread.name;
    int index = 0;
    find_loops(thread.spec->program, index, where, scenario, loops);
  }
  std::map<std::string, std::set<std::pair<std::string, std::string>>> consumers;  // channel -> threads
  for (const SharedConsumeLoop& l : loops) consumers[l.channel].emplace(l.process, l.thread);
  std::vector<SharedConsumeLoop> shared;
  for (const SharedConsumeLoop& l : loops)
    if (consumers[l.channel].size() > 1) shared.push_back(l);
  return shared;
}

}  // namespace gilsim
