#include "sim/loader/YamlGuard.hpp"

#include <map>
#include <sstream>
#include <vector>

#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/exceptions.h>
#include <yaml-cpp/parser.h>

namespace gilsim {
namespace {

// Thrown from an event to stop the parse at the first problem.
struct Stop {
  YamlProblem problem;
};

class StructureChecker : public YAML::EventHandler {
 public:
  explicit StructureChecker(std::size_t max_nodes) : max_nodes_(max_nodes) {}

  void OnDocumentStart(const YAML::Mark& mark) override {
    if (++documents_ > 1)
      throw Stop{{mark, "a second YAML document (after '---'); expected one scenario per file"}};
  }
  void OnDocumentEnd() override {}

  void OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override { leaf(mark, anchor, ""); }
  void OnScalar(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, const std::string& value) override {
    leaf(mark, anchor, value);
  }
  void OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override {
    const auto size = sizes_.find(anchor);
    // yaml-cpp refuses an unknown alias itself; an alias of an enclosing node (recursion) has no
    // size yet and is refused here, since walking it would never end.
    if (size == sizes_.end()) throw Stop{{mark, "an alias of a node that contains it (a recursive alias)"}};
    const auto scalar = scalar_anchors_.find(anchor);
    count(mark, size->second);
    if (!frames_.empty()) child_of_parent(mark, size->second, scalar == scalar_anchors_.end() ? nullptr : &scalar->second);
  }
  void OnSequenceStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(mark, anchor, false);
  }
  void OnSequenceEnd() override { close(); }
  void OnMapStart(const YAML::Mark& mark, const std::string&, YAML::anchor_t anchor, YAML::EmitterStyle::value) override {
    open(mark, anchor, true);
  }
  void OnMapEnd() override { close(); }

 private:
  struct Frame {
    YAML::Mark mark;
    YAML::anchor_t anchor = 0;
    bool is_map = false;
    std::size_t size = 1;  // nodes in the collection after expanding aliases, itself included
    std::size_t children = 0;
    std::map<std::string, YAML::Mark> keys;  // a mapping's scalar keys so far
  };

  void leaf(const YAML::Mark& mark, YAML::anchor_t anchor, const std::string& value) {
    if (anchor) {
      scalar_anchors_[anchor] = value;
      sizes_[anchor] = 1;
    }
    count(mark, 1);
    if (!frames_.empty()) child_of_parent(mark, 1, &value);
  }

  void open(const YAML::Mark& mark, YAML::anchor_t anchor, bool is_map) {
    count(mark, 1);
    Frame frame;
    frame.mark = mark;
    frame.anchor = anchor;
    frame.is_map = is_map;
    frames_.push_back(std::move(frame));
  }

  void close() {
    Frame frame = std::move(frames_.back());
    frames_.pop_back();
    if (frame.anchor) sizes_[frame.anchor] = frame.size;
    if (!frames_.empty()) child_of_parent(frame.mark, frame.size, nullptr);
  }

  // A complete node of `size` nodes in the innermost collection; `scalar` is its text when it is
  // a scalar (a possible key).
  void child_of_parent(const YAML::Mark& mark, std::size_t size, const std::string* scalar) {
    Frame& parent = frames_.back();
    parent.size += size;
    const bool is_key = parent.is_map && parent.children % 2 == 0;
    ++parent.children;
    if (!is_key || !scalar) return;
    const auto [it, inserted] = parent.keys.emplace(*scalar, mark);
    if (!inserted)
      throw Stop{{mark, "duplicate key '" + *scalar + "' (first at line " + std::to_string(it->second.line + 1) +
                            "); a key may appear once per mapping"}};
  }

  // Every node the loader would walk, aliases expanded.
  void count(const YAML::Mark& mark, std::size_t nodes) {
    total_ += nodes;
    if (total_ > max_nodes_) {
      std::ostringstream message;
      message << "the document expands to more than " << max_nodes_
              << " YAML nodes (counting each alias as the nodes it repeats); expected a smaller scenario";
      throw Stop{{mark, message.str()}};
    }
  }

  std::size_t max_nodes_;
  std::size_t total_ = 0;
  int documents_ = 0;
  std::vector<Frame> frames_;
  std::map<YAML::anchor_t, std::size_t> sizes_;
  std::map<YAML::anchor_t, std::string> scalar_anchors_;
};

}  // namespace

std::optional<YamlProblem> check_yaml_structure(const std::string& text, std::size_t max_nodes) {
  std::istringstream in(text);
  StructureChecker checker(max_nodes);
  try {
    YAML::Parser parser(in);
    while (parser.HandleNextDocument(checker)) {
    }
  } catch (const Stop& stop) {
    return stop.problem;
  } catch (const YAML::Exception&) {
    // A syntax error: YAML::Load reports it with its position.
  }
  return std::nullopt;
}

}  // namespace gilsim
