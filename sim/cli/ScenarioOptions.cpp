#include "sim/cli/ScenarioOptions.hpp"

#include "sim/util/ScenarioError.hpp"
#include "sim/loader/ScenarioLoader.hpp"

namespace po = boost::program_options;

namespace gilsim {

void add_scenario_options(po::options_description& options) {
  options.add_options()
      ("cores", po::value<std::string>()->value_name("N"), "physical cores (sets machine.cores)")
      ("smt", po::value<std::string>()->value_name("K"), "hardware threads per core (sets machine.smt)")
      ("switch-interval", po::value<std::string>()->value_name("D"), "GIL switch interval, e.g. 5ms (sets runtime.switch_interval)")
      ("seed", po::value<std::string>()->value_name("N"), "random seed (sets runtime.seed)")
      ("set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=VALUE"),
       "override any scenario value, e.g. --set workload.processes[0].count=4 (repeatable)")
      ("variant", po::value<std::vector<std::string>>()->composing()->value_name("NAME"), "only this variant (repeatable)");
}

void add_gil_model_option(po::options_description& options) {
  options.add_options()
      ("gil-model", po::value<std::string>()->default_value("auto")->value_name("auto|fast|reference"),
       "GIL engine: fast (event-driven) or reference (literal port), which give the same timeline; auto (the "
       "default) is fast under machine.scheduler: fair and reference under eevdf");
}

po::variables_map parse_command_line(const std::vector<std::string>& args, const po::options_description& options,
                                     const std::string& usage) {
  po::options_description hidden;
  hidden.add_options()("file", po::value<std::string>());
  po::options_description all;
  all.add(options).add(hidden);
  po::positional_options_description positional;
  positional.add("file", 1);
  po::variables_map vm;
  po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
  po::notify(vm);
  if (!vm.count("help") && !vm.count("file")) throw po::error("missing the scenario FILE (" + usage + ")");
  return vm;
}

GilModel parse_gil_model(const std::string& name) {
  if (name == "auto") return GilModel::Auto;
  if (name == "fast") return GilModel::Fast;
  if (name == "reference") return GilModel::Reference;
  throw ScenarioError("--gil-model " + name, "expected 'auto', 'fast' or 'reference'");
}

std::vector<Scenario> load_selected_scenarios(const po::variables_map& vm) {
  std::vector<Override> overrides;
  auto shortcut = [&](const char* option, const char* key) {
    if (vm.count(option)) {
      const std::string value = vm[option].as<std::string>();
      overrides.push_back({key, value, std::string("--") + option + " " + (value.empty() ? "''" : value)});
    }
  };
  shortcut("cores", "machine.cores");
  shortcut("smt", "machine.smt");
  shortcut("switch-interval", "runtime.switch_interval");
  shortcut("seed", "runtime.seed");
  if (vm.count("set"))
    for (const auto& text : vm["set"].as<std::vector<std::string>>()) overrides.push_back(parse_override(text));

  std::vector<Scenario> scenarios = load_scenarios(vm["file"].as<std::string>(), overrides);
  if (vm.count("gil-model")) {
    const GilModel model = parse_gil_model(vm["gil-model"].as<std::string>());
    for (Scenario& s : scenarios) {
      if (model == GilModel::Fast && s.machine.scheduler.policy == SchedulerPolicy::Eevdf)
        throw ScenarioError("--gil-model fast", "the fast engine runs only under machine.scheduler: fair; with the "
                                                "EEVDF scheduler use --gil-model reference (or auto, the default)");
      s.gil_model = model;
    }
  }
  if (!vm.count("variant")) return scenarios;
  std::vector<Scenario> selected;
  for (const std::string& name : vm["variant"].as<std::vector<std::string>>()) {
    bool found = false;
    for (const Scenario& s : scenarios)
      if (s.variant == name) {
        selected.push_back(s);
        found = true;
      }
    if (!found) {
      std::string known;
      for (const Scenario& s : scenarios) known += (known.empty() ? "" : ", ") + s.variant;
      throw ScenarioError("--variant " + name, "no such variant; the scenario has: " + (known.empty() ? "none" : known));
    }
  }
  return selected;
}

}  // namespace gilsim
