#include "sim/cli/SweepCommand.hpp"

#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <iostream>
#include <sstream>

#include <boost/program_options.hpp>

#include "sim/sweep/ProcessPool.hpp"
#include "sim/sweep/LatencySvg.hpp"
#include "sim/sweep/ScalingSvg.hpp"
#include "sim/sweep/SweepPlan.hpp"
#include "sim/sweep/SweepReport.hpp"
#include "sim/trace/SeedSpread.hpp"
#include "sim/util/CheckedOutput.hpp"
#include "sim/util/ScenarioError.hpp"

namespace po = boost::program_options;

namespace gilsim {
namespace {

using namespace gilsim::sweep;

const char* const kUsage = "gilsim sweep SCENARIO --out DIR --cores LIST [options]";

po::options_description describe_options() {
  po::options_description options(std::string("usage: ") + kUsage + "\n       gilsim sweep --collect DIR\n\noptions");
  options.add_options()
      ("help,h", "show this help")
      ("out", po::value<std::string>()->value_name("DIR"), "directory for the results (created); runs/ in it keeps one result per configuration")
      ("cores", po::value<std::string>()->value_name("LIST"), "core counts, e.g. 1,2,4,8 (1 is always added as the speedup baseline)")
      ("smt", po::value<std::string>()->value_name("LIST"), "hardware threads per core, e.g. 1,2 (default: the scenario's)")
      ("switch-interval", po::value<std::string>()->value_name("LIST"), "GIL switch intervals, e.g. 5ms,15ms (default: the scenario's)")
      ("strategy", po::value<std::string>()->value_name("LIST"), "strategies to compare: variants of the scenario, e.g. threads,processes (default: all)")
      ("set", po::value<std::vector<std::string>>()->composing()->value_name("PATH=V1,V2"),
       "sweep any scenario value: --set path=v1,v2 (repeatable; commas inside [] or {} do not split)")
      ("seeds", po::value<std::string>()->value_name("N"),
       "run each configuration with N seeds (runtime.seed, seed+1, ...): one row with means and 95% confidence "
       "intervals, and strategies tied for best when their intervals overlap (2 to 1000)")
      ("jobs,j", po::value<std::string>()->value_name("N"), "simulations at once (default: the number of CPUs)")
      ("emit-jobs", po::bool_switch(), "print one shell command per configuration instead of running them")
      ("collect", po::value<std::string>()->value_name("DIR"), "build the outputs in DIR from its sweep.json and runs/, running nothing")
      ("no-progress", po::bool_switch(), "no progress bar on stderr");
  return options;
}

int available_cpus() {
  cpu_set_t set;
  if (sched_getaffinity(0, sizeof set, &set) == 0) return std::max(1, CPU_COUNT(&set));
  const long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<int>(n) : 1;
}

std::string self_path() {
  char buffer[4096];
  const ssize_t n = ::readlink("/proc/self/exe", buffer, sizeof buffer - 1);
  if (n <= 0) throw std::runtime_error("cannot resolve /proc/self/exe");
  return std::string(buffer, n);
}

bool file_exists(const std::string& path) {
  struct stat st;
  return ::stat(path.c_str(), &st) == 0;
}

void make_directory(const std::string& path, const std::string& option) {
  make_directories(path, option);
  struct stat st;
  if (::stat(path.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) throw ScenarioError(option, path + " is not a directory");
}

std::string absolute_directory(const std::string& path) {
  char* resolved = ::realpath(path.c_str(), nullptr);
  if (!resolved) return path;
  std::string result(resolved);
  std::free(resolved);
  return result;
}

// Writes `path` through a temporary file and a rename, so a reader never sees half of it; every
// write is checked (a full disk is an error, not a truncated result).
void write_atomically(const std::string& path, const std::function<void(std::ostream&)>& writer) {
  const std::string tmp = path + ".tmp";
  write_output_file(tmp, writer);
  if (std::rename(tmp.c_str(), path.c_str()) != 0)
    throw std::runtime_error("cannot rename " + tmp + " to " + path + ": " + std::strerror(errno));
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

volatile std::sig_atomic_t g_stop = 0;
void on_stop_signal(int) { g_stop = 1; }

// SIGINT and SIGTERM stop the sweep cleanly while it runs; the old handlers come back after.
class StopSignals {
 public:
  StopSignals() {
    g_stop = 0;
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, &old_int_);
    sigaction(SIGTERM, &action, &old_term_);
  }
  ~StopSignals() {
    sigaction(SIGINT, &old_int_, nullptr);
    sigaction(SIGTERM, &old_term_, nullptr);
  }

 private:
  struct sigaction old_int_ {};
  struct sigaction old_term_ {};
};

std::string clock_text(double seconds) {
  const long s = static_cast<long>(seconds + 0.5);
  char buffer[32];
  if (s >= 3600) std::snprintf(buffer, sizeof buffer, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buffer, sizeof buffer, "%ld:%02ld", s / 60, s % 60);
  return buffer;
}

// "[#########...........]  36/72  failed 1  elapsed 0:03  ETA 0:03", redrawn in place.
class ProgressBar {
 public:
  ProgressBar(bool enabled, std::size_t total, std::size_t already_done)
      : enabled_(enabled), total_(total), done_(already_done), skipped_(already_done),
        start_(std::chrono::steady_clock::now()) {}
  void finished(bool failed) {
    ++done_;
    failed_ += failed;
  }
  double elapsed() const {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  }
  // Redrawn at most 10 times a second, except when forced (the first and last state).
  void draw(bool force = false) {
    if (!enabled_) return;
    const double now = elapsed();
    if (!force && now - last_draw_ < 0.1) return;
    last_draw_ = now;
    constexpr int kWidth = 30;
    const double fraction = total_ ? static_cast<double>(done_) / total_ : 1;
    const int filled = static_cast<int>(fraction * kWidth);
    const std::size_t ran = done_ - skipped_, left = total_ - done_;
    const std::string eta = ran > 0 ? clock_text(elapsed() / ran * left) : "?";
    std::fprintf(stderr, "\r[%s%s] %zu/%zu  failed %zu  elapsed %s  ETA %s \x1b[K", std::string(filled, '#').c_str(),
                 std::string(kWidth - filled, '.').c_str(), done_, total_, failed_, clock_text(elapsed()).c_str(),
                 eta.c_str());
    std::fflush(stderr);
  }
  void clear() {
    if (enabled_) std::fprintf(stderr, "\r\x1b[K");
  }

 private:
  bool enabled_;
  std::size_t total_, done_, skipped_, failed_ = 0;
  std::chrono::steady_clock::time_point start_;
  double last_draw_ = -1;
};

// Writes results.csv, results.json, results.txt, scaling.svg (and latency.svg when requests were
// served) and explanation.txt, and prints the table and the explanation.
SweepReport write_outputs(const SweepPlan& plan, const std::string& dir) {
  SweepReport report = build_report(plan, dir);
  write_atomically(dir + "/results.csv", [&](std::ostream& out) { write_csv(out, report); });
  write_atomically(dir + "/results.json", [&](std::ostream& out) { write_json(out, report); });
  write_atomically(dir + "/results.txt", [&](std::ostream& out) { write_table(out, report); });
  write_atomically(dir + "/scaling.svg", [&](std::ostream& out) { write_scaling_svg(out, report); });
  if (has_latency(report))
    write_atomically(dir + "/latency.svg", [&](std::ostream& out) { write_latency_svg(out, report); });
  write_atomically(dir + "/explanation.txt", [&](std::ostream& out) { write_explanation(out, report); });
  write_table(std::cout, report);
  std::cout << "\n";
  write_explanation(std::cout, report);
  return report;
}

// Runs the configurations that have no result yet. Returns false when interrupted.
bool run_pending(const SweepPlan& plan, const std::string& dir, int jobs, bool progress, std::size_t& ran,
                 std::size_t& already, std::size_t& failed) {
  std::vector<const SweepConfig*> pending;
  std::size_t runnable = 0;
  for (const SweepConfig& c : plan.configs) {
    if (!c.error.empty()) continue;
    ++runnable;
    if (file_exists(result_path(dir, c))) ++already;
    else pending.push_back(&c);
  }
  std::vector<PoolJob> pool_jobs;
  for (const SweepConfig* c : pending) {
    PoolJob job{{plan.gilsim}, temp_path(dir, *c), error_path(dir, *c)};
    job.argv.insert(job.argv.end(), c->run_args.begin(), c->run_args.end());
    pool_jobs.push_back(std::move(job));
  }
  ProgressBar bar(progress, runnable, already);
  bar.draw(true);
  StopSignals signals;
  auto on_done = [&](std::size_t i, const PoolOutcome& outcome) {
    const SweepConfig& c = *pending[i];
    const std::string tmp = temp_path(dir, c), err = error_path(dir, c), result = result_path(dir, c);
    const bool ok = outcome.started && outcome.signal == 0 && outcome.exit_code == 0;
    if (ok && std::rename(tmp.c_str(), result.c_str()) == 0) {
      std::remove(err.c_str());
    } else {
      std::remove(tmp.c_str());
      std::string message = outcome.started ? read_text(err) : outcome.error;
      if (outcome.signal) message += "gilsim run was killed by signal " + std::to_string(outcome.signal) + " (" + strsignal(outcome.signal) + ")";
      else if (ok) message = "cannot rename " + tmp + " to " + result;
      else if (message.empty()) message = "gilsim run exited with status " + std::to_string(outcome.exit_code) + " without a message";
      std::ofstream(err, std::ios::binary) << message;
      ++failed;
    }
    ++ran;
    bar.finished(!ok);
  };
  const bool complete = run_pool(pool_jobs, jobs, on_done, [&] { bar.draw(); }, 0.25, &g_stop);
  bar.draw(true);
  bar.clear();
  if (!complete)
    for (const SweepConfig* c : pending)
      if (!file_exists(result_path(dir, *c))) {
        std::remove(temp_path(dir, *c).c_str());
        if (file_exists(error_path(dir, *c)) && read_text(error_path(dir, *c)).empty()) std::remove(error_path(dir, *c).c_str());
      }
  return complete;
}

std::string plural(std::size_t n, const char* word) {
  return std::to_string(n) + " " + word + (n == 1 ? "" : "s");
}

}  // namespace

int sweep_command(const std::vector<std::string>& args) {
  const po::options_description options = describe_options();
  po::variables_map vm;
  SweepPlan plan;
  std::string dir;
  int jobs = available_cpus();
  try {
    po::options_description hidden;
    hidden.add_options()("file", po::value<std::string>());
    po::options_description all;
    all.add(options).add(hidden);
    po::positional_options_description positional;
    positional.add("file", 1);
    po::store(po::command_line_parser(args).options(all).positional(positional).run(), vm);
    po::notify(vm);
    if (vm.count("help")) {
      std::cout << options
                << "\nOne row per configuration (strategy x cores x smt x interval x --set values): makespan,\n"
                   "speedup vs 1 core, efficiency, bottleneck. Outputs in DIR: results.csv, results.json,\n"
                   "results.txt, scaling.svg, explanation.txt (and latency.svg for workload.requests).\n"
                   "Re-running skips finished configurations.\n"
                   "Details: README.md (Sweeps).\n";
      return 0;
    }
    if (vm.count("collect")) {
      for (const char* other : {"file", "out", "cores", "smt", "switch-interval", "strategy", "set", "seeds", "jobs"})
        if (vm.count(other))
          throw po::error(std::string("--collect DIR reads the sweep from DIR/sweep.json; leave out ") +
                          (std::string(other) == "file" ? "the SCENARIO" : std::string("--") + other));
      if (vm["emit-jobs"].as<bool>()) throw po::error("--collect and --emit-jobs do not go together");
      dir = vm["collect"].as<std::string>();
      if (dir.empty()) throw ScenarioError("--collect ''", "expected the directory of a sweep");
      plan = read_plan_json(dir + "/sweep.json");
    } else {
      if (!vm.count("file")) throw po::error(std::string("missing the SCENARIO file (") + kUsage + ")");
      if (!vm.count("out")) throw po::error("missing --out DIR: the directory for the results");
      if (!vm.count("cores")) throw po::error("missing --cores LIST, e.g. --cores 1,2,4,8");
      SweepRequest request;
      request.scenario = vm["file"].as<std::string>();
      request.cores = parse_int_list("--cores", vm["cores"].as<std::string>(), 1, 4096);
      if (vm.count("smt")) request.smt = parse_int_list("--smt", vm["smt"].as<std::string>(), 1, 8);
      if (vm.count("switch-interval"))
        request.switch_intervals = parse_duration_list("--switch-interval", vm["switch-interval"].as<std::string>());
      if (vm.count("strategy")) request.strategies = parse_name_list("--strategy", vm["strategy"].as<std::string>());
      if (vm.count("set"))
        for (const std::string& text : vm["set"].as<std::vector<std::string>>()) request.sets.push_back(parse_set_axis(text));
      if (vm.count("seeds")) request.seeds = parse_seed_count(vm["seeds"].as<std::string>());
      if (vm.count("jobs")) {
        const std::string text = vm["jobs"].as<std::string>();
        if (text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos ||
            std::stoi(text) < 1 || std::stoi(text) > kMaxJobs)
          throw ScenarioError("-j " + text, "expected an integer from 1 to " + std::to_string(kMaxJobs));
        jobs = std::stoi(text);
      }
      plan = build_plan(request, self_path());
      const std::string out = vm["out"].as<std::string>();
      // An empty DIR would put the results at the filesystem root ('' + "/runs").
      if (out.empty()) throw ScenarioError("--out ''", "expected a directory name for the results");
      make_directory(out + "/runs", "--out " + out);
      dir = absolute_directory(out);
      write_atomically(dir + "/sweep.json", [&](std::ostream& o) { write_plan_json(o, plan); });
    }
  } catch (const po::error& e) {
    std::cerr << "gilsim sweep: error: " << e.what() << "\n(try 'gilsim sweep --help')\n";
    return 2;
  } catch (const ScenarioError& e) {
    std::cerr << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "gilsim sweep: error: " << e.what() << "\n";
    return 2;
  }

  try {
    if (vm["emit-jobs"].as<bool>()) {
      std::size_t emitted = 0, done = 0, invalid = 0;
      for (const SweepConfig& c : plan.configs) {
        if (!c.error.empty()) ++invalid;
        else if (file_exists(result_path(dir, c))) ++done;
        else {
          std::cout << job_command(plan, dir, c) << "\n";
          ++emitted;
        }
      }
      std::cerr << "gilsim sweep: " << plural(emitted, "command") << " for " << plural(plan.configs.size(), "configuration")
                << (done ? " (" + std::to_string(done) + " already have results)" : std::string(""))
                << (invalid ? " (" + std::to_string(invalid) + " invalid, reported in their rows)" : std::string(""))
                << "; then: gilsim sweep --collect " << dir << "\n";
      return 0;
    }

    std::size_t ran = 0, already = 0, failed_runs = 0;
    double seconds = 0;
    if (!vm.count("collect")) {
      const bool progress = !vm["no-progress"].as<bool>() && ::isatty(STDERR_FILENO);
      const auto start = std::chrono::steady_clock::now();
      const bool complete = run_pending(plan, dir, jobs, progress, ran, already, failed_runs);
      seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      if (!complete) {
        std::cerr << "gilsim sweep: interrupted after " << plural(ran, "run") << "; run the same command again to resume\n";
        return 130;
      }
    }
    const SweepReport report = write_outputs(plan, dir);
    std::size_t invalid = 0;
    for (const SweepConfig& c : plan.configs) invalid += !c.error.empty();
    char line[512];
    if (vm.count("collect"))
      std::snprintf(line, sizeof line, "gilsim sweep: collected %zu configurations: %zu with results, %zu without",
                    report.rows.size(), report.rows.size() - report.failed, report.failed);
    else
      std::snprintf(line, sizeof line,
                    "gilsim sweep: %zu configurations: %zu run in %.1fs (%d at a time), %zu already done, %zu failed, "
                    "%zu invalid",
                    report.rows.size(), ran, seconds, jobs, already, failed_runs, invalid);
    std::cerr << line << "; results in " << dir << "/\n";
    return report.failed == 0 ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "gilsim sweep: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace gilsim
