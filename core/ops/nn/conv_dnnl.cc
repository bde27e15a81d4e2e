#include "core/ops/nn/conv_dnnl.h"

#if TESSERA_HAVE_DNNL
#include <dnnl.hpp>
#endif

#include <array>
#include <map>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "core/base/env.h"
#include "core/base/error.h"

namespace mx {

#if TESSERA_HAVE_DNNL

namespace {

using dnnl::memory;
using tag = dnnl::memory::format_tag;
using dt = dnnl::memory::data_type;

dnnl::engine& DnnlEngine() {
  static dnnl::engine* e = new dnnl::engine(dnnl::engine::kind::cpu, 0);
  return *e;
}

// The three passes' primitives for one choice of layouts.
struct Passes {
  dnnl::convolution_forward::primitive_desc fwd_pd;
  dnnl::convolution_backward_data::primitive_desc bwd_data_pd;
  dnnl::convolution_backward_weights::primitive_desc bwd_wei_pd;
  dnnl::convolution_forward fwd;
  dnnl::convolution_backward_data bwd_data;
  dnnl::convolution_backward_weights bwd_wei;
};

// Every primitive one geometry needs, built on first use.
struct ConvPrimitives {
  memory::desc user_src, user_wei, user_dst, bias;
  Passes passes;
  bool nhwc = false;  // activations in NHWC (see Build)
};

using Key = std::array<int64_t, 24>;

struct Geometry {
  memory::dims strides, dilates, pad;
  bool has_bias;
};

// The three passes' primitive descriptors for the given source, weight and destination
// layouts (tag::any lets oneDNN choose); the primitives themselves (JIT-compiled kernels) are
// made once the layouts are chosen (Build).
Passes Describe(const Geometry& g, const memory::desc& src, const memory::desc& wei,
                const memory::desc& dst, const memory::desc& bias) {
  auto algo = dnnl::algorithm::convolution_direct;
  dnnl::primitive_attr attr;  // scratchpads come from the caller (Scratchpad below)
  attr.set_scratchpad_mode(dnnl::scratchpad_mode::user);
  auto fwd =
      g.has_bias
          ? dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algo, src, wei, bias,
                                            dst, g.strides, g.dilates, g.pad, g.pad)
          : dnnl::convolution_forward::desc(dnnl::prop_kind::forward_training, algo, src, wei, dst,
                                            g.strides, g.dilates, g.pad, g.pad);
  Passes v;
  v.fwd_pd = dnnl::convolution_forward::primitive_desc(fwd, attr, DnnlEngine());
  dnnl::convolution_backward_data::desc bd(algo, src, wei, dst, g.strides, g.dilates, g.pad, g.pad);
  v.bwd_data_pd = dnnl::convolution_backward_data::primitive_desc(bd, attr, DnnlEngine(), v.fwd_pd);
  auto bw = g.has_bias ? dnnl::convolution_backward_weights::desc(
                             algo, src, wei, bias, dst, g.strides, g.dilates, g.pad, g.pad)
                       : dnnl::convolution_backward_weights::desc(algo, src, wei, dst, g.strides,
                                                                  g.dilates, g.pad, g.pad);
  v.bwd_wei_pd =
      dnnl::convolution_backward_weights::primitive_desc(bw, attr, DnnlEngine(), v.fwd_pd);
  return v;
}

// Layouts, by a fixed rule (not timing, so every process of a job computes the same bits, as
// bit-identical resume needs):
// - oneDNN's choice (blocked: channels in blocks of 16) where the input channels fill blocks;
// - plain NCHW where oneDNN's forward keeps the source plain, which it does for few input
//   channels (the seed's 3-channel first layer): its blocked output and gradients would be
//   reordered at full size in every call, which costs more than the convolution itself
//   (8x3x224x224 -> 128, 2 threads: 375 ms per training step against 165 ms), so every pass
//   runs plain (oneDNN runs them as GEMMs); NHWC there is slower still (0.27 s against 0.11);
// - NHWC where the blocks would be padded (LeNet's second convolution: 20 input channels to
//   32, computed on): 4.9-5.6 ms forward and backward against 6.8-7.0 blocked; and for one
//   input channel, whose NHWC source is the NCHW bytes (LeNet's first convolution: 4.1-4.9 ms
//   against 8.4-11 plain). RESULTS.md, session 10; TESSERA_DNNL_NHWC=0 turns NHWC off.
std::shared_ptr<ConvPrimitives> Build(const DnnlConvShape& s, bool has_bias) {
  auto p = std::make_shared<ConvPrimitives>();
  const Window& k = s.g;
  memory::dims src = {s.n, s.c, s.h, s.w}, dst = {s.n, s.f, s.oh, s.ow};
  memory::dims wei = {s.f / s.groups, s.c / s.groups, k.kh, k.kw};
  Geometry g{{k.sh, k.sw}, {k.dh - 1, k.dw - 1}, {k.ph, k.pw}, has_bias};
  if (s.three_d) {  // the depth axis after the channels, first of the window's
    src.insert(src.begin() + 2, s.d);
    dst.insert(dst.begin() + 2, s.od);
    wei.insert(wei.begin() + 2, k.kd);
    g.strides.insert(g.strides.begin(), k.sd);
    g.dilates.insert(g.dilates.begin(), k.dd - 1);
    g.pad.insert(g.pad.begin(), k.pd);
  }
  if (s.groups > 1) wei.insert(wei.begin(), s.groups);
  tag plain_act = s.three_d ? tag::ncdhw : tag::nchw;
  tag plain_wei = s.three_d ? (s.groups > 1 ? tag::goidhw : tag::oidhw)
                            : (s.groups > 1 ? tag::goihw : tag::oihw);
  p->user_src = memory::desc(src, dt::f32, plain_act);
  p->user_dst = memory::desc(dst, dt::f32, plain_act);
  p->user_wei = memory::desc(wei, dt::f32, plain_wei);
  p->bias = memory::desc({s.f}, dt::f32, tag::x);
  memory::desc any_wei(wei, dt::f32, tag::any);
  p->passes = Describe(g, memory::desc(src, dt::f32, tag::any), any_wei,
                       memory::desc(dst, dt::f32, tag::any), p->bias);
  const auto& fwd = p->passes.fwd_pd;
  bool plain = fwd.src_desc() == p->user_src && fwd.dst_desc() != p->user_dst;
  int64_t in_channels = s.c / s.groups;
  bool nhwc = in_channels == 1 || (!plain && in_channels % 16 != 0);
  if (nhwc && EnvBool("TESSERA_DNNL_NHWC")) {
    try {
      tag channels_last = s.three_d ? tag::ndhwc : tag::nhwc;
      p->passes = Describe(g, memory::desc(src, dt::f32, channels_last), any_wei,
                           memory::desc(dst, dt::f32, channels_last), p->bias);
      p->nhwc = true;
    } catch (const dnnl::error&) {
      // No NHWC implementation for this geometry: plain or oneDNN's blocked layouts.
    }
  }
  if (plain && !p->nhwc) p->passes = Describe(g, p->user_src, p->user_wei, p->user_dst, p->bias);
  p->passes.fwd = dnnl::convolution_forward(p->passes.fwd_pd);
  p->passes.bwd_data = dnnl::convolution_backward_data(p->passes.bwd_data_pd);
  p->passes.bwd_wei = dnnl::convolution_backward_weights(p->passes.bwd_wei_pd);
  return p;
}

// Never destroyed, as the engine that runs its users (core/engine/engine.h).
std::shared_ptr<ConvPrimitives> Get(const DnnlConvShape& s, bool has_bias) {
  static auto* mu = new std::mutex();
  static auto* cache = new std::map<Key, std::shared_ptr<ConvPrimitives>>();
  const Window& g = s.g;
  Key k{s.n,  s.c,  s.d,  s.h,  s.w,  s.f,  s.od, s.oh, s.ow, s.groups, g.kd,     g.kh,
        g.kw, g.sd, g.sh, g.sw, g.dd, g.dh, g.dw, g.pd, g.ph, g.pw,     has_bias, s.three_d};
  std::lock_guard<std::mutex> lock(*mu);
  auto it = cache->find(k);
  if (it != cache->end()) return it->second;
  auto p = Build(s, has_bias);
  (*cache)[k] = p;
  return p;
}

// A buffer for `d` in thread-local scratch slot `slot` (reused across calls: no allocation or
// page faults after the first call of a geometry).
memory ScratchMemory(const memory::desc& d, int slot) {
  return memory(d, DnnlEngine(), Scratch<float>(d.get_size() / sizeof(float) + 1, slot));
}

// A primitive's scratchpad, in slot 5. oneDNN's own scratchpad (library mode) is shared by
// every primitive of the process unless the library was built for concurrent execution, and
// the executor runs convolutions on several threads at once (a shared one crashed it).
memory Scratchpad(const memory::desc& d) { return ScratchMemory(d, 5); }

// `user` viewed in the primitive's layout `want`: the same memory, or a reordered copy in
// scratch slot `slot`.
memory In(const memory::desc& user_desc, const void* data, const memory::desc& want, int slot,
          dnnl::stream& st) {
  memory user(user_desc, DnnlEngine(), const_cast<void*>(data));
  if (want == user_desc) return user;
  memory m = ScratchMemory(want, slot);
  dnnl::reorder(user, m).execute(st, user, m);
  return m;
}

// A result buffer in layout `have` (the user's array, or scratch slot `slot`); Finish copies
// (or adds) it into the user's array.
struct Out {
  memory user, mem;
  float* tmp = nullptr;  // the result in the user's layout, when it is to be added
  size_t size = 0;
};

Out MakeOut(const memory::desc& user_desc, float* data, const memory::desc& have, bool add,
            int slot) {
  Out o;
  o.size = user_desc.get_size() / sizeof(float);
  if (add) {
    o.tmp = Scratch<float>(o.size, slot);
    o.user = memory(user_desc, DnnlEngine(), o.tmp);
    o.mem = have == user_desc ? o.user : ScratchMemory(have, slot + 1);
  } else {
    o.user = memory(user_desc, DnnlEngine(), data);
    o.mem = have == user_desc ? o.user : ScratchMemory(have, slot);
  }
  return o;
}

void Finish(Out* o, float* data, dnnl::stream& st) {
  if (o->mem.get_desc() != o->user.get_desc())
    dnnl::reorder(o->mem, o->user).execute(st, o->mem, o->user);
  st.wait();
  if (o->tmp)
    for (size_t i = 0; i < o->size; ++i) data[i] += o->tmp[i];
}

template <typename F>
bool Guard(F f) {
  try {
    f();
  } catch (const dnnl::error& e) {
    MX_THROW(InternalError) << "oneDNN convolution failed: " << e.what() << " (status "
                            << static_cast<int>(e.status) << ").";
  }
  return true;
}

}  // namespace

