#pragma once

namespace gilsim {

// How a channel moves a message, which decides who pays what:
//  - Queue: queue.Queue between threads of one process: the object itself, no copy.
//  - Pipe: multiprocessing Connection/SimpleQueue: the writer pickles and sends the bytes
//    through an OS pipe (models/ipc/Pipe: GIL released); the reader copies them out, unpickles.
//  - MpQueue: multiprocessing.Queue: put() only buffers; the process's feeder thread pickles
//    and sends through an OS pipe (competing for the GIL); the reader copies out, unpickles.
//  - InterpreterQueue: between sub-interpreters of a process: pickled and unpickled, no pipe.
//  - UnixSocket, TcpSocket: one direction of a connected stream socket (socket.socketpair(), a
//    loopback TCP connection): raw bytes, no pickling; send and recv are system calls that
//    release the GIL (models/ipc/Pipe in its socket mode).
enum class ChannelKind { Queue, Pipe, MpQueue, InterpreterQueue, UnixSocket, TcpSocket };
inline constexpr ChannelKind kChannelKinds[] = {ChannelKind::Queue,      ChannelKind::Pipe,
                                                ChannelKind::MpQueue,    ChannelKind::InterpreterQueue,
                                                ChannelKind::UnixSocket, ChannelKind::TcpSocket};
constexpr bool is_socket(ChannelKind kind) { return kind == ChannelKind::UnixSocket || kind == ChannelKind::TcpSocket; }
// Shared by every process of the program (an OS object), rather than one per process instance.
constexpr bool is_shared(ChannelKind kind) { return kind == ChannelKind::Pipe || kind == ChannelKind::MpQueue || is_socket(kind); }
constexpr const char* channel_kind_name(ChannelKind kind) {
  switch (kind) {
    case ChannelKind::Queue: return "queue";
    case ChannelKind::Pipe: return "pipe";
    case ChannelKind::MpQueue: return "mp_queue";
    case ChannelKind::InterpreterQueue: return "interpreter_queue";
    case ChannelKind::UnixSocket: return "unix_socket";
    case ChannelKind::TcpSocket: return "tcp_socket";
  }
  return "?";
}

}  // namespace gilsim
