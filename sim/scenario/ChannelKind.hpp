#pragma once

namespace gilsim {

// How a channel moves a message, which decides who pays what:
//  - Queue: queue.Queue between threads of one process: the object itself, no copy.
//  - Pipe: multiprocessing Connection/SimpleQueue: the writer pickles and sends the bytes
//    through an OS pipe (models/ipc/Pipe: GIL released); the reader copies them out, unpickles.
//  - MpQueue: multiprocessing.Queue: put() only buffers; the process's feeder thread pickles
//    and sends through an OS pipe (competing for the GIL); the reader copies out, unpickles.
//  - InterpreterQueue: between sub-interpreters of a process: pickled and unpickled, no pipe.
enum class ChannelKind { Queue, Pipe, MpQueue, InterpreterQueue };
constexpr const char* channel_kind_name(ChannelKind kind) {
  switch (kind) {
    case ChannelKind::Queue: return "queue";
    case ChannelKind::Pipe: return "pipe";
    case ChannelKind::MpQueue: return "mp_queue";
    case ChannelKind::InterpreterQueue: return "interpreter_queue";
  }
  return "?";
}

}  // namespace gilsim