bool DnnlAvailable() { return true; }

bool DnnlConvUsesNhwc(const DnnlConvShape& s, bool has_bias) {
  bool nhwc = false;
  Guard([&] { nhwc = Get(s, has_bias)->nhwc; });
  return nhwc;
}

bool DnnlConvForward(const DnnlConvShape& s, const float* x, const float* w, const float* b,
                     float* y, bool add) {
  return Guard([&] {
    auto p = Get(s, b != nullptr);
    dnnl::stream st(DnnlEngine());
    memory src = In(p->user_src, x, p->passes.fwd_pd.src_desc(), 0, st);
    memory wei = In(p->user_wei, w, p->passes.fwd_pd.weights_desc(), 1, st);
    Out dst = MakeOut(p->user_dst, y, p->passes.fwd_pd.dst_desc(), add, 2);
    std::unordered_map<int, memory> args = {
        {DNNL_ARG_SRC, src},
        {DNNL_ARG_WEIGHTS, wei},
        {DNNL_ARG_DST, dst.mem},
        {DNNL_ARG_SCRATCHPAD, Scratchpad(p->passes.fwd_pd.scratchpad_desc())}};
    if (b) args[DNNL_ARG_BIAS] = memory(p->bias, DnnlEngine(), const_cast<float*>(b));
    p->passes.fwd.execute(st, args);
    Finish(&dst, y, st);
  });
}

