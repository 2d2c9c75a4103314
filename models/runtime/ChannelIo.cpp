#include "models/runtime/ChannelIo.hpp"

#include <algorithm>

#include "sim/scenario/WorkloadLayout.hpp"

namespace gilsim {
namespace {

// Copies of pipe data shorter than this take no simulated time: they are not measurable, and
// an exec that short is below what SimGrid times reliably.
constexpr double kShortestCopy = 1e-9;  // s

// Two regimes per byte: a payload's first `cache_size` bytes at the cached rate, the rest at the
// large one (README "Per-call costs": pickling 64 MiB runs slower per byte than 64 KiB).
double per_byte_time(double bytes, double cache_size, double cached_rate, double large_rate) {
  const double cached = std::min(bytes, cache_size);
  return cached / cached_rate + (bytes - cached) / large_rate;
}

}  // namespace

// ForkingPickler.dumps: the call (a BytesIO and a Pickler made per call), then its bytes and
// objects.
double ChannelIo::pickle_cost(const Message& m) const {
  const IpcConfig& ipc = thread_.runtime().ipc;
  return ipc.pickle_call + per_byte_time(m.bytes, ipc.pickle_cache_size, ipc.pickle_bandwidth, ipc.pickle_large_bandwidth) +
         m.objects * ipc.pickle_per_object;
}

double ChannelIo::unpickle_cost(const Message& m) const {
  const IpcConfig& ipc = thread_.runtime().ipc;
  return ipc.unpickle_call +
         per_byte_time(m.bytes, ipc.pickle_cache_size, ipc.unpickle_bandwidth, ipc.unpickle_large_bandwidth) +
         m.objects * ipc.unpickle_per_object;
}

void ChannelIo::run_syscall(double seconds) {
  if (seconds >= kShortestCopy) thread_.machine().run(thread_.id(), seconds);
}

void ChannelIo::put(const PutStep& step) {
  const int process = thread_.process_index();
  const IpcConfig& ipc = thread_.runtime().ipc;
  PythonWorld& world = thread_.world();
  const Message message{step.bytes, step.objects};
  thread_.run_python(pool_step_cost(thread_.runtime().mp_pool, step.pool_python));
  if (Pipe* pipe = world.pipe(step.channel)) {
    if (is_socket(pipe->kind())) {  // sock.sendall(data): the bytes as they are
      send(*pipe, message);
    } else if (pipe->kind() == ChannelKind::MpQueue) {  // put() buffers; the feeder thread pickles and writes
      thread_.run_python(ipc.mp_queue_put);
      world.feeder_buffer(process, step.channel).deliver(message);
    } else {  // SimpleQueue.put: pickles, then sends under the write lock
      thread_.run_python(pickle_cost(message));
      send(*pipe, message);
    }
    return;
  }
  Channel& channel = world.channel(process, step.channel);
  thread_.run_python(channel.kind() == ChannelKind::Queue ? ipc.queue_op : pickle_cost(message));
  channel.deliver(message);
}

// Copies run on a core: they are CPU work in the kernel (and in recv_bytes' io.BytesIO). One
// shorter than SimGrid's numerical accuracy (surf/precision, 1 ns), such as a 4-byte length
// header, is not run: SimGrid cannot time it, and the two GIL engines would round it apart.
PipeBuffer::Copy ChannelIo::copy_at(double bandwidth) {
  return [this, bandwidth](double bytes) {
    if (bytes / bandwidth >= kShortestCopy) thread_.machine().run(thread_.id(), bytes / bandwidth);
  };
}

// Connection.send_bytes: its Python (struct.pack, the concatenation, _send's loop) with the GIL
// held, then os.write, which releases it; the writer blocks while the pipe is full. A socket's
// sock.sendall is one call, all of it with the GIL released.
void ChannelIo::send(Pipe& pipe, const Message& message) {
  const IpcConfig& ipc = thread_.runtime().ipc;
  const bool socket = is_socket(pipe.kind());
  const double syscall = socket ? ipc.socket(pipe.kind()).send : ipc.write_syscall;
  if (!socket) thread_.run_python(ipc.send_call);
  thread_.set_blocked_on("room in channel '" + pipe.name() + "', whose " + (socket ? "socket" : "pipe") +
                         " is full (nothing reads it)");
  thread_.without_gil(ThreadState::Io, [&] {
    pipe.send(thread_.id(), message, copy_at(ipc.pipe_write_bandwidth), [&] { run_syscall(syscall); });
  });
  thread_.clear_blocked_on();
}

bool ChannelIo::receive(Channel& channel, Message& message, const std::function<void()>& taken) {
  if (!channel.try_receive(message)) {
    bool open = true;
    if (thread_.blocked_on().empty()) thread_.set_blocked_on("channel '" + channel.name() + "'");
    thread_.without_gil(ThreadState::Wait, [&] { open = channel.receive(message); });
    thread_.clear_blocked_on();
    if (!open) return false;
  }
  if (taken) taken();
  thread_.enter(ThreadState::Python);
  thread_.run_python(channel.kind() == ChannelKind::Queue ? thread_.runtime().ipc.queue_op : unpickle_cost(message));
  return true;
}

// SimpleQueue.get / Queue.get: waits for a message (state wait), reads it as it arrives (io, the
// GIL released around each os.read: one for the header, then one per chunk of the body), then
// runs recv_bytes' Python (and Queue.get's, for a multiprocessing.Queue) and unpickles it. A
// socket's reader runs sock.recv until the message is in, and nothing after it.
bool ChannelIo::receive(Pipe& pipe, Message& message, const std::function<void()>& taken) {
  const IpcConfig& ipc = thread_.runtime().ipc;
  const bool socket = is_socket(pipe.kind());
  const PipeBuffer::Copy copy = copy_at(ipc.pipe_read_bandwidth);
  const double read_cost = socket ? ipc.socket(pipe.kind()).recv : ipc.read_syscall;
  const Pipe::Syscall syscall = [&] {
    if (socket) thread_.enter(ThreadState::Io);  // a socket's first recv runs once bytes are there
    run_syscall(read_cost);
  };
  bool open = true;
  if (thread_.blocked_on().empty()) thread_.set_blocked_on("channel '" + pipe.name() + "'");
  thread_.without_gil(ThreadState::Wait, [&] {
    open = pipe.receive_header(thread_.id(), message, copy, syscall);
    if (!open) return;
    thread_.enter(ThreadState::Io);
    pipe.receive_body(thread_.id(), copy, syscall);
  });
  thread_.clear_blocked_on();
  if (!open) return false;
  if (taken) taken();
  thread_.enter(ThreadState::Python);
  if (!socket)
    thread_.run_python(ipc.recv_call + (pipe.kind() == ChannelKind::MpQueue ? ipc.mp_queue_get : 0) + unpickle_cost(message));
  return true;
}

bool ChannelIo::receive(const std::string& channel, Message& message) {
  if (Pipe* pipe = thread_.world().pipe(channel)) return receive(*pipe, message);
  return receive(thread_.world().channel(thread_.process_index(), channel), message);
}

void ChannelIo::get(const GetStep& step) {
  Message message;
  if (!receive(step.channel, message)) throw ChannelClosed{step.channel};
  thread_.run_python(pool_step_cost(thread_.runtime().mp_pool, step.pool_python));
}

// Lib/multiprocessing/queues.py _feed: pickles each buffered object and sends it through the
// pipe; it waits on the buffer only when it is empty, and returns once the buffer is closed.
void ChannelIo::feed_pipe(Channel& buffer, Pipe& pipe) {
  Message message;
  for (;;) {
    if (!buffer.try_receive(message)) {
      bool open = true;
      thread_.without_gil(ThreadState::Wait, [&] { open = buffer.receive(message); });
      if (!open) return;
    }
    thread_.enter(ThreadState::Python);
    thread_.run_python(pickle_cost(message));
    send(pipe, message);
  }
}

void ChannelIo::finish_writing(const std::vector<Step>& program) {
  PythonWorld& world = thread_.world();
  const int process = thread_.process_index();
  if (auto executor = world.executors.find(thread_.id()); executor != world.executors.end())
    executor->second->work_queue().writer_finished();  // executor.shutdown(): the workers leave
  if (const auto* feeder = program.empty() ? nullptr : std::get_if<FeederStep>(&program[0].action)) {
    if (feeder->pool_owner < 0) world.pipe(feeder->channel)->writer_finished();  // else the pool's
    return;
  }
  for (const std::string& name : WorkloadLayout::channels_put_by(program)) {
    Pipe* pipe = world.pipe(name);
    if (!pipe) world.channel(process, name).writer_finished();
    else if (pipe->kind() == ChannelKind::MpQueue) world.feeder_buffer(process, name).writer_finished();
    else pipe->writer_finished();
  }
}

}  // namespace gilsim
