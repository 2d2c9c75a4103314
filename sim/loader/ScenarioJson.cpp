#include "sim/loader/ScenarioJson.hpp"

#include <string>

#include "sim/util/JsonWriter.hpp"

namespace gilsim {
namespace {

void write_latency(std::ostream& out, const Latency& latency) {
  switch (latency.kind) {
    case Latency::Kind::Fixed:
      out << "{\"distribution\": \"fixed\", \"latency_s\": " << json::seconds(latency.a) << "}";
      break;
    case Latency::Kind::Uniform:
      out << "{\"distribution\": \"uniform\", \"min_s\": " << json::seconds(latency.a)
          << ", \"max_s\": " << json::seconds(latency.b) << "}";
      break;
    case Latency::Kind::Exponential:
      out << "{\"distribution\": \"exponential\", \"mean_s\": " << json::seconds(latency.a) << "}";
      break;
  }
}

void write_asyncio(std::ostream& out, const AsyncioStep& loop, const std::string& pad);

void write_program(std::ostream& out, const std::vector<Step>& program, const std::string& pad) {
  out << "[";
  for (std::size_t i = 0; i < program.size(); ++i) {
    const Step& step = program[i];
    out << (i ? "," : "") << "\n" << pad << "  {\"label\": " << json::quote(step.label) << ", ";
    if (const auto* cpu = std::get_if<CpuStep>(&step.action)) {
      out << "\"kind\": \"cpu\", \"seconds\": " << json::seconds(cpu->seconds) << "}";
    } else if (const auto* native = std::get_if<NativeStep>(&step.action)) {
      out << "\"kind\": \"native\", \"seconds\": " << json::seconds(native->seconds)
          << ", \"threads\": " << native->threads << "}";
    } else if (const auto* sleep = std::get_if<SleepStep>(&step.action)) {
      out << "\"kind\": \"sleep\", \"seconds\": " << json::seconds(sleep->seconds) << "}";
    } else if (const auto* io = std::get_if<IoStep>(&step.action)) {
      out << "\"kind\": \"io\", \"latency\": ";
      write_latency(out, io->latency);
      out << "}";
    } else if (const auto* put = std::get_if<PutStep>(&step.action)) {
      out << "\"kind\": \"put\", \"channel\": " << json::quote(put->channel) << ", \"bytes\": " << json::number(put->bytes, 0)
          << ", \"objects\": " << json::number(put->objects, 0) << "}";
    } else if (const auto* get = std::get_if<GetStep>(&step.action)) {
      out << "\"kind\": \"get\", \"channel\": " << json::quote(get->channel) << "}";
    } else if (const auto* consume = std::get_if<ConsumeStep>(&step.action)) {
      out << "\"kind\": \"consume\", \"channel\": " << json::quote(consume->channel) << ", \"steps\": ";
      write_program(out, consume->body, pad + "  ");
      out << "}";
    } else if (const auto* loop = std::get_if<AsyncioStep>(&step.action)) {
      write_asyncio(out, *loop, pad);
    } else if (const auto* map = std::get_if<ExecutorMapStep>(&step.action)) {
      out << "\"kind\": \"executor_map\", \"workers\": " << map->pool.workers << ", \"start_method\": \""
          << start_method_name(map->pool.start_method) << "\", \"tasks\": " << map->tasks
          << ", \"chunksize\": " << map->chunksize << ", \"input_bytes\": " << json::number(map->payload.input_bytes, 0)
          << ", \"output_bytes\": " << json::number(map->payload.output_bytes, 0)
          << ", \"objects\": " << json::number(map->payload.objects, 0) << ", \"steps\": ";
      write_program(out, map->program, pad + "  ");
      out << "}";
    } else if (const auto* offload = std::get_if<RunInExecutorStep>(&step.action)) {
      out << "\"kind\": \"run_in_executor\", ";
      const Payload& p = offload->payload;
      if (p.input_bytes > 0 || p.output_bytes > 0 || p.objects > 0)  // only a process pool pickles them
        out << "\"input_bytes\": " << json::number(p.input_bytes, 0) << ", \"output_bytes\": "
            << json::number(p.output_bytes, 0) << ", \"objects\": " << json::number(p.objects, 0) << ", ";
      out << "\"steps\": ";
      write_program(out, offload->work, pad + "  ");
      out << "}";
    } else if (const auto* lock = std::get_if<LockStep>(&step.action)) {
      out << "\"kind\": \"" << (lock->acquire ? "lock" : "unlock") << "\", \"lock\": " << json::quote(lock->lock) << "}";
    } else if (const auto* repeat = std::get_if<RepeatStep>(&step.action)) {
      out << "\"kind\": \"repeat\", \"count\": " << repeat->count << ", \"steps\": ";
      write_program(out, repeat->body, pad + "  ");
      out << "}";
    }
  }
  out << "\n" << pad << "]";
}

// Identical coroutines keep the form {tasks, program}; several kinds of coroutines, and the
// loop's queues, have keys of their own (present only when used).
void write_asyncio(std::ostream& out, const AsyncioStep& loop, const std::string& pad) {
  out << "\"kind\": \"asyncio\", ";
  if (loop.coroutines.size() == 1 && loop.coroutines[0].name == "task") {
    out << "\"tasks\": " << loop.coroutines[0].count << ", \"executor_threads\": " << loop.executor_threads
        << ", \"program\": ";
    write_program(out, loop.coroutines[0].program, pad + "  ");
  } else {
    out << "\"executor_threads\": " << loop.executor_threads << ", \"coroutines\": [";
    for (std::size_t c = 0; c < loop.coroutines.size(); ++c) {
      const CoroutineSpec& coroutine = loop.coroutines[c];
      out << (c ? "," : "") << "\n" << pad << "    {\"name\": " << json::quote(coroutine.name)
          << ", \"count\": " << coroutine.count << ", \"program\": ";
      write_program(out, coroutine.program, pad + "    ");
      out << "}";
    }
    out << "]";
  }
  if (loop.process_pool)
    out << ", \"executor\": {\"kind\": \"processes\", \"workers\": " << loop.process_pool->workers
        << ", \"start_method\": \"" << start_method_name(loop.process_pool->start_method) << "\"}";
  if (!loop.queues.empty()) {
    out << ", \"queues\": [";
    for (std::size_t q = 0; q < loop.queues.size(); ++q)
      out << (q ? ", " : "") << "{\"name\": " << json::quote(loop.queues[q].name)
          << ", \"maxsize\": " << loop.queues[q].maxsize << "}";
    out << "]";
  }
  out << "}";
}

}  // namespace

void write_scenario_json(std::ostream& out, const Scenario& s) {
  const GilConfig& gil = s.runtime.gil;
  out << "{\n  \"file\": " << json::quote(s.file) << ",\n  \"name\": " << json::quote(s.name)
      << ",\n  \"variant\": " << json::quote(s.variant) << ",\n  \"description\": " << json::quote(s.description)
      << ",\n  \"machine\": {\"cores\": " << s.machine.cores << ", \"smt\": " << s.machine.smt
      << ", \"smt_yield\": " << json::number(s.machine.smt_yield) << ", \"speed\": " << json::number(s.machine.speed)
      << "},\n  \"runtime\": {\"switch_interval_s\": " << json::seconds(gil.switch_interval)
      << ", \"seed\": " << s.runtime.seed << ", \"build\": "
      << (s.runtime.build == PythonBuild::FreeThreaded ? "\"free-threaded\"" : "\"default\"")
      << ", \"free_threaded_slowdown\": " << json::number(s.runtime.free_threaded_slowdown) << ", \"gil\": {\"timer_slack_s\": " << json::seconds(gil.timer_slack)
      << ", \"drop_latency_s\": " << json::seconds(gil.drop_latency)
      << ", \"wakeup_latency_s\": " << json::seconds(gil.wakeup_latency)
      << ", \"tie_jitter_s\": " << json::seconds(gil.tie_jitter) << "}},\n  \"channels\": [";
  for (std::size_t c = 0; c < s.channels.size(); ++c)
    out << (c ? ", " : "") << "{\"name\": " << json::quote(s.channels[c].name) << ", \"kind\": \""
        << channel_kind_name(s.channels[c].kind) << "\"}";
  out << "],\n  \"processes\": [";
  for (std::size_t p = 0; p < s.processes.size(); ++p) {
    const ProcessSpec& process = s.processes[p];
    out << (p ? "," : "") << "\n    {\"name\": " << json::quote(process.name) << ", \"count\": " << process.count
        << ", \"start_method\": "
        << (process.start_method ? json::quote(start_method_name(*process.start_method)) : std::string("null"))
        << (process.is_parent ? ", \"parent\": true" : "") << ", \"threads\": [";
    for (std::size_t t = 0; t < process.threads.size(); ++t) {
      const ThreadSpec& thread = process.threads[t];
      out << (t ? "," : "") << "\n      {\"name\": " << json::quote(thread.name) << ", \"count\": " << thread.count
          << ", \"interpreter\": " << json::quote(thread.interpreter) << ", \"program\": ";
      write_program(out, thread.program, "        ");
      out << "}";
    }
    out << "\n    ]}";
  }
  out << "\n  ]\n}";
}

}  // namespace gilsim
