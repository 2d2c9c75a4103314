#include "sim/cli/CaseValidateCommand.hpp"

#include <cstdlib>
#include <iostream>

#include <boost/program_options.hpp>

#include "sim/util/ScenarioError.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/trace/ReportFormat.hpp"
#include "sim/validation/CaseComparison.hpp"
#include "sim/validation/ModelScale.hpp"

namespace po = boost::program_options;

namespace gilsim {
namespace {

po::options_description describe_options() {
  po::options_description options("gilsim validate --case CASE.yaml [options]");
  options.add_options()("help,h", "show this help")
      ("case", po::value<std::string>(), "a validation case: scenarios/validation/<case>/case.yaml")
      ("run", po::value<std::vector<std::string>>()->composing(), "only runs matching this pattern ('*' wildcard; repeatable)")
      ("metric", po::value<std::vector<std::string>>()->composing(), "only this metric (repeatable)")
      ("scale", po::value<std::vector<std::string>>()->composing(),
       "simulate with a deliberately wrong model: PATH=FACTOR multiplies a resolved parameter (repeatable)")
      ("set", po::value<std::vector<std::string>>()->composing()->value_name("KEY=VALUE"),
       "override a scenario key in every run, after the run's own overrides (machine.scheduler=eevdf)")
      ("control", po::value<std::string>(), "run the case's negative control NAME: passes when its named comparisons fail")
      ("list", po::bool_switch(), "print the case's runs (with the program's arguments), metrics and controls, then exit")
      ("include-noisy", po::bool_switch(), "diagnosis only: average noisy repetitions in too (never for results)")
      ("json", po::bool_switch(), "print the reports as JSON")
      ("svg", po::value<std::string>(), "per run, simulated and measured lanes side by side (PATH.<run>.svg)")
      ("log", po::value<std::vector<std::string>>()->composing(), "SimGrid --log setting (passed through)")
      ("cfg", po::value<std::vector<std::string>>()->composing(), "SimGrid --cfg setting (passed through)");
  return options;
}

std::vector<std::string> strings(const po::variables_map& vm, const char* key) {
  return vm.count(key) ? vm[key].as<std::vector<std::string>>() : std::vector<std::string>{};
}

std::pair<std::string, double> parse_scale(const std::string& text) {
  const std::size_t eq = text.find('=');
  const std::string path = text.substr(0, eq);
  char* end = nullptr;
  const double factor = eq == std::string::npos ? -1 : std::strtod(text.c_str() + eq + 1, &end);
  if (eq == std::string::npos || !is_scalable(path) || *end != '\0' || !(factor >= 0))
    throw ScenarioError("--scale " + text, "expected PATH=FACTOR with a factor >= 0 and PATH one of: " + scalable_parameters());
  return {path, factor};
}

void list_case(const CaseFile& file, std::ostream& out) {
  out << "{\"case\": " << json::quote(file.name) << ", \"program\": " << json::quote(file.program)
      << ", \"traces\": " << json::quote(file.traces) << ", \"runs\": [";
  for (std::size_t i = 0; i < file.runs.size(); ++i) {
    const CaseRun& r = file.runs[i];
    out << (i ? ",\n  " : "\n  ") << "{\"name\": " << json::quote(r.name) << ", \"args\": [";
    for (std::size_t k = 0; k < r.args.size(); ++k) out << (k ? ", " : "") << json::quote(r.args[k]);
    out << "], \"metrics\": [";
    bool first = true;
    for (const MetricSpec& m : file.metrics)
      if (file.metric_applies(m, r.name)) {
        out << (first ? "" : ", ") << json::quote(m.name);
        first = false;
      }
    out << "]}";
  }
  out << "],\n \"controls\": [";
  for (std::size_t i = 0; i < file.controls.size(); ++i) {
    out << (i ? ", " : "") << "{\"name\": " << json::quote(file.controls[i].name) << ", \"must_fail\": [";
    for (std::size_t k = 0; k < file.controls[i].must_fail.size(); ++k)
      out << (k ? ", " : "") << json::quote(file.controls[i].must_fail[k]);
    out << "]}";
  }
  out << "]}\n";
}

// A control passes when every comparison it names fails, each computed (a comparison that
// could not be computed proves nothing).
int report_control(const CaseControl& control, const std::vector<RunReport>& reports) {
  bool ok = true;
  std::cout << "control " << control.name << ":";
  for (const auto& [path, factor] : control.scales) std::cout << " " << path << " x" << factor;
  std::cout << "\n";
  for (const std::string& named : control.must_fail) {
    const std::size_t slash = named.find('/');
    const Comparison* found = nullptr;
    std::string run_error;
    for (const RunReport& r : reports)
      if (r.run == named.substr(0, slash)) {
        run_error = r.error;
        for (const Comparison& c : r.comparisons) found = c.metric == named.substr(slash + 1) ? &c : found;
      }
    if (!found || !found->error.empty()) {
      std::cout << "  " << named << ": ERROR " << (found ? found->error : run_error) << "\n";
      ok = false;
    } else if (found->passed()) {
      std::cout << "  " << named << ": still passes (error " << signed_percent(found->error_fraction)
                << "): the control does not catch this model\n";
      ok = false;
    } else {
      std::cout << "  " << named << ": fails as required (error " << signed_percent(found->error_fraction) << ")\n";
    }
  }
  std::cout << "  result: " << (ok ? "PASS (every named comparison fails)" : "FAIL") << "\n";
  return ok ? 0 : 1;
}

}  // namespace

int case_validate_command(const std::vector<std::string>& args) {
  const po::options_description options = describe_options();
  po::variables_map vm;
  CaseOptions o;
  CaseFile file;
  const CaseControl* control = nullptr;
  try {
    po::store(po::command_line_parser(args).options(options).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << options << "\nCase files and metrics: README.md (The validation suite).\n";
      return 0;
    }
    if (!vm.count("case")) throw po::error("missing --case CASE.yaml");
    file = read_case_file(vm["case"].as<std::string>());
    if (vm["list"].as<bool>()) {
      list_case(file, std::cout);
      return 0;
    }
    o.runs = strings(vm, "run");
    o.metrics = strings(vm, "metric");
    for (const std::string& s : strings(vm, "scale")) o.scales.push_back(parse_scale(s));
    if (vm.count("svg")) o.svg = vm["svg"].as<std::string>();
    o.sets = strings(vm, "set");
    o.include_noisy = vm["include-noisy"].as<bool>();
    for (const char* pass : {"log", "cfg"})
      for (const std::string& v : strings(vm, pass)) o.simgrid_args.push_back(std::string("--") + pass + "=" + v);
    if (vm.count("control")) {
      for (const CaseControl& c : file.controls) control = c.name == vm["control"].as<std::string>() ? &c : control;
      if (!control) throw ScenarioError("--control " + vm["control"].as<std::string>(), "the case has no such control");
      if (!o.runs.empty() || !o.metrics.empty() || !o.scales.empty())
        throw po::error("--control chooses its runs, metrics and scales: do not combine it with --run, --metric or --scale");
      o.scales = control->scales;
      for (const std::string& named : control->must_fail) o.runs.push_back(named.substr(0, named.find('/')));
    }
    const std::vector<RunReport> reports = validate_case(file, o);
    if (control) return report_control(*control, reports);
    if (vm["json"].as<bool>()) write_case_json(file, reports, std::cout);
    else write_case_text(file, reports, std::cout);
    if (reports.empty()) {
      std::cerr << "gilsim validate: error: no run of " << file.file << " matches the --run and --metric selection\n";
      return 2;
    }
    for (const RunReport& r : reports)
      if (!r.passed()) return 1;
    return 0;
  } catch (const po::error& e) {
    std::cerr << "gilsim validate: error: " << e.what() << "\n(try 'gilsim validate --case X --help')\n";
    return 2;
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  }
}

}  // namespace gilsim
