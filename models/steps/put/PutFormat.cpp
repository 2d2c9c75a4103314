#include "models/steps/put/PutStep.hpp"

#include <ostream>

#include "sim/loader/ScenarioJson.hpp"
#include "sim/loader/StepReading.hpp"
#include "sim/util/JsonWriter.hpp"
#include "sim/util/Units.hpp"

// How `put` steps are read from YAML and exported as JSON (docs/trace-format.md).

namespace gilsim {

Step read_step(StepTag<PutStep>, StepReading& r, const YAML::Node& key, const YAML::Node& value,
               const std::string& path, int depth) {
  (void)key, (void)depth;
  const ValueReader& values = r.values;
  MapReader map(values.source, value, path);
  PutStep put;
  put.channel = r.read_channel_name(map.require("channel"), map.path_of("channel"));
  const YAML::Node bytes = map.get("bytes");
  if (bytes.IsDefined()) put.bytes = read_size(values, bytes, map.path_of("bytes"));
  const YAML::Node objects = map.get("objects");
  if (objects.IsDefined())
    put.objects = static_cast<double>(values.integer(objects, map.path_of("objects"), 0, 1000000000000LL));
  map.reject_unknown_keys();
  for (const ChannelSpec& c : r.channels)
    if (c.name == put.channel && is_socket(c.kind)) {  // sock.sendall(data): bytes, nothing pickled
      if (put.bytes < 1)
        values.source.fail(bytes.IsDefined() ? bytes : value, bytes.IsDefined() ? map.path_of("bytes") : path,
                           "a message on socket channel '" + c.name +
                               "' needs bytes of at least 1B (sock.send(b'') sends nothing)");
      if (put.objects > 0)
        values.source.fail(objects, map.path_of("objects"),
                           "socket channel '" + c.name + "' carries bytes, not pickled objects: "
                           "count their pickled size in bytes and leave out objects");
    }
  const std::string label = "put " + put.channel;
  return {std::move(put), label};
}

void write_step(std::ostream& out, const PutStep& step, const std::string&) {
  out << "\"kind\": \"put\", \"channel\": " << json::quote(step.channel) << ", \"bytes\": " << json::number(step.bytes, 0)
      << ", \"objects\": " << json::number(step.objects, 0) << "}";
}

}  // namespace gilsim