bool DnnlConvBackward(const DnnlConvShape& s, const float* dy, const float* x, const float* w,
                      float* dx, bool add_dx, float* dw, bool add_dw, float* db, bool add_db) {
  // Scratch slots: 0 dy (reordered once when both passes want the same layout), 1 w then x,
  // 2-3 dx then dw, 4 dy for the weights pass when its layout differs.
  return Guard([&] {
    auto p = Get(s, db != nullptr);
    dnnl::stream st(DnnlEngine());
    memory ddst_data;
    if (dx) {
      ddst_data = In(p->user_dst, dy, p->passes.bwd_data_pd.diff_dst_desc(), 0, st);
      memory wei = In(p->user_wei, w, p->passes.bwd_data_pd.weights_desc(), 1, st);
      Out dsrc = MakeOut(p->user_src, dx, p->passes.bwd_data_pd.diff_src_desc(), add_dx, 2);
      p->passes.bwd_data.execute(
          st, {{DNNL_ARG_DIFF_DST, ddst_data},
               {DNNL_ARG_WEIGHTS, wei},
               {DNNL_ARG_DIFF_SRC, dsrc.mem},
               {DNNL_ARG_SCRATCHPAD, Scratchpad(p->passes.bwd_data_pd.scratchpad_desc())}});
      Finish(&dsrc, dx, st);
    }
    if (dw || db) {
      std::vector<float> wtmp, btmp;
      float* wout = dw;
      if (!dw) {
        wtmp.resize(p->user_wei.get_size() / sizeof(float));
        wout = wtmp.data();
      }
      memory src = In(p->user_src, x, p->passes.bwd_wei_pd.src_desc(), 1, st);
      const memory::desc& want_ddst = p->passes.bwd_wei_pd.diff_dst_desc();
      memory ddst = dx && ddst_data.get_desc() == want_ddst
                        ? ddst_data
                        : In(p->user_dst, dy, want_ddst, dx ? 4 : 0, st);
      Out dwei =
          MakeOut(p->user_wei, wout, p->passes.bwd_wei_pd.diff_weights_desc(), dw && add_dw, 2);
      std::unordered_map<int, memory> args = {
          {DNNL_ARG_SRC, src},
          {DNNL_ARG_DIFF_DST, ddst},
          {DNNL_ARG_DIFF_WEIGHTS, dwei.mem},
          {DNNL_ARG_SCRATCHPAD, Scratchpad(p->passes.bwd_wei_pd.scratchpad_desc())}};
      if (db) {
        btmp.resize(static_cast<size_t>(s.f));
        args[DNNL_ARG_DIFF_BIAS] = memory(p->bias, DnnlEngine(), btmp.data());
      }
      p->passes.bwd_wei.execute(st, args);
      Finish(&dwei, wout, st);
      if (db)
        for (int64_t f = 0; f < s.f; ++f) db[f] = (add_db ? db[f] : 0.0f) + btmp[f];
    }
  });
}

#else  // !TESSERA_HAVE_DNNL

bool DnnlAvailable() { return false; }
bool DnnlConvUsesNhwc(const DnnlConvShape&, bool) { return false; }
bool DnnlConvForward(const DnnlConvShape&, const float*, const float*, const float*, float*, bool) {
  return false;
}
bool DnnlConvBackward(const DnnlConvShape&, const float*, const float*, const float*, float*, bool,
                      float*, bool, float*, bool) {
  return false;
}

#endif

}  // namespace mx
