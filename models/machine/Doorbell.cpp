#include "models/machine/Doorbell.hpp"

#include "models/machine/KernelCall.hpp"

namespace sg4 = simgrid::s4u;

namespace gilsim {

const sg4::ExecPtr& Doorbell::arm() {
  if (!exec_) {
    exec_ = sg4::this_actor::exec_init(1.0);
    in_kernel([this] {
      exec_->set_host(host_);
      exec_->start();
      exec_->suspend();
    });
    rung_ = false;
  }
  return exec_;
}

void Doorbell::ring() {
  if (!exec_ || rung_) return;
  rung_ = true;
  exec_->resume();
}

const std::vector<sg4::ExecPtr>& Doorbell::with(const sg4::ExecPtr& job) {
  waitset_.resize(2);
  waitset_[0] = job;
  waitset_[1] = arm();
  return waitset_;
}

void Doorbell::answered() { exec_ = nullptr; }

void Doorbell::disarm() {
  if (exec_ && !rung_) exec_->cancel();  // nobody waits on it: no exception is thrown
  exec_ = nullptr;
}

}  // namespace gilsim
